"""What police have done, in plain words, for a referral to a support service (seed 003: a
good referral says what police have already done), and the protection in place.

Only the steps a caseworker needs are named; internal steps (bundle ticks, views, the text
trial) are left out, and nothing from an event's detail beyond the step is copied.
"""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.calendar import LONDON
from app.domain.case_summary import Event, police_actions, protection_words


def L(text: str) -> datetime:
    """A London wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def ev(at: str, action: str, **detail) -> Event:
    return Event(L(at), action, detail)


# --------------------------------------------------------------------------------------
# police_actions: one line per step, oldest first
# --------------------------------------------------------------------------------------

PHRASES = [
    # (action, detail, expected words)
    ("case.opened", {}, "Case opened after the incident"),
    ("application.submitted", {"application": 1}, "Notice application put to an authorising officer"),
    ("application.authorised", {"application": 1, "rationale": "x"}, "Notice authorised"),
    ("application.refused", {"application": 1, "rationale": "x"}, "Notice refused by the authorising officer"),
    ("case.dvpn_served", {"served_at": "2026-11-16T10:00:00+00:00"},
     "Notice served on the perpetrator, who must leave and stay away"),
    ("court.hearing_listed", {"hearing": 1}, "Application for an order listed at the magistrates' court"),
    ("court.outcome_recorded", {"outcome": "granted", "days": 28}, "The court made the order"),
    ("court.outcome_recorded", {"outcome": "refused"}, "The court refused the order; the notice ended"),
    ("court.outcome_recorded", {"outcome": "adjourned"}, "The hearing was adjourned (the notice continues)"),
    ("court.outcome_recorded", {"outcome": "withdrawn"},
     "The application for an order was withdrawn; the notice ended"),
    ("order.varied", {"days": 28}, "The court varied the order"),
    ("order.discharged", {}, "The court discharged the order early"),
    ("order.expired", {"ends_at": "2026-12-13T00:00:00+00:00"}, "The order came to an end"),
    ("breach.recorded", {"of": "order", "arrested_at": "2026-11-20T22:00:00+00:00"},
     "Breach recorded and the perpetrator arrested"),
    ("breach.recorded", {"of": "notice", "arrested_at": None}, "Breach recorded"),
    ("breach.recorded", {"of": "notice"}, "Breach recorded"),
    ("breach.outcome_recorded", {"outcome": "fine"}, "The court dealt with a breach"),
]


@pytest.mark.parametrize(("action", "detail", "words"), PHRASES, ids=[f"{r[0]}: {r[2]}" for r in PHRASES])
def test_each_step_in_plain_words(action, detail, words):
    assert police_actions([Event(L("2026-11-21 14:05"), action, detail)]) == [f"Sat 21 Nov 2026, 14:05: {words}"]


LEFT_OUT = [
    ("bundle.ticked", {"item": "dash"}),
    ("bundle.unticked", {"item": "dash"}),
    ("bundle.document_added", {"item": "statement", "document": 3, "sha256": "ab" * 32}),
    ("case.viewed", {}),
    ("application.started", {"application": 1}),
    ("application.section_saved", {"section": "victim", "data": {"mobile": "07911 123456"}}),
    ("application.withdrawn", {"application": 1}),
    ("application.returned", {"application": 1}),
    ("court.fee_recorded", {"pence": 50000}),
    ("court.sent", {"court": "Northfield Magistrates"}),
    ("texts.sent_now", {"to": "+447123456789"}),
    ("texts.plan_saved", {}),
    ("trial.allocated", {"arm": "texts"}),
    ("trial.mobile_changed", {"mobile": "07123 456789"}),
    ("referral.details_saved", {"consent": "consents"}),
    ("referral.sent", {"service": "Northshire Women's Aid"}),
    ("referral.code_breach", {"late_minutes": 30}),
    ("user.login", {}),
    ("something.new", {"note": "future action"}),
    ("", {}),
    ("court.outcome_recorded", {"outcome": "mystery"}),
    ("court.outcome_recorded", {}),
]


@pytest.mark.parametrize(("action", "detail"), LEFT_OUT, ids=[r[0] or "empty" for r in LEFT_OUT])
def test_internal_and_unknown_steps_are_left_out(action, detail):
    assert police_actions([Event(L("2026-11-21 14:05"), action, detail)]) == []


def test_oldest_first_with_internal_steps_dropped():
    events = [
        ev("2026-11-17 09:30", "court.hearing_listed", hearing=1),
        ev("2026-11-16 08:00", "case.opened"),
        ev("2026-11-16 09:10", "bundle.ticked", item="dash"),
        ev("2026-11-18 11:00", "court.outcome_recorded", outcome="granted", days=28),
        ev("2026-11-16 10:00", "case.dvpn_served"),
        ev("2026-11-16 09:00", "application.authorised"),
        ev("2026-11-16 09:05", "case.viewed"),
        ev("2026-11-18 11:05", "trial.allocated", arm="texts"),
    ]
    assert police_actions(events) == [
        "Mon 16 Nov 2026, 08:00: Case opened after the incident",
        "Mon 16 Nov 2026, 09:00: Notice authorised",
        "Mon 16 Nov 2026, 10:00: Notice served on the perpetrator, who must leave and stay away",
        "Tue 17 Nov 2026, 09:30: Application for an order listed at the magistrates' court",
        "Wed 18 Nov 2026, 11:00: The court made the order",
    ]


def test_order_is_by_instant_and_times_are_shown_in_london():
    # 13:05 UTC in July is 14:05 BST; 13:30 London (BST) is 12:30 UTC, so it comes first.
    events = [
        Event(datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "case.dvpn_served", {}),
        Event(L("2026-07-01 13:30"), "case.opened", {}),
    ]
    assert police_actions(events) == [
        "Wed 1 Jul 2026, 13:30: Case opened after the incident",
        "Wed 1 Jul 2026, 14:05: Notice served on the perpetrator, who must leave and stay away",
    ]


def test_steps_at_the_same_instant_keep_their_given_order():
    # The service orders by (time, id); the summary must not reshuffle ties.
    at = L("2026-11-16 10:00")
    events = [Event(at, "case.dvpn_served", {}), Event(at, "application.authorised", {})]
    assert [line.split(": ", 1)[1] for line in police_actions(events)] == [
        "Notice served on the perpetrator, who must leave and stay away", "Notice authorised"]


def test_no_events_and_missing_detail():
    assert police_actions([]) == []
    assert police_actions(iter([])) == []
    # A detail of None (an old row) is read as empty.
    assert police_actions([Event(L("2026-11-16 10:00"), "breach.recorded", None)]) == [  # type: ignore[arg-type]
        "Mon 16 Nov 2026, 10:00: Breach recorded"]
    assert police_actions([Event(L("2026-11-16 10:00"), "court.outcome_recorded", None)]) == []  # type: ignore[arg-type]


SECRETS = {
    "phone": "07911 123456",
    "e164": "+447911123456",
    "notes": "V is staying at her sister's, 3 Elm Road, until Friday",
    "safe_times_notes": "only call after 7pm when he is at work",
    "address": "1 Test Street, Testtown TE1 1ST",
    "rationale": "Necessary and proportionate given the threats",
    "details": "Extended on the victim's application",
    "name": "Beth Testperson",
}


def test_no_detail_leaks_into_the_summary():
    start = L("2026-11-16 08:00")
    actions = [a for a, _, _ in PHRASES] + [a for a, _ in LEFT_OUT]
    events = []
    for i, action in enumerate(actions):
        detail = dict(SECRETS, outcome="granted", arrested_at="2026-11-20T22:00:00+00:00",
                      nested={"mobile": SECRETS["phone"], "notes": SECRETS["notes"]})
        events.append(Event(start + timedelta(minutes=i), action, detail))
    text = "\n".join(police_actions(events))
    assert text  # the named steps are there ...
    for secret in SECRETS.values():
        assert secret not in text  # ... and none of the detail
    for fragment in ("07911", "447911", "Elm Road", "7pm", "TE1", "Beth", "proportionate", "Extended", "{", "}"):
        assert fragment not in text
    # Every line is "<time>: <fixed phrase>": only words from the phrase table.
    known = {words for _, _, words in PHRASES}
    for line in text.splitlines():
        assert line.split(": ", 1)[1] in known


# --------------------------------------------------------------------------------------
# protection_words
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("stage", "ends", "words"),
    [
        ("notice", None, "Notice in force: the court hearing for an order is pending"),
        ("order", L("2026-12-13 00:00"), "Order in force until the end of Sat 12 Dec 2026"),
        ("order", L("2026-12-29 00:00"), "Order in force until the end of Mon 28 Dec 2026"),
        ("order", datetime(2026, 6, 4, 23, 0, tzinfo=UTC), "Order in force until the end of Thu 4 Jun 2026"),
        ("order", L("2026-11-19 14:00"), "Order in force until the end of Thu 19 Nov 2026"),
        ("order", None, "Order in force (until further order, or its end not recorded)"),
        ("ended", L("2026-12-13 00:00"), "The order has ended"),
        ("discharged", L("2026-12-01 15:00"), "The court discharged the order early"),
        ("refused", None, "The court did not make an order: the notice has ended"),
        ("withdrawn", None, "The application for an order was withdrawn: the notice has ended"),
        ("", None, "No notice or order in force"),
        ("something_else", None, "No notice or order in force"),
    ],
)
def test_protection_words(stage, ends, words):
    assert protection_words(stage, ends) == words
