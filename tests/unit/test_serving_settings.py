"""gunicorn's settings (app/serving.py, gunicorn.conf.py): sized for the machine, overridable."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.serving import GUNICORN_ACCESS_LOG_FORMAT, ServingConfigError, gunicorn_settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_follow_the_cores():
    two = gunicorn_settings({}, cpus=2)
    assert (two["workers"], two["worker_class"], two["threads"]) == (2, "gthread", 4)
    assert gunicorn_settings({}, cpus=8)["workers"] == 8
    assert gunicorn_settings({}, cpus=1)["workers"] == 2  # one restarting still leaves one serving
    assert (two["timeout"], two["graceful_timeout"], two["keepalive"]) == (60, 30, 5)
    assert (two["max_requests"], two["max_requests_jitter"]) == (2000, 200)
    assert two["preload_app"] is False
    assert two["bind"] == ["127.0.0.1:8000"]
    assert (two["accesslog"], two["access_log_format"]) == ("-", GUNICORN_ACCESS_LOG_FORMAT)


def test_every_setting_can_be_overridden_by_the_environment():
    settings = gunicorn_settings({
        "GUNICORN_BIND": "0.0.0.0:9000, unix:/run/dvpo/web.sock", "GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "8",
        "GUNICORN_TIMEOUT": "90", "GUNICORN_GRACEFUL_TIMEOUT": "45", "GUNICORN_KEEPALIVE": "2",
        "GUNICORN_MAX_REQUESTS": "500", "GUNICORN_MAX_REQUESTS_JITTER": "7", "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_ERROR_LOG": "/var/log/dvpo/error.log",
    }, cpus=2)
    assert settings["bind"] == ["0.0.0.0:9000", "unix:/run/dvpo/web.sock"]
    assert (settings["workers"], settings["threads"], settings["timeout"]) == (3, 8, 90)
    assert (settings["graceful_timeout"], settings["keepalive"]) == (45, 2)
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (500, 7)
    assert settings["accesslog"] is None  # empty: no access log
    assert settings["errorlog"] == "/var/log/dvpo/error.log"


@pytest.mark.parametrize(("name", "value"), [
    ("GUNICORN_WORKERS", "two"), ("GUNICORN_WORKERS", "0"), ("GUNICORN_THREADS", "16"),
    ("GUNICORN_TIMEOUT", "-1"), ("GUNICORN_MAX_REQUESTS", "1.5"),
])
def test_a_value_that_cannot_be_used_is_refused_by_name(name, value):
    with pytest.raises(ServingConfigError, match=name):
        gunicorn_settings({name: value}, cpus=2)


def _load_config(env: dict) -> subprocess.CompletedProcess:
    # In a fresh interpreter, as gunicorn's master loads it.
    script = ("import runpy, sys, json; c = runpy.run_path('gunicorn.conf.py'); "
              "print(json.dumps({'workers': c['workers'], 'threads': c['threads'], 'worker_class': c['worker_class'], "
              "'format': c['access_log_format'], 'app_imported': 'app' in sys.modules or 'flask' in sys.modules}))")
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, timeout=60)


def test_the_config_file_loads_without_importing_the_app():
    """gunicorn's master must not import the app: workers forked after a reload would run old code."""
    import json

    result = _load_config({"GUNICORN_WORKERS": "3"})
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded == {"workers": 3, "threads": 4, "worker_class": "gthread", "format": GUNICORN_ACCESS_LOG_FORMAT,
                      "app_imported": False}


def test_the_config_file_stops_with_the_reason_on_a_bad_value():
    result = _load_config({"GUNICORN_THREADS": "lots"})
    assert result.returncode != 0
    assert "GUNICORN_THREADS must be a whole number from 1 to 15, got 'lots'" in result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("PDF_CACHE_MB", "-1"), ("PDF_CACHE_MB", "2048"), ("PDF_RENDERS_AT_ONCE", "0"), ("PDF_WAIT_SECONDS", "0"),
    ("PDF_WAIT_SECONDS", "soon"), ("RENDER_PROCESSES", "9"), ("RENDER_PROCESSES", "-1"), ("RENDER_PROCESSES", "two"),
])
def test_pdf_settings_out_of_range_stop_start_up(tmp_path, name, value):
    from app.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=name):
        load_settings(str(tmp_path), {"DVPO_ENV": "development", name: value})


def test_pdf_settings_default_to_one_render_at_a_time(tmp_path):
    from app.config import load_settings

    settings = load_settings(str(tmp_path), {"DVPO_ENV": "development"})
    assert (settings["PDF_CACHE_MB"], settings["PDF_RENDERS_AT_ONCE"], settings["PDF_WAIT_SECONDS"]) == (16, 1, 20)


@pytest.mark.parametrize(("env", "given", "expected"), [
    ("development", None, 1), ("testing", None, 0), ("testing", "2", 2), ("development", "0", 0),
])
def test_pdfs_and_charts_go_to_a_renderer_process_outside_the_suites(tmp_path, env, given, expected):
    from app.config import load_settings

    overrides = {"DVPO_ENV": env, **({"RENDER_PROCESSES": given} if given is not None else {})}
    assert load_settings(str(tmp_path), overrides)["RENDER_PROCESSES"] == expected
