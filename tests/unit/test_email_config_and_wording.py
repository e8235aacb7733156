"""Email settings from the environment, and what an email says (no personal data)."""
import pytest

from app.config import ConfigError, load_settings
from app.domain.email_wording import compose
from app.mailer import OutboxMailer, SmtpMailer, build_mailer

MAIL_KEYS = ("EMAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
             "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "MAIL_TIMEOUT", "BASE_URL", "EMAIL_MAX_ATTEMPTS", "DVPO_ENV",
             "SECRET_KEY", "TRIAL_SEED", "DATABASE_URL", "SMS_BACKEND")
PRODUCTION = {"DVPO_ENV": "production", "SECRET_KEY": "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR", "TRIAL_SEED": "ab" * 16}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for key in MAIL_KEYS:
        monkeypatch.delenv(key, raising=False)


def test_the_embedded_default_is_the_outbox_with_a_local_base_url(tmp_path):
    settings = load_settings(str(tmp_path))
    assert settings["EMAIL_BACKEND"] == "outbox" and settings["BASE_URL"] == "http://127.0.0.1:5000"
    assert isinstance(build_mailer(settings), OutboxMailer)


def test_smtp_settings_from_the_environment(tmp_path, monkeypatch):
    for key, value in {**PRODUCTION, "EMAIL_BACKEND": "SMTP", "MAIL_SERVER": "smtp.force.police.uk", "MAIL_PORT": "587",
                       "MAIL_USE_TLS": "true", "MAIL_USERNAME": "dvpo", "MAIL_PASSWORD": "secret",
                       "MAIL_DEFAULT_SENDER": "DVPO Desk <dvpo@force.police.uk>",
                       "BASE_URL": "https://dvpo.force.police.uk/"}.items():
        monkeypatch.setenv(key, value)
    settings = load_settings(str(tmp_path))
    assert (settings["EMAIL_BACKEND"], settings["MAIL_PORT"], settings["MAIL_USE_TLS"]) == ("smtp", 587, True)
    assert settings["BASE_URL"] == "https://dvpo.force.police.uk"
    mailer = build_mailer(settings)
    assert isinstance(mailer, SmtpMailer) and mailer.domain == "force.police.uk"
    assert mailer.options["host"] == "smtp.force.police.uk" and mailer.options["use_tls"] is True


@pytest.mark.parametrize("env, message", [
    ({"EMAIL_BACKEND": "sendgrid"}, "EMAIL_BACKEND must be outbox or smtp"),
    ({"EMAIL_BACKEND": "smtp"}, "needs MAIL_DEFAULT_SENDER"),
    ({**PRODUCTION, "EMAIL_BACKEND": "smtp", "MAIL_DEFAULT_SENDER": "a@b.uk"}, "needs BASE_URL outside development"),
    ({"MAIL_USE_TLS": "1", "MAIL_USE_SSL": "1"}, "cannot both be on"),
    ({"MAIL_PORT": "smtp"}, "MAIL_PORT must be a whole number"),
    ({"BASE_URL": "dvpo.force.police.uk"}, "BASE_URL must start with https://"),
])
def test_bad_email_settings_stop_start_up_with_what_to_set(tmp_path, monkeypatch, env, message):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(str(tmp_path))


@pytest.mark.parametrize("kind, outcome", [
    ("application_waiting", None), ("decision_made", "authorise"), ("decision_made", "refuse"),
    ("decision_made", "return"), ("concern_reported", None), ("referral_returned", None),
])
def test_every_email_names_the_case_and_links_to_it(kind, outcome):
    wording = compose(kind, reference="DC-2026-00042", url="https://x.test/cases/42", force="Demo", outcome=outcome)
    assert wording.subject.startswith("DC-2026-00042: ")
    assert "https://x.test/cases/42\n" in wording.body and "DC-2026-00042" in wording.body


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        compose("gossip", reference="DC-1", url="https://x.test/", force="Demo")
