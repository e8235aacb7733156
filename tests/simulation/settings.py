"""The app's settings shared by every process of the simulation, passed through the environment
(SIM_* variables the driver sets) because gunicorn's workers and the scheduler are separate
processes. Only for DVPO_ENV=testing: CLOCK_FILE is refused anywhere else."""
from __future__ import annotations

import os

SECRET_KEY = "sim-secret-key-7Qx2v9LmP4kR8tYz3Wc6Nb1Hf5Jd0Gs"  # a throwaway database, never production
TRIAL_SEED = "5e" * 16
VONAGE_SIGNATURE = "sim-dlr-signature-secret-0123456789"


def app_config() -> dict:
    env = os.environ
    return {
        "DVPO_ENV": "testing",
        "DATABASE_URL": env["SIM_DATABASE_URL"],
        "MIGRATION_DATABASE_URL": env.get("SIM_MIGRATION_DATABASE_URL") or env["SIM_DATABASE_URL"],
        "SECRET_KEY": SECRET_KEY,
        "TRIAL_SEED": TRIAL_SEED,
        "CLOCK_FILE": env["SIM_CLOCK_FILE"],
        "SCHEDULER_IN_PROCESS": "false",
        "UPLOAD_FOLDER": env["SIM_UPLOAD_FOLDER"],
        "DAPN_PILOT": True,  # DVPNs and DAPNs side by side, the officer choosing per case
        "SMS_BACKEND": "vonage",
        "VONAGE_API_KEY": env["SIM_VONAGE_KEY"],
        "VONAGE_API_SECRET": env["SIM_VONAGE_SECRET"],
        "VONAGE_FROM": "SimPolice",
        "VONAGE_REST_HOST": env["SIM_VONAGE_HOST"],
        "VONAGE_API_HOST": env["SIM_VONAGE_HOST"],
        "VONAGE_TIMEOUT_SECONDS": 5,
        "VONAGE_SIGNATURE_SECRET": VONAGE_SIGNATURE,  # receipts are signed, as in production
        "VONAGE_SIGNATURE_METHOD": "md5hash",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_size": 4},
        # A simulated person acts once every few virtual hours, where an officer on shift keeps
        # a session busy; with the 30-minute idle rule every action would log in afresh (3,237
        # log-ins at SIM_SCALE=0.1). The idle and absolute limits are settings, not what the
        # simulation tests (tests/integration/test_sessions_end.py does): here a session is idle-proof and
        # lasts the longest the app allows, a week, after which the person logs in again.
        "SESSION_IDLE_MINUTES": 7 * 24 * 60,
        "SESSION_ABSOLUTE_HOURS": 7 * 24,
    }
