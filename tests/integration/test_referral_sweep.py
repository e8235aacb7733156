"""The Victims' Code sweep on real calendars (Code of Practice for Victims of Crime (2020),
Right 4: referral within two working days of service of the notice; the day of service
does not count; working days are Monday to Friday, not bank holidays).

Service at Christmas, New Year and Easter; the sweep run just before the warning, inside
it, just before due and just after. A breach is flagged once, stays flagged after the
referral goes, and its audit entry says how late it was. Every due and warning instant is
worked out by hand in its row (warning: 4 office hours, 09:00-17:00, counted back from due).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.calendar import LONDON
from app.domain.referrals import CodeState, Consent, ContactMethod, ContactOutcome
from app.extensions import db
from app.models import AuditEntry, ContactAttempt, ReferralStatus, Role
from app.services import casework, referral_queries, referral_sweep, referrals
from app.services.calendar import add_extra_bank_holiday, load_calendar
from app.services.referrals import ReferralSettings
from app.timeutil import frozen_at, utcnow
from tests.integration.factories import consenting, granted_case, served_case, support_service

MINUTE = timedelta(minutes=1)


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def serve(officer, at: datetime):
    """Serve a notice at `at` (in the past of the global frozen clock only if we move it)."""
    with frozen_at(at + MINUTE):
        case = served_case(officer, served_at=at)
    [referral] = referral_queries.referrals_for(case)
    return case, referral


def breach_entries(referral=None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "referral.code_breach").order_by(AuditEntry.id)
    entries = db.session.scalars(query).all()
    if referral is not None:
        entries = [e for e in entries if e.detail["referral"] == referral.id]
    return entries


def count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


SCENARIOS = [
    # (served, due, warning, why)
    ("2026-12-24 18:00", "2026-12-31 00:00", "2026-12-30 13:00",
     "Thu 24 Dec: Fri 25 (Christmas), Sat 26, Sun 27, Mon 28 (substitute for Boxing Day) no; "
     "Tue 29 (1), Wed 30 (2) -> Thu 31 00:00; warning Wed 30 17:00 - 4h"),
    ("2026-12-23 10:00", "2026-12-30 00:00", "2026-12-29 13:00",
     "Wed 23 Dec: Thu 24 (1); Fri 25 to Mon 28 no; Tue 29 (2) -> Wed 30 00:00; warning Tue 29 13:00"),
    ("2027-03-25 12:00", "2027-04-01 00:00", "2027-03-31 13:00",
     "Thu 25 Mar 2027 (GMT): Good Friday 26, Sat, Sun 28 (clocks forward), Easter Monday 29 no; "
     "Tue 30 (1), Wed 31 (2) -> Thu 1 Apr 00:00 BST; warning Wed 31 13:00 BST"),
    ("2026-12-31 10:00", "2027-01-06 00:00", "2027-01-05 13:00",
     "Thu 31 Dec 2026: Fri 1 Jan (New Year's Day), Sat, Sun no; Mon 4 (1), Tue 5 (2) -> Wed 6 00:00; "
     "warning Tue 5 13:00"),
    ("2027-01-01 03:00", "2027-01-06 00:00", "2027-01-05 13:00",
     "served on New Year's Day (Fri): Mon 4 (1), Tue 5 (2) -> Wed 6; warning Tue 5 13:00"),
]


@pytest.mark.parametrize(("served", "due", "warning", "why"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_sweep_around_the_holidays(app, make_user, served, due, warning, why):
    officer = make_user(Role.OFFICER)
    service = support_service()
    case, referral = serve(officer, L(served))
    due_at, warn_at = L(due), L(warning)
    assert referral.due_at == due_at, f"{why}: due {referral.due_at.astimezone(LONDON)}"
    assert referral.warn_at == warn_at, f"{why}: warning {referral.warn_at.astimezone(LONDON)}"

    def sweep(at: datetime) -> tuple[int, int]:
        report = referral_sweep.sweep(at)
        return report.flagged, report.due_soon

    assert sweep(warn_at - MINUTE) == (0, 0), "just before the warning"
    assert referral_queries.code_state(referral, warn_at - MINUTE).state is CodeState.RUNNING
    assert sweep(warn_at) == (0, 1), "exactly at the warning"
    assert sweep(warn_at + timedelta(hours=2)) == (0, 1), "inside the warning"
    assert sweep(due_at - MINUTE) == (0, 1), "just before due"
    db.session.refresh(referral)
    assert referral.code_breach_at is None
    assert breach_entries() == []

    flagged_at = due_at + MINUTE + timedelta(seconds=30)
    assert sweep(flagged_at) == (1, 0), "just after due: flagged"
    db.session.refresh(referral)
    assert referral.code_breach_at == flagged_at
    [entry] = breach_entries()
    assert entry.case_id == case.id
    assert entry.detail["referral"] == referral.id
    assert entry.detail["late_minutes"] == 1  # 1 min 30 s late: whole minutes, rounded down
    assert datetime.fromisoformat(entry.detail["due_at"]) == due_at

    # Idempotent: later sweeps neither flag it again nor move the breach.
    for later in (flagged_at, due_at + timedelta(hours=1), due_at + timedelta(days=3)):
        assert sweep(later) == (0, 0)
    db.session.refresh(referral)
    assert referral.code_breach_at == flagged_at
    assert len(breach_entries()) == 1
    assert referral_queries.code_state(referral, due_at + timedelta(hours=3)).late_by == timedelta(hours=3)

    # Sent three hours late: the breach stays, and is not recorded a second time.
    with frozen_at(due_at + timedelta(hours=3)):
        referrals.save_details(officer, referral, case, consenting())
        referrals.send(officer, referral, case, service.id, load_calendar())
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.SENT
    assert referral.code_breach_at == flagged_at
    assert len(breach_entries()) == 1
    check = referral_queries.code_state(referral, due_at + timedelta(days=10))
    assert check.state is CodeState.MET_LATE and check.late_by == timedelta(hours=3)
    assert sweep(due_at + timedelta(days=10)) == (0, 0)
    rows, total = referral_queries.code_breaches(select(type(case)), page=1)
    assert total == 1 and rows[0].id == referral.id


def test_an_admin_added_holiday_counts_before_service(app, make_user):
    officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)
    add_extra_bank_holiday(admin, date(2026, 12, 29), "A day of national celebration", ReferralSettings())
    # Wed 23 Dec: Thu 24 (1); Fri 25 to Mon 28 no; Tue 29 added, no; Wed 30 (2) -> Thu 31 00:00;
    # warning Wed 30 13:00.
    _, referral = serve(officer, L("2026-12-23 10:00"))
    assert referral.due_at == L("2026-12-31 00:00")
    assert referral.warn_at == L("2026-12-30 13:00")
    assert referral_sweep.sweep(L("2026-12-29 14:00")).due_soon == 0  # would be inside the warning without the extra day
    assert referral_sweep.sweep(L("2026-12-30 13:00")).due_soon == 1
    assert referral_sweep.sweep(L("2026-12-30 23:59")).flagged == 0
    assert referral_sweep.sweep(L("2026-12-31 00:00")).flagged == 1


def test_several_referrals_counted_together(app, make_user):
    officer = make_user(Role.OFFICER)
    _, eve = serve(officer, L("2026-12-24 18:00"))  # due Thu 31 Dec 00:00, warning Wed 30 13:00
    _, before = serve(officer, L("2026-12-23 10:00"))  # due Wed 30 Dec 00:00, warning Tue 29 13:00
    # Tue 29 14:00: only the earlier one is inside its warning.
    report = referral_sweep.sweep(L("2026-12-29 14:00"))
    assert (report.flagged, report.due_soon) == (0, 1)
    # Wed 30 00:00 exactly: the earlier one is due (flagged at its due instant, late by 0).
    report = referral_sweep.sweep(L("2026-12-30 00:00"))
    assert (report.flagged, report.due_soon) == (1, 0)
    # Wed 30 13:00: the later one enters its warning; the earlier one is already flagged.
    report = referral_sweep.sweep(L("2026-12-30 13:00"))
    assert (report.flagged, report.due_soon) == (0, 1)
    # Thu 31 09:15: the later one is 9h15 late.
    report = referral_sweep.sweep(L("2026-12-31 09:15"))
    assert (report.flagged, report.due_soon) == (1, 0)
    assert referral_sweep.sweep(L("2026-12-31 09:16")).flagged == 0
    late = {e.detail["referral"]: e.detail["late_minutes"] for e in breach_entries()}
    assert late == {before.id: 0, eve.id: 9 * 60 + 15}


def test_sent_late_without_a_sweep_records_how_late_it_was_sent(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    case, referral = serve(officer, L("2027-03-25 12:00"))  # due Thu 1 Apr 2027 00:00 BST
    sent_at = L("2027-04-01 02:30")
    with frozen_at(sent_at):
        referrals.save_details(officer, referral, case, consenting())
        referrals.send(officer, referral, case, service.id, load_calendar())
    db.session.refresh(referral)
    assert referral.code_breach_at == sent_at
    [entry] = breach_entries()
    assert entry.detail["late_minutes"] == 150 and entry.case_id == case.id
    # Already settled and flagged: nothing for the sweep to do.
    report = referral_sweep.sweep(L("2027-04-02 10:00"))
    assert (report.flagged, report.due_soon) == (0, 0)
    assert len(breach_entries()) == 1
    assert referral_queries.code_state(referral, L("2027-04-10 10:00")).late_by == timedelta(hours=2, minutes=30)


def test_declined_before_due_is_not_a_breach_and_declined_late_is(app, make_user):
    officer = make_user(Role.OFFICER)
    case, in_time = serve(officer, L("2026-12-24 18:00"))  # due Thu 31 Dec 00:00
    other, late = serve(officer, L("2026-12-23 10:00"))  # due Wed 30 Dec 00:00
    with frozen_at(L("2026-12-29 16:00")):
        referrals.save_details(officer, in_time, case, consenting(consent=Consent.DECLINES))
    assert in_time.status is ReferralStatus.DECLINED
    # Not asked yet: the clock keeps running.
    with frozen_at(L("2026-12-29 16:05")):
        referrals.save_details(officer, late, other, consenting(consent=Consent.NOT_ASKED, safe_number=""))
    assert late.status is ReferralStatus.AWAITING
    report = referral_sweep.sweep(L("2026-12-29 16:10"))
    assert (report.flagged, report.due_soon) == (0, 1)  # only the one still with police
    report = referral_sweep.sweep(L("2027-01-04 10:00"))
    assert (report.flagged, report.due_soon) == (1, 0)
    db.session.refresh(in_time)
    assert in_time.code_breach_at is None
    assert referral_queries.code_state(in_time, L("2027-01-04 10:00")).state is CodeState.MET
    assert [e.detail["referral"] for e in breach_entries()] == [late.id]

    # Declined after due, before any sweep: a breach, recorded at the refusal.
    third_case, third = serve(officer, L("2026-12-31 10:00"))  # due Wed 6 Jan 00:00
    with frozen_at(L("2027-01-06 08:00")):
        referrals.save_details(officer, third, third_case, consenting(consent=Consent.DECLINES))
    db.session.refresh(third)
    assert third.status is ReferralStatus.DECLINED and third.code_breach_at == L("2027-01-06 08:00")
    assert breach_entries(third)[0].detail["late_minutes"] == 8 * 60
    assert referral_sweep.sweep(L("2027-01-07 10:00")).flagged == 0


def test_a_sweep_with_nothing_new_flags_nothing(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    _, flagged = serve(officer, L("2026-12-23 10:00"))  # due Wed 30 Dec 00:00
    sent_case, sent = serve(officer, L("2026-12-24 18:00"))  # due Thu 31 Dec 00:00
    declined_case, declined = serve(officer, L("2026-12-31 10:00"))  # due Wed 6 Jan 00:00
    assert referral_sweep.sweep(L("2026-12-30 09:00")).flagged == 1
    with frozen_at(L("2026-12-30 10:00")):
        referrals.save_details(officer, sent, sent_case, consenting())
        referrals.send(officer, sent, sent_case, service.id, load_calendar())
    with frozen_at(L("2027-01-05 10:00")):
        referrals.save_details(officer, declined, declined_case, consenting(consent=Consent.DECLINES))
    for at in ("2027-01-06 00:00", "2027-01-07 10:00", "2027-02-01 10:00"):
        report = referral_sweep.sweep(L(at))
        assert (report.flagged, report.due_soon) == (0, 0), at
    assert [e.detail["referral"] for e in breach_entries()] == [flagged.id]
    for referral in (sent, declined):
        db.session.refresh(referral)
        assert referral.code_breach_at is None


def _sent_on_a_granted_order(officer, service):
    case = granted_case(officer, days=14)
    [referral] = referral_queries.referrals_for(case)
    referrals.save_details(officer, referral, case, consenting())
    referrals.send(officer, referral, case, service.id, load_calendar())
    return case, referral


def _log(caseworker, referral, *outcomes: ContactOutcome, start=None):
    start = start or utcnow()
    for hours, outcome in enumerate(outcomes, start=2):
        with frozen_at(start + timedelta(hours=hours)):
            casework.log_attempt(caseworker, referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, outcome), load_calendar())


def test_at_the_order_end_no_contact_returns_declined_closes_and_engaged_continues_once(app, make_user):
    """Seed 003: no contact goes back to police; support goes on after the order for a victim
    who engaged, until the caseworker closes it; a victim whose last word was no is closed."""
    officer = make_user(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    no_contact_case, no_contact = _sent_on_a_granted_order(officer, service)
    engaged_case, engaged = _sent_on_a_granted_order(officer, service)
    declined_case, declined = _sent_on_a_granted_order(officer, service)
    changed_case, changed_mind = _sent_on_a_granted_order(officer, service)  # engaged, then declined
    won_over_case, won_over = _sent_on_a_granted_order(officer, service)  # declined, then engaged
    _log(caseworker, no_contact, ContactOutcome.NO_ANSWER)
    _log(caseworker, engaged, ContactOutcome.NO_ANSWER, ContactOutcome.ENGAGED, ContactOutcome.NOT_SAFE)
    _log(caseworker, declined, ContactOutcome.DECLINED)
    _log(caseworker, changed_mind, ContactOutcome.ENGAGED, ContactOutcome.DECLINED)
    _log(caseworker, won_over, ContactOutcome.DECLINED, ContactOutcome.ENGAGED)
    ends = no_contact_case.order.ends_at
    assert {c.order.ends_at for c in (engaged_case, declined_case, changed_case, won_over_case)} == {ends}
    report = referral_sweep.sweep(ends - MINUTE)
    assert (report.returned, report.closed, report.continuing) == (0, 0, 0)
    report = referral_sweep.sweep(ends)
    assert (report.returned, report.closed, report.continuing) == (1, 2, 2)
    for later in (ends + MINUTE, ends + timedelta(days=2), ends + timedelta(days=120)):
        report = referral_sweep.sweep(later)
        assert (report.returned, report.closed, report.continuing) == (0, 0, 0), later
    for referral in (no_contact, engaged, declined, changed_mind, won_over):
        db.session.refresh(referral)
    assert no_contact.status is ReferralStatus.RETURNED and no_contact.returned_at == ends
    assert no_contact.return_reason == "The order ended with no contact made after 1 attempt."
    assert engaged.status is ReferralStatus.SUPPORTING and won_over.status is ReferralStatus.SUPPORTING
    assert engaged.closed_at is None and engaged.returned_at is None
    for closed in (declined, changed_mind):
        assert closed.status is ReferralStatus.CLOSED and closed.closed_at == ends and closed.closed_by_id is None
        assert closed.close_reason == "The order ended: the victim had declined support."
    assert count("referral.returned") == 1 and count("referral.closed") == 2 and count("referral.support_continues") == 2
    returned_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "referral.returned"))
    assert returned_entry.case_id == no_contact_case.id and returned_entry.detail["by"] == "sweep"
    continuing = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.support_continues")).all()
    assert {e.case_id for e in continuing} == {engaged_case.id, won_over_case.id}
    assert continuing[0].user_id is None and set(continuing[0].detail) == {"referral", "attempts"}


def test_a_referral_with_contact_logged_since_the_read_is_left_for_the_next_sweep(app, make_user, monkeypatch):
    """The decision is made on the log as read; an attempt logged before the UPDATE (a
    caseworker at the moment the order ends) makes the UPDATE change nothing."""
    officer = make_user(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case, referral = _sent_on_a_granted_order(officer, service)
    _log(caseworker, referral, ContactOutcome.NO_ANSWER)
    ends = case.order.ends_at
    real = referral_sweep.at_order_end

    def racing(attempts):
        decision = real(attempts)
        # The caseworker reaches V just as the sweep decides on the older log.
        db.session.add(ContactAttempt(referral_id=referral.id, attempted_at=ends - MINUTE, method=ContactMethod.WITHHELD_CALL,
                                      outcome=ContactOutcome.ENGAGED, recorded_by_id=caseworker.id, recorded_at=ends))
        db.session.flush()
        return decision

    monkeypatch.setattr(referral_sweep, "at_order_end", racing)
    report = referral_sweep.sweep(ends)
    assert (report.returned, report.closed, report.continuing) == (0, 0, 0)
    monkeypatch.setattr(referral_sweep, "at_order_end", real)
    report = referral_sweep.sweep(ends + MINUTE)
    assert (report.returned, report.closed, report.continuing) == (0, 0, 1)
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.SUPPORTING
