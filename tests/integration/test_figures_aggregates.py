"""The figures counted in SQL (services/figures_queries: GROUP BY, conditional sums, the two
middle values for a median, issue 18) against the same rules applied row by row in Python,
as the figures were counted before: on both databases, with the edges where an aggregate
could part from the rule (a month's start across a clock change, an instant exactly on a
due time or a target, a microsecond either side, NULLs, a target of 0, an even number of
durations whose median is the mean of two)."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from app.domain import figures as rules
from app.domain.calendar import LONDON
from app.domain.figures import Period
from app.domain.referrals import ContactOutcome
from app.extensions import db
from app.models import Case, ContactAttempt, Hearing, OrderService, Referral, Role
from app.services import figures as figures_service
from app.services import figures_queries as q
from app.timeutil import utcnow
from tests.benchmarks.figures_data import insert_history

AREAS = ("North", "South", "East", "West")
PERIOD = Period(date(2025, 10, 1), date(2026, 11, 16))  # both clock changes of 2026, and October 2025's
MICRO = timedelta(microseconds=1)


def _in(column, f):
    return (column >= f.period.start) & (column < f.period.end)


def _row_by_row(f, now):
    """The figures this test checks, from every row, by the rules as Python applied them."""
    scope = q.scope(f)
    served = db.session.execute(select(Case.id, Case.served_at, Case.hearing_deadline_at)
                                .where(_in(Case.served_at, f), *scope)).all()
    by_month = Counter((s.astimezone(LONDON).year, s.astimezone(LONDON).month) for _, s, _ in served)
    first = defaultdict(list)
    for case_id, began, starts in db.session.execute(select(Hearing.case_id, Hearing.began_at, Hearing.starts_at)):
        first[case_id].append(began or starts)
    heard = [(s, deadline, min(first[case_id])) for case_id, s, deadline in served if first[case_id]]
    hours = [rules.hours_between(s, first_at) for s, _, first_at in heard]
    in_time = sum(1 for _, deadline, first_at in heard if deadline is not None and first_at <= deadline)

    attempts = defaultdict(set)
    for referral_id, outcome in db.session.execute(select(ContactAttempt.referral_id, ContactAttempt.outcome)):
        attempts[referral_id].add(outcome)
    rows = db.session.execute(
        select(Referral.id, Referral.service_id.is_not(None), Referral.settled_at, Referral.due_at,
               Referral.follow_up_due_at, Referral.follow_up_done_at)
        .join(Case, Case.id == Referral.case_id).where(_in(Referral.trigger_at, f), *scope)).all()
    ref = Counter()
    hours_late = []
    for _, to_service, settled_at, due_at, *_ in rows:
        if settled_at is None:
            if due_at < now:
                ref["overdue_unsent"] += 1
                hours_late.append(rules.hours_between(due_at, now))
            else:
                ref["not_yet_due"] += 1
            continue
        ref["sent"] += to_service
        ref["declined"] += not to_service
        if settled_at <= due_at:
            ref["sent_in_time"] += to_service
        else:
            ref["late"] += 1
            hours_late.append(rules.hours_between(due_at, settled_at))
    sent = [r for r in rows if r[1]]
    engaged = sum(1 for r in sent if ContactOutcome.ENGAGED in attempts[r[0]])
    declined = sum(1 for r in sent if ContactOutcome.DECLINED in attempts[r[0]]
                   and ContactOutcome.ENGAGED not in attempts[r[0]])

    services = db.session.execute(select(OrderService.granted_at, OrderService.served_at, OrderService.target_hours)
                                  .where(OrderService.order_id.in_(q._orders_made(f).scalar_subquery()))).all()
    on_p = [(g, s, t) for g, s, t in services if s is not None]
    in_target = sum(1 for g, s, t in on_p if rules.hours_between(g, s) <= (t or 24))
    return {
        "notices": {"served": len(served)},
        "notices_by_month": [by_month[(y, m)] for y, m in rules.months(f.period)],
        "hearings": {"median_hours_service_to_hearing": rules.median_hours(hours), "heard_within_limit": in_time,
                     "heard_within_limit_percent": rules.percent(in_time, len(heard)),
                     "served_without_hearing": len(served) - len(heard)},
        "referrals": {"referrals": len(rows), **{k: ref[k] for k in ("sent_in_time", "sent", "declined", "late",
                                                                      "overdue_unsent", "not_yet_due")},
                      "in_time_percent": rules.percent(len(rows) - ref["not_yet_due"] - ref["late"]
                                                       - ref["overdue_unsent"], len(rows) - ref["not_yet_due"]),
                      "median_hours_late": rules.median_hours(hours_late), "max_hours_late": rules.max_hours(hours_late)},
        "contact": {"referred": len(sent), "engaged": engaged, "declined": declined,
                    "no_contact": len(sent) - engaged - declined, "engaged_percent": rules.percent(engaged, len(sent)),
                    "follow_ups_due": sum(1 for r in sent if r[4] is not None),
                    "follow_ups_done": sum(1 for r in sent if r[5] is not None)},
        "orders": {"served_on_p": len(on_p), "served_within_target": in_target, "not_served": len(services) - len(on_p),
                   "served_within_target_percent": rules.percent(in_target, len(services))},
    }, len(heard)


def _counted_in_sql(found):
    got = {key: {k: found.section(key).figure(k).value for k in keys}
           for key, keys in (("notices", ("served",)),
                             ("hearings", ("median_hours_service_to_hearing", "heard_within_limit",
                                           "heard_within_limit_percent", "served_without_hearing")),
                             ("referrals", ("referrals", "sent_in_time", "sent", "declined", "late", "overdue_unsent",
                                            "not_yet_due", "in_time_percent", "median_hours_late", "max_hours_late")),
                             ("contact", ("referred", "engaged", "declined", "no_contact", "engaged_percent",
                                          "follow_ups_due", "follow_ups_done")),
                             ("orders", ("served_on_p", "served_within_target", "not_served",
                                         "served_within_target_percent")))}
    return {**got, "notices_by_month": list(found.section("notices").chart.values)}


def _ids(model, n):
    return list(db.session.scalars(select(model.id).order_by(model.id).limit(n)))


def _edges(now):
    """Move some of the history onto the edges (every instant aware UTC)."""
    cases = _ids(Case, 12)
    edges = [
        datetime(2026, 3, 31, 22, 59, 59, 999999, tzinfo=UTC),  # 23:59:59.999999 GMT on 31 March: March
        datetime(2026, 3, 31, 23, 0, tzinfo=UTC),  # 00:00 BST on 1 April: April
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),  # April
        datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 23:30 GMT on 31 October (the clocks went back): October
        datetime(2026, 4, 30, 23, 0, tzinfo=UTC),  # 00:00 BST on 1 May: May
        datetime(2025, 9, 30, 23, 0, tzinfo=UTC),  # 00:00 BST on 1 October 2025: the period's first instant
        datetime(2025, 9, 30, 22, 59, 59, 999999, tzinfo=UTC),  # before the period
        datetime(2026, 11, 17, 0, 0, tzinfo=UTC),  # 00:00 GMT on 17 November: after the period
    ]
    for case_id, served_at in zip(cases, edges, strict=False):
        db.session.execute(update(Case).where(Case.id == case_id).values(
            served_at=served_at, hearing_deadline_at=served_at + timedelta(hours=48)))
    # Times to the hearing with microseconds, one exactly on its deadline, one a microsecond past.
    hearings = db.session.execute(select(Hearing.id, Case.served_at, Case.hearing_deadline_at)
                                  .join(Case, Case.id == Hearing.case_id).where(Case.id.in_(cases[8:12]))).all()
    for (hearing_id, served_at, deadline), began in zip(hearings, (
            lambda s, d: s + timedelta(hours=1, minutes=15, microseconds=1), lambda s, d: d, lambda s, d: d + MICRO,
            lambda s, d: s + timedelta(hours=30, microseconds=999999)), strict=True):
        db.session.execute(update(Hearing).where(Hearing.id == hearing_id).values(began_at=began(served_at, deadline)))
    db.session.execute(update(Case).where(Case.id == cases[11]).values(hearing_deadline_at=None))
    # Referrals: settled exactly at the due time and a microsecond after; unsettled, due exactly
    # now (not yet due) and a microsecond before (overdue); follow-ups due and done.
    referrals = _ids(Referral, 8)
    for referral_id, values in zip(referrals, (
            {"settled_at": None, "due_at": now}, {"settled_at": None, "due_at": now - MICRO},
            {"settled_at": None, "due_at": now - timedelta(hours=3, microseconds=7)},
            {"settled_at": datetime(2026, 6, 1, 12, tzinfo=UTC), "due_at": datetime(2026, 6, 1, 12, tzinfo=UTC)},
            {"settled_at": datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=UTC), "due_at": datetime(2026, 6, 1, 12, tzinfo=UTC)},
            {"follow_up_due_at": now}, {"follow_up_due_at": now, "follow_up_done_at": now},
            {"settled_at": datetime(2026, 6, 3, 13, 30, 0, 250000, tzinfo=UTC),
             "due_at": datetime(2026, 6, 1, 12, tzinfo=UTC)}), strict=True):
        db.session.execute(update(Referral).where(Referral.id == referral_id).values(**values))
    # Orders: no target stored, a target of 0 (both the default 24 hours), served exactly on the
    # target and a microsecond past it.
    services = db.session.execute(select(OrderService.id, OrderService.granted_at).order_by(OrderService.id)
                                  .where(OrderService.served_at.is_not(None)).limit(4)).all()
    for (service_id, granted_at), values in zip(services, (
            {"target_hours": None, "served_at_hours": 24}, {"target_hours": 0, "served_at_hours": 24},
            {"target_hours": 36, "served_at_hours": 36}, {"target_hours": 36, "served_at_hours": 36, "plus": MICRO}),
            strict=True):
        served_at = granted_at + timedelta(hours=values["served_at_hours"]) + values.get("plus", timedelta(0))
        db.session.execute(update(OrderService).where(OrderService.id == service_id).values(
            target_hours=values["target_hours"], served_at=served_at))
    db.session.commit()


def test_the_aggregates_count_what_the_rules_count_row_by_row(app, make_user):
    officer = make_user(Role.OFFICER)
    insert_history(officer.id, 90, now=utcnow())
    now = utcnow()
    _edges(now)
    parities = set()
    for area in (None, *AREAS):
        f = figures_service.Filters(PERIOD, area)
        expected, heard = _row_by_row(f, now)
        assert _counted_in_sql(figures_service.figures(f, now, AREAS)) == expected, area
        parities.add(heard % 2)
    assert parities == {0, 1}  # a median of an odd number of durations, and of an even number


def test_a_notice_served_at_a_month_boundary_counts_in_its_london_month(app, make_user):
    officer = make_user(Role.OFFICER)
    insert_history(officer.id, 20, now=utcnow())
    _edges(utcnow())
    chart = figures_service.figures(figures_service.Filters(PERIOD), utcnow(), AREAS).section("notices").chart
    months = dict(zip(chart.labels, chart.values, strict=True))
    # The edges alone fall in March to May and October 2026 (the history's cases are in
    # the last 300 days, none at a month's edge).
    history = Counter(rules.month_label(s.astimezone(LONDON).year, s.astimezone(LONDON).month)
                      for s in db.session.scalars(select(Case.served_at).order_by(Case.id).offset(8)))
    assert months["Mar 2026"] - history["Mar 2026"] == 1  # 23:59:59.999999 GMT on 31 March
    assert months["Apr 2026"] - history["Apr 2026"] == 2  # from 00:00 BST on 1 April
    assert months["May 2026"] - history["May 2026"] == 1
    assert months["Oct 2026"] - history["Oct 2026"] == 1  # 23:30 GMT on 31 October
    assert months["Oct 2025"] - history["Oct 2025"] == 1  # the period's first instant, not the one before
    assert sum(chart.values) == figures_service.figures(
        figures_service.Filters(PERIOD), utcnow(), AREAS).section("notices").figure("served").value


def test_the_median_of_an_even_number_is_the_mean_of_the_two_middle_ones(app, make_user):
    officer = make_user(Role.OFFICER)
    insert_history(officer.id, 4, now=utcnow())
    served = db.session.execute(select(Case.id, Case.served_at).order_by(Case.id)).all()
    for (case_id, served_at), hours in zip(served, (1, 2, 4.5, 10), strict=True):
        db.session.execute(update(Hearing).where(Hearing.case_id == case_id)
                           .values(began_at=served_at + timedelta(hours=hours)))
    for n, referral_id in enumerate(_ids(Referral, 4)):
        due = datetime(2026, 6, 1, 12, tzinfo=UTC)
        db.session.execute(update(Referral).where(Referral.id == referral_id).values(
            due_at=due, settled_at=due + timedelta(hours=(-1, 1, 4, 0)[n])))  # two late: 1 and 4 hours
    db.session.commit()
    found = figures_service.figures(figures_service.Filters(PERIOD), utcnow(), AREAS)
    assert found.section("hearings").figure("median_hours_service_to_hearing").value == 3.2  # (2 + 4.5) / 2, to 0.1
    assert found.section("referrals").figure("median_hours_late").value == 2.5
    assert found.section("referrals").figure("max_hours_late").value == 4
    expected, _ = _row_by_row(figures_service.Filters(PERIOD), utcnow())
    assert expected["hearings"]["median_hours_service_to_hearing"] == 3.2


def _bundle(officer_id, case_id, listed_at, *, late_tick=None, without_fee=False, removed=None):
    """Every required item of case `case_id`'s bundle done an hour before `listed_at`, but:
    `late_tick` ticked a minute after it, no fee, or the officer's statement removed at `removed`."""
    from app.domain.bundle import ITEMS, ItemKind
    from app.models import BundleTick, CourtSubmission, Document

    before = listed_at - timedelta(hours=1)
    uploads = []
    for item in ITEMS:
        if not item.required:
            continue
        if item.kind is ItemKind.GENERATED:
            db.session.add(BundleTick(case_id=case_id, item_key=item.key, ticked_by_id=officer_id,
                                      ticked_at=listed_at + timedelta(minutes=1) if item.key == late_tick else before))
        elif item.kind is ItemKind.UPLOAD:
            uploads.append(Document(
                case_id=case_id, item_key=item.key, original_name=f"{item.key}.pdf", stored_name=f"{case_id}-{item.key}",
                content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by_id=officer_id, uploaded_at=before,
                removed_at=removed if item.key == "officer_statement" else None,
                removed_by_id=officer_id if removed and item.key == "officer_statement" else None))
    db.session.add_all(uploads)
    db.session.flush()
    db.session.add(CourtSubmission(
        case_id=case_id, fee_reference=None if without_fee else "FEE-1", fee_receipt_id=None if without_fee else uploads[0].id,
        fee_recorded_at=None if without_fee else before, fee_recorded_by_id=None if without_fee else officer_id,
        sent_at=before, sent_recorded_at=before, sent_recorded_by_id=officer_id))


