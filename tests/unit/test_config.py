import pytest

from app.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for key in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "SECRET_KEY", "HEARING_WINDOW_HOURS", "HEARING_WINDOW_LEGAL_BASIS", "FORCE_NAME", "DVPO_ENV", "SCHEDULER_IN_PROCESS",
                "TRIAL_SEED", "SESSION_ABSOLUTE_HOURS", "SESSION_IDLE_MINUTES", "SMS_BACKEND", "VONAGE_API_KEY",
                "VONAGE_API_SECRET", "VONAGE_FROM", "SMS_WINDOW_OPENS", "VONAGE_SIGNATURE_SECRET",
                "UPLOAD_DOCX_MAX_UNPACKED_MB", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ADDRESS", "TRUSTED_PROXIES",
                "LOGIN_MAX_FAILURES", "LOGIN_LOCK_MINUTES", "SMS_UNIT_PRICE_PENCE"):
        monkeypatch.delenv(key, raising=False)


def test_development_defaults_use_sqlite_in_instance_and_keep_a_generated_key(tmp_path):
    first = load_settings(str(tmp_path))
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/dvpo.sqlite3"
    assert len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_settings(str(tmp_path))["SECRET_KEY"] == first["SECRET_KEY"]
    assert first["HEARING_WINDOW_HOURS"] == 48 and first["SCHEDULER_IN_PROCESS"] is True
    assert first["SESSION_COOKIE_SECURE"] is False and first["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_without_secret_key_is_a_clear_start_up_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DVPO_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings(str(tmp_path))


def test_production_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DVPO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR")
    monkeypatch.setenv("TRIAL_SEED", "ab" * 16)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/dvpo")
    monkeypatch.setenv("HEARING_WINDOW_HOURS", "72")
    monkeypatch.setenv("HEARING_WINDOW_LEGAL_BASIS", "Example (Amendment) Act 2027 s.1")
    monkeypatch.setenv("FORCE_NAME", "Example Police")
    settings = load_settings(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/dvpo"
    assert settings["HEARING_WINDOW_HOURS"] == 72 and settings["FORCE_NAME"] == "Example Police"
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["SCHEDULER_IN_PROCESS"] is False


@pytest.mark.parametrize("value", ["24", "abc", "0"])
def test_hearing_window_must_be_48_or_72(tmp_path, monkeypatch, value):
    monkeypatch.setenv("HEARING_WINDOW_HOURS", value)
    with pytest.raises(ConfigError, match="HEARING_WINDOW_HOURS"):
        load_settings(str(tmp_path))


def test_instance_config_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('FORCE_NAME = "From File"\nFORCE_CODE = "FF"\n')
    monkeypatch.setenv("FORCE_NAME", "From Env")
    settings = load_settings(str(tmp_path))
    assert settings["FORCE_NAME"] == "From Env" and settings["FORCE_CODE"] == "FF"


def test_development_generates_and_keeps_a_trial_seed(tmp_path):
    first = load_settings(str(tmp_path))
    assert len(bytes.fromhex(first["TRIAL_SEED"])) == 32
    assert (tmp_path / "trial_seed").stat().st_mode & 0o777 == 0o600
    assert load_settings(str(tmp_path))["TRIAL_SEED"] == first["TRIAL_SEED"]
    assert first["TRIAL_SEED"] != first["SECRET_KEY"]


def test_production_without_trial_seed_is_a_clear_start_up_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DVPO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR")
    with pytest.raises(ConfigError, match="TRIAL_SEED is not set"):
        load_settings(str(tmp_path))


@pytest.mark.parametrize("seed", ["abc", "zz" * 20, "ab" * 8 + "a"])
def test_trial_seed_must_be_long_hex(tmp_path, monkeypatch, seed):
    monkeypatch.setenv("TRIAL_SEED", seed)
    with pytest.raises(ConfigError, match="TRIAL_SEED must be"):
        load_settings(str(tmp_path))


def test_vonage_backend_needs_its_credentials(tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_BACKEND", "vonage")
    monkeypatch.setenv("VONAGE_API_KEY", "key")
    with pytest.raises(ConfigError, match="VONAGE_API_SECRET, VONAGE_FROM"):
        load_settings(str(tmp_path))


@pytest.mark.parametrize(("key", "value"), [("SMS_BACKEND", "carrier-pigeon"), ("SMS_WINDOW_OPENS", "9am"),
                                            ("SMS_WINDOW_OPENS", "25:00")])
def test_sms_settings_are_checked_at_start_up(tmp_path, monkeypatch, key, value):
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        load_settings(str(tmp_path))


def test_a_test_clock_is_refused_outside_the_testing_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR")
    monkeypatch.setenv("TRIAL_SEED", "ab" * 16)
    for env in ("development", "production"):
        with pytest.raises(ConfigError, match="CLOCK_STARTS_AT is for the test suites only"):
            load_settings(str(tmp_path), {"DVPO_ENV": env, "CLOCK_STARTS_AT": "2026-11-17T10:00:00+00:00"})
    assert load_settings(str(tmp_path), {"DVPO_ENV": "production"})["CLOCK_STARTS_AT"] is None


def test_a_clock_file_is_for_the_testing_configuration_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR")
    monkeypatch.setenv("TRIAL_SEED", "ab" * 16)
    clock = tmp_path / "clock"
    clock.write_text("0")
    for env in ("development", "production"):
        with pytest.raises(ConfigError, match="CLOCK_FILE is for the test suites only"):
            load_settings(str(tmp_path), {"DVPO_ENV": env, "CLOCK_FILE": str(clock)})
    assert load_settings(str(tmp_path), {"DVPO_ENV": "testing", "CLOCK_FILE": str(clock)})["CLOCK_FILE"] == str(clock)
    with pytest.raises(ConfigError, match="is not a file"):
        load_settings(str(tmp_path), {"DVPO_ENV": "testing", "CLOCK_FILE": str(tmp_path / "missing")})
    monkeypatch.setenv("CLOCK_FILE", str(clock))  # never from the environment
    assert load_settings(str(tmp_path), {"DVPO_ENV": "testing"})["CLOCK_FILE"] is None


def test_the_environment_cannot_start_a_test_clock(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOCK_STARTS_AT", "2026-11-17T10:00:00+00:00")
    assert load_settings(str(tmp_path), {"DVPO_ENV": "testing"})["CLOCK_STARTS_AT"] is None


def test_a_test_clock_needs_an_aware_iso_instant(tmp_path):
    settings = load_settings(str(tmp_path), {"DVPO_ENV": "testing", "CLOCK_STARTS_AT": "2027-03-25T23:50:00+00:00"})
    assert settings["CLOCK_STARTS_AT"].isoformat() == "2027-03-25T23:50:00+00:00"
    for bad, message in (("2027-03-25T23:50", "needs a UTC offset"), ("Thursday", "ISO 8601")):
        with pytest.raises(ConfigError, match=message):
            load_settings(str(tmp_path), {"DVPO_ENV": "testing", "CLOCK_STARTS_AT": bad})


def test_the_72_hour_window_is_refused_without_the_enactment_that_allows_it(tmp_path, monkeypatch):
    # CSA 2010 s.27(3) and DAA 2021 s.29(2) say 48 hours; 72 was recommended, never enacted.
    monkeypatch.setenv("HEARING_WINDOW_HOURS", "72")
    for blank in ("", "   "):
        monkeypatch.setenv("HEARING_WINDOW_LEGAL_BASIS", blank)
        with pytest.raises(ConfigError, match="HEARING_WINDOW_LEGAL_BASIS.*48 hours"):
            load_settings(str(tmp_path))
    monkeypatch.setenv("HEARING_WINDOW_LEGAL_BASIS", " Example (Amendment) Act 2027 s.1 ")
    assert load_settings(str(tmp_path))["HEARING_WINDOW_LEGAL_BASIS"] == "Example (Amendment) Act 2027 s.1"


def test_the_default_window_is_the_statutory_48_hours_with_no_basis_needed(tmp_path):
    settings = load_settings(str(tmp_path))
    assert settings["HEARING_WINDOW_HOURS"] == 48 and settings["HEARING_WINDOW_LEGAL_BASIS"] == ""


def test_sessions_last_at_most_twelve_hours_by_default_and_the_limit_is_checked(tmp_path):
    assert load_settings(str(tmp_path))["SESSION_ABSOLUTE_HOURS"] == 12
    assert load_settings(str(tmp_path), {"SESSION_ABSOLUTE_HOURS": "8"})["SESSION_ABSOLUTE_HOURS"] == 8
    for bad in ("0", "169", "twelve"):
        with pytest.raises(ConfigError, match="SESSION_ABSOLUTE_HOURS"):
            load_settings(str(tmp_path), {"SESSION_ABSOLUTE_HOURS": bad})
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        load_settings(str(tmp_path), {"SESSION_IDLE_MINUTES": 0})


# -- issue 14, items 7 and 8: what production must have ---------------------------------------

KEY = "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR"  # 43 characters, as secrets.token_urlsafe(32)
VONAGE = {"SMS_BACKEND": "vonage", "VONAGE_API_KEY": "key", "VONAGE_API_SECRET": "secret", "VONAGE_FROM": "DVPODesk"}


def production(tmp_path, **overrides):
    return load_settings(str(tmp_path), {"DVPO_ENV": "production", "SECRET_KEY": KEY, "TRIAL_SEED": "ab" * 16,
                                         **overrides})


@pytest.mark.parametrize("env", ["production", "testing"])
def test_vonage_without_a_signature_secret_is_refused_outside_development(tmp_path, env):
    # Unsigned receipts could mark P's texts delivered or failed.
    for blank in ("", "  "):
        with pytest.raises(ConfigError, match="SMS_BACKEND=vonage needs VONAGE_SIGNATURE_SECRET outside development"):
            load_settings(str(tmp_path), {"DVPO_ENV": env, "SECRET_KEY": KEY, "TRIAL_SEED": "ab" * 16, **VONAGE,
                                          "VONAGE_SIGNATURE_SECRET": blank})


def test_vonage_with_a_signature_secret_starts_and_development_may_go_without(tmp_path):
    assert production(tmp_path, **VONAGE, VONAGE_SIGNATURE_SECRET="sig")["SMS_BACKEND"] == "vonage"
    assert load_settings(str(tmp_path), dict(VONAGE))["VONAGE_SIGNATURE_SECRET"] == ""
    assert production(tmp_path)["SMS_BACKEND"] == "outbox"  # the outbox takes no receipts


@pytest.mark.parametrize("key", ["x", "s" * 40, "s" * 64, KEY[:42], "ab" * 40, "abcdefg" * 7])
def test_a_short_or_padded_secret_key_is_refused_outside_development(tmp_path, key):
    for env in ("production", "testing"):
        with pytest.raises(ConfigError, match="SECRET_KEY is too short or not random"):
            load_settings(str(tmp_path), {"DVPO_ENV": env, "SECRET_KEY": key, "TRIAL_SEED": "ab" * 16})


def test_random_secret_keys_of_32_bytes_start(tmp_path):
    import secrets

    for key in (KEY, secrets.token_urlsafe(32), secrets.token_hex(32)):
        assert production(tmp_path, SECRET_KEY=key)["SECRET_KEY"] == key
    # Development takes what it is given; testing without a key generates a long one.
    assert load_settings(str(tmp_path), {"SECRET_KEY": "x"})["SECRET_KEY"] == "x"
    assert len(load_settings(str(tmp_path), {"DVPO_ENV": "testing"})["SECRET_KEY"]) == 64


def test_hsts_is_on_outside_development(tmp_path):
    assert production(tmp_path)["HSTS"] is True
    assert load_settings(str(tmp_path), {"DVPO_ENV": "testing"})["HSTS"] is True
    assert load_settings(str(tmp_path))["HSTS"] is False


def test_the_word_unpacked_limit_is_a_setting(tmp_path, monkeypatch):
    assert load_settings(str(tmp_path))["UPLOAD_DOCX_MAX_UNPACKED_BYTES"] == 50 * 1024 * 1024
    monkeypatch.setenv("UPLOAD_DOCX_MAX_UNPACKED_MB", "80")
    assert load_settings(str(tmp_path))["UPLOAD_DOCX_MAX_UNPACKED_BYTES"] == 80 * 1024 * 1024
    monkeypatch.setenv("UPLOAD_DOCX_MAX_UNPACKED_MB", "lots")
    with pytest.raises(ConfigError, match="UPLOAD_DOCX_MAX_UNPACKED_MB must be a whole number"):
        load_settings(str(tmp_path))


def test_login_limits_are_checked_and_the_lock_out_settings_are_refused(tmp_path, monkeypatch):
    settings = load_settings(str(tmp_path))
    assert (settings["LOGIN_LIMIT_PER_ACCOUNT"], settings["LOGIN_LIMIT_PER_ADDRESS"]) == (
        "5 per 15 minutes", "50 per 15 minutes")
    assert settings["RATELIMIT_STORAGE_URI"] == "dvpo-database://" and settings["TRUSTED_PROXIES"] == 0
    for bad in ("five a minute", "0 per minute", ""):
        with pytest.raises(ConfigError, match="LOGIN_LIMIT_PER_ACCOUNT must be a limit like '5 per 15 minutes'"):
            load_settings(str(tmp_path), {"LOGIN_LIMIT_PER_ACCOUNT": bad})
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be 0 to 5"):
        load_settings(str(tmp_path), {"TRUSTED_PROXIES": "-1"})
    with pytest.raises(ConfigError, match="LOGIN_MAX_FAILURES: accounts are no longer locked"):
        load_settings(str(tmp_path), {"LOGIN_MAX_FAILURES": 5})
    monkeypatch.setenv("LOGIN_LOCK_MINUTES", "15")
    with pytest.raises(ConfigError, match="LOGIN_LOCK_MINUTES: accounts are no longer locked"):
        load_settings(str(tmp_path))
    monkeypatch.delenv("LOGIN_LOCK_MINUTES")
    monkeypatch.setenv("LOGIN_LIMIT_PER_ADDRESS", "100/hour")
    assert load_settings(str(tmp_path))["LOGIN_LIMIT_PER_ADDRESS"] == "100/hour"


def test_migrations_connect_as_the_owner_of_the_same_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://dvpo_app:a@db.internal:5432/dvpo")
    assert load_settings(str(tmp_path))["MIGRATION_DATABASE_URI"] == "postgresql+psycopg://dvpo_app:a@db.internal:5432/dvpo"
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgresql://dvpo_owner:b@db.internal:5432/dvpo")
    settings = load_settings(str(tmp_path))
    assert settings["MIGRATION_DATABASE_URI"] == "postgresql+psycopg://dvpo_owner:b@db.internal:5432/dvpo"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://dvpo_app:a@db.internal:5432/dvpo"


@pytest.mark.parametrize("other", ["postgresql://dvpo_owner:b@db.internal:5432/elsewhere",
                                   "postgresql://dvpo_owner:b@other.internal:5432/dvpo", "sqlite:///x.sqlite3"])
def test_migrations_on_another_database_are_a_start_up_error(tmp_path, monkeypatch, other):
    monkeypatch.setenv("DATABASE_URL", "postgres://dvpo_app:a@db.internal:5432/dvpo")
    monkeypatch.setenv("MIGRATION_DATABASE_URL", other)
    with pytest.raises(ConfigError, match="MIGRATION_DATABASE_URL must name the same database as DATABASE_URL"):
        load_settings(str(tmp_path))


def test_sms_unit_price_is_optional_pence_with_decimals(tmp_path, monkeypatch):
    from decimal import Decimal

    assert load_settings(str(tmp_path))["SMS_UNIT_PRICE_PENCE"] is None  # not set: the cost is not shown
    monkeypatch.setenv("SMS_UNIT_PRICE_PENCE", " 3.5 ")
    assert load_settings(str(tmp_path))["SMS_UNIT_PRICE_PENCE"] == Decimal("3.5")


@pytest.mark.parametrize("value", ["abc", "-1", "100.01", "NaN", "Infinity", "£4"])
def test_sms_unit_price_refuses_what_is_not_a_price(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SMS_UNIT_PRICE_PENCE", value)
    with pytest.raises(ConfigError, match="SMS_UNIT_PRICE_PENCE"):
        load_settings(str(tmp_path))


@pytest.mark.parametrize(("key", "value"), [("DASHBOARD_PAGE_SIZE", "0"), ("DASHBOARD_PAGE_SIZE", "-1"),
                                            ("DASHBOARD_PAGE_SIZE", "501"), ("DASHBOARD_TASK_LINES", "0"),
                                            ("DASHBOARD_TASK_LINES", "51")])
def test_the_dashboards_sizes_are_checked_at_start_up(tmp_path, monkeypatch, key, value):
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=key):
        load_settings(str(tmp_path))


def test_on_postgresql_each_connection_reads_instants_in_utc(tmp_path):
    """The app's PostgreSQL connections set TimeZone=UTC (psycopg then returns instants in
    UTC, not in the server's zone); SQLite's connections are left as they are."""
    from app.config import load_settings

    pg = load_settings(str(tmp_path), {"DVPO_ENV": "testing", "DATABASE_URL": "postgresql://app@127.0.0.1/dvpo"})
    assert pg["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"options": "-c TimeZone=UTC"}
    assert pg["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    lite = load_settings(str(tmp_path), {"DVPO_ENV": "testing"})
    assert "connect_args" not in lite["SQLALCHEMY_ENGINE_OPTIONS"]
