"""Argon2 parameters: strong in development and production, cheap under testing only."""
import pytest
from argon2 import PasswordHasher, extract_parameters

from app import create_app
from app.services import users

CURRENT_STRONG = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "salt_len": 16, "hash_len": 32}
SETTINGS = {"SECRET_KEY": "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR", "TRIAL_SEED": "ab" * 16, "DATABASE_URL": "sqlite://"}


def hasher_of(env: str) -> PasswordHasher:
    app = create_app({"DVPO_ENV": env, **SETTINGS})
    with app.app_context():
        return users.password_hasher()


def parameters_of(hasher: PasswordHasher) -> dict:
    return {name: getattr(hasher, name) for name in CURRENT_STRONG}


@pytest.mark.parametrize("env", ["production", "development"])
def test_production_and_development_hash_with_the_strong_parameters(env):
    hasher = hasher_of(env)
    assert parameters_of(hasher) == CURRENT_STRONG
    assert hasher.type.name == "ID"
    made = extract_parameters(hasher.hash("correct horse battery"))
    assert (made.time_cost, made.memory_cost, made.parallelism) == (3, 65536, 4)


def test_testing_hashes_with_the_cheap_parameters():
    hasher = hasher_of("testing")
    assert parameters_of(hasher) == {**CURRENT_STRONG, "time_cost": 1, "memory_cost": 8, "parallelism": 1}
    assert hasher.type.name == "ID"


def test_each_app_keeps_its_own_parameters():
    production = create_app({"DVPO_ENV": "production", **SETTINGS})
    testing = create_app({"DVPO_ENV": "testing", **SETTINGS})
    with testing.app_context():
        assert users.password_hasher().memory_cost == 8
        with production.app_context():
            assert users.password_hasher().memory_cost == 65536
        assert users.password_hasher().memory_cost == 8


def test_a_hash_made_with_other_parameters_verifies_and_needs_rehashing():
    strong, cheap = hasher_of("production"), hasher_of("testing")
    for maker, checker in [(cheap, strong), (strong, cheap)]:
        made = maker.hash("correct horse battery")
        assert checker.verify(made, "correct horse battery")
        assert checker.check_needs_rehash(made)
        assert not maker.check_needs_rehash(made)
