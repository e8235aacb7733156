"""A job PostgreSQL rolled back to break a deadlock (or a serialization failure) is run again
at once (app/jobs.py, `retrying`); any other database error is raised as before."""
import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

from app import jobs


def _failing(errors: list[BaseException]):
    calls = []

    def job(app):
        calls.append(app)
        if errors:
            raise errors.pop(0)
    return job, calls


def _db_error(orig: BaseException) -> OperationalError:
    return OperationalError("UPDATE referral SET ...", {}, orig)


def test_a_job_rolled_back_for_a_deadlock_runs_again():
    job, calls = _failing([_db_error(psycopg.errors.DeadlockDetected("deadlock detected")),
                           _db_error(psycopg.errors.SerializationFailure("could not serialize access"))])
    jobs.retrying(job, sleep=lambda _: None)("app")
    assert calls == ["app", "app", "app"]


def test_a_job_gives_up_after_its_attempts():
    job, calls = _failing([_db_error(psycopg.errors.DeadlockDetected("deadlock detected"))
                           for _ in range(jobs.JOB_ATTEMPTS)])
    with pytest.raises(OperationalError):
        jobs.retrying(job, sleep=lambda _: None)("app")
    assert len(calls) == jobs.JOB_ATTEMPTS


def test_other_database_errors_are_not_retried():
    job, calls = _failing([_db_error(psycopg.errors.UndefinedTable("no such table"))])
    with pytest.raises(OperationalError):
        jobs.retrying(job, sleep=lambda _: None)("app")
    assert len(calls) == 1


def test_every_scheduled_job_retries(tmp_path):
    from app import create_app

    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    app = create_app({"DVPO_ENV": "testing", "DATABASE_URL": url, "MIGRATION_DATABASE_URL": url,
                      "SCHEDULER_IN_PROCESS": "false", "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    scheduler = jobs.build_scheduler(app)
    wrapped = {job.id: getattr(job.func, "__wrapped__", None) for job in scheduler.get_jobs()}
    assert "sweep_referrals" in wrapped and "expire_orders" in wrapped
    assert all(func is getattr(jobs, job_id) for job_id, func in wrapped.items()), wrapped