def test_a_bundle_is_complete_at_listing_only_with_every_required_item_done_by_then(app, make_user):
    officer = make_user(Role.OFFICER)
    insert_history(officer.id, 6, now=utcnow())
    listed = dict(db.session.execute(select(Hearing.case_id, Hearing.listed_at)).all())
    a, b, c, d, e, _f = sorted(listed)
    _bundle(officer.id, a, listed[a])  # complete
    _bundle(officer.id, b, listed[b], late_tick="chronology")  # one item ticked after the listing
    _bundle(officer.id, c, listed[c], without_fee=True)
    _bundle(officer.id, d, listed[d], removed=listed[d] - timedelta(minutes=5))  # removed before the listing
    _bundle(officer.id, e, listed[e], removed=listed[e] + timedelta(minutes=5))  # removed after it: it was there
    db.session.commit()  # the sixth case has no bundle at all
    hearings = figures_service.figures(figures_service.Filters(PERIOD), utcnow(), AREAS).section("hearings")
    assert hearings.figure("bundle_complete_at_listing").value == 2
    assert hearings.figure("bundle_complete_percent").value == 33.33


def test_ten_years_of_months_are_counted_in_one_statement(app, make_user):
    officer = make_user(Role.OFFICER)
    insert_history(officer.id, 20, now=utcnow())
    longest = Period(date(2016, 11, 20), date(2026, 11, 16))  # the longest period asked for: 121 months
    notices = figures_service.figures(figures_service.Filters(longest), utcnow(), AREAS).section("notices")
    assert len(notices.chart.labels) == 121 and notices.chart.labels[0] == "Nov 2016"
    assert sum(notices.chart.values) == notices.figure("served").value == 20
