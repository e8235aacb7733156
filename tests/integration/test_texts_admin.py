"""The admin pages for the reminder texts: the plan, the wording, the outbox and the trial."""
import csv
import io
import uuid
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event, select

from app.domain.reminders import DEFAULT_STEPS, Anchor, ContentKind, PlanStep, count_for, rows_for
from app.extensions import db
from app.models import (
    AuditEntry,
    HearingOutcome,
    MessageStatus,
    Role,
    TextMessage,
    TextPlanVersion,
    TextTemplate,
    TrialSwitch,
)
from app.services import court, reminders, trial
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import utcnow
from app.web.texts_admin.views import csv_cell, mask_number
from tests.integration.conftest import csrf_token, login
from tests.integration.factories import served_case

ADMIN_ONLY = [("GET", "/admin/texts/"), ("GET", "/admin/texts/plan"), ("POST", "/admin/texts/plan"),
              ("GET", "/admin/texts/templates/support"), ("POST", "/admin/texts/templates/support"),
              ("POST", "/admin/texts/templates/support/preview"), ("GET", "/admin/texts/outbox"),
              ("POST", "/admin/texts/trial")]
ADMIN_AND_SUPERVISOR = [("GET", "/admin/texts/trial"), ("GET", "/admin/texts/trial/export.csv")]


def granted_case(officer, days: int = 28):
    """A case whose order has been granted, so it has a trial enrolment (P has a mobile)."""
    case = served_case(officer)
    court.list_hearing(officer, case, court_name="Northfield Magistrates", starts_at=case.served_at + timedelta(minutes=30),
                       late_reason="", calendar=load_calendar())
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                         notes="", days=days, made_on=date(2026, 11, 16), conditions=[{"kind": "no_molest"}],
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    return case


def outbox_text(case, *, body="Demo Constabulary: a reminder that a court order is in force.", minutes_ago=5,
                to="+447700900123"):
    enrolment = reminders.enrolment_for(case)
    sent_at = utcnow() - timedelta(minutes=minutes_ago)
    message = TextMessage(
        uuid=str(uuid.uuid4()), case_id=case.id, enrolment_id=enrolment.id, step_key=f"start+{minutes_ago}",
        kind=ContentKind.CONDITIONS, due_at=sent_at, status=MessageStatus.SENT, attempts=1, transport="outbox",
        to_e164=to, body=body, created_at=sent_at, sent_at=sent_at,
    )
    db.session.add(message)
    db.session.commit()
    return message


def plan_data(token, steps, *, blank=3, remove=()):
    data = {"csrf_token": token}
    for i, row in enumerate(rows_for(steps)):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = str(value)
        if i in remove:
            data[f"rows-{i}-remove"] = "y"
    for i in range(len(steps), len(steps) + blank):
        data |= {f"rows-{i}-anchor": "", f"rows-{i}-day": "", f"rows-{i}-send_at": "", f"rows-{i}-kind": ""}
    return data


def actions() -> list[str]:
    return db.session.scalars(select(AuditEntry.action)).all()


# -- the overview and the plan ----------------------------------------------------------------

def test_overview_shows_the_plan_its_counts_and_each_wording(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/texts/").get_data(as_text=True)
    assert "A 14-day order gets 7 texts; a 28-day order gets 13." in html
    assert "Day 0: the day the order is made" in html and "The order&#39;s last day" in html and "17:30" in html
    for kind in ContentKind:
        assert kind.label in html and f"/admin/texts/templates/{kind.value}" in html
    assert html.count("Version 1") == len(ContentKind)
    assert "Demo Constabulary: " in html and "{force_name}" not in html  # rendered with sample values
    assert "/admin/texts/plan" in html and "/admin/texts/outbox" in html and "/admin/texts/trial" in html
    assert 'href="/admin/texts/"' in client.get("/admin/").get_data(as_text=True)


def test_plan_page_is_prefilled_with_blank_rows_for_additions(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/texts/plan").get_data(as_text=True)
    assert "a 14-day order gets 7 texts and a 28-day order gets 13" in html
    assert "applies to orders granted from now on" in html
    n = len(DEFAULT_STEPS)
    assert f'name="rows-{n + 2}-day"' in html and f'name="rows-{n + 3}-day"' not in html
    assert 'value="17:30"' in html and f'name="rows-{n - 1}-remove"' in html
    assert 'for="rows-0-day"' in html  # every input has a label


def test_saving_an_edited_plan_makes_a_new_version_is_audited_and_changes_the_counts(client, login_as):
    admin, token = login_as(Role.ADMIN)
    steps = list(DEFAULT_STEPS)
    # Drop the day-23 and day-25 texts; add a support text 2 days before the end.
    removed = [i for i, s in enumerate(steps) if s.anchor is Anchor.START and s.day in (23, 25)]
    data = plan_data(token, steps, remove=removed)
    n = len(steps)
    data |= {f"rows-{n}-anchor": "end", f"rows-{n}-day": "2", f"rows-{n}-send_at": "12:15", f"rows-{n}-kind": "support"}
    response = client.post("/admin/texts/plan", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/texts/")
    expected = [s for i, s in enumerate(steps) if i not in removed]
    expected.append(PlanStep(Anchor.END, 2, time(12, 15), ContentKind.SUPPORT))
    fourteen, twenty_eight = count_for(14, expected), count_for(28, expected)
    assert twenty_eight != 13
    version = db.session.scalars(select(TextPlanVersion)).one()
    assert version.created_by_id == admin.id and len(version.steps) == n - 1
    assert "texts.plan_saved" in actions()
    html = client.get("/admin/texts/").get_data(as_text=True)
    assert f"Message plan saved: a 14-day order gets {fourteen} texts; a 28-day order gets {twenty_eight}." in html
    assert f"A 14-day order gets {fourteen} texts; a 28-day order gets {twenty_eight}." in html
    assert "2 days before the order&#39;s last day" in html and "12:15" in html


def test_garbage_plan_rows_come_back_with_clear_errors_and_what_was_typed(client, login_as):
    admin, token = login_as(Role.ADMIN)
    data = {
        "csrf_token": token,
        "rows-0-anchor": "start", "rows-0-day": "abc", "rows-0-send_at": "10:00", "rows-0-kind": "conditions",
        "rows-1-anchor": "start", "rows-1-day": "3", "rows-1-send_at": "25:99", "rows-1-kind": "support",
        "rows-2-anchor": "start", "rows-2-day": "5", "rows-2-send_at": "10:00", "rows-2-kind": "gossip",
        "rows-3-anchor": "sideways", "rows-3-day": "6", "rows-3-send_at": "10:00", "rows-3-kind": "motivation",
        "rows-4-anchor": "start", "rows-4-day": "8", "rows-4-send_at": "07:00", "rows-4-kind": "support",
        "rows-5-anchor": "end", "rows-5-day": "0", "rows-5-send_at": "10:00", "rows-5-kind": "order_end",
        "rows-6-anchor": "", "rows-6-day": "", "rows-6-send_at": "", "rows-6-kind": "",
        "rows-²-day": "1",  # str.isdigit() is true for "²", int() is not
    }
    response = client.post("/admin/texts/plan", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Row 1: Day must be a whole number from 0 to 365" in html
    assert "Row 2: Enter the send time as hours and minutes, like 10:00" in html
    assert "Row 3: Choose what the text is about" in html
    assert "Row 4: Choose whether the day counts from the start or the end of the order" in html
    assert "Row 5: Send time must be between 09:00 and 20:00" in html
    assert "The plan must start with a text on the day the order is made" in html
    assert 'value="abc"' in html and 'value="25:99"' in html and 'value="07:00"' in html
    assert 'href="#rows-0-day"' in html and 'href="#rows-1-send_at"' in html  # the summary links to the field
    assert db.session.scalar(select(TextPlanVersion)) is None


@pytest.mark.parametrize("data", [
    {},
    {"rows-0-anchor": "\x00", "rows-0-day": "99999999999999999999", "rows-0-send_at": "1e309", "rows-0-kind": "None"},
    {"rows-99999-day": "1", "rows-0-remove": "y", "rows-x-kind": "support"},
])
def test_plan_never_gives_a_500(client, login_as, data):
    admin, token = login_as(Role.ADMIN)
    response = client.post("/admin/texts/plan", data={"csrf_token": token, **data})
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert db.session.scalar(select(TextPlanVersion)) is None


def test_removing_every_row_is_refused(client, login_as):
    admin, token = login_as(Role.ADMIN)
    data = plan_data(token, DEFAULT_STEPS, remove=range(len(DEFAULT_STEPS)))
    html = client.post("/admin/texts/plan", data=data).get_data(as_text=True)
    assert "The plan must start with a text on the day the order is made" in html
    assert db.session.scalar(select(TextPlanVersion)) is None


# -- wording ----------------------------------------------------------------------------------

def test_saving_wording_makes_version_2_and_keeps_version_1(client, login_as):
    admin, token = login_as(Role.ADMIN)
    html = client.get("/admin/texts/templates/support").get_data(as_text=True)
    assert "{helpline}" in html and "{police_contact}" in html  # the allowed placeholders are listed
    assert "never" in html and "mention the victim" in html
    assert 'hx-post="/admin/texts/templates/support/preview"' in html
    assert 'hx-trigger="input changed delay:400ms"' in html
    new = "{force_name}: help to change is there when you want it. Call {helpline}."
    response = client.post("/admin/texts/templates/support", data={"csrf_token": token, "body": new})
    assert response.status_code == 302
    versions = db.session.scalars(
        select(TextTemplate).where(TextTemplate.kind == ContentKind.SUPPORT).order_by(TextTemplate.version)
    ).all()
    assert [(v.version, v.created_by_id) for v in versions] == [(1, None), (2, admin.id)]
    assert versions[1].body == new and reminders.current_templates()[ContentKind.SUPPORT].body == new
    assert "texts.template_saved" in actions()
    html = client.get("/admin/texts/templates/support").get_data(as_text=True)
    assert "version 2" in html and "Built-in wording" in html and admin.display_name in html
    assert "Demo Constabulary: help to change is there when you want it. Call the Respect Phoneline" in html


def test_a_placeholder_outside_the_allow_list_is_refused(client, login_as):
    admin, token = login_as(Role.ADMIN)
    body = "{force_name}: stay away from {victim_name}."
    response = client.post("/admin/texts/templates/conditions", data={"csrf_token": token, "body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html
    assert "{victim_name} is not a placeholder you can use" in html
    assert "stay away from {victim_name}." in html  # what was typed is kept
    assert db.session.scalars(select(TextTemplate.version).where(TextTemplate.kind == ContentKind.CONDITIONS)).all() == [1]


def test_unchanged_or_empty_wording_is_refused(client, login_as):
    admin, token = login_as(Role.ADMIN)
    current = reminders.current_templates()[ContentKind.ORDER_END].body
    html = client.post("/admin/texts/templates/order_end", data={"csrf_token": token, "body": current}).get_data(as_text=True)
    assert "The wording has not changed" in html
    html = client.post("/admin/texts/templates/order_end", data={"csrf_token": token, "body": "  "}).get_data(as_text=True)
    assert "Enter the text of the message" in html


def test_unknown_kind_is_not_found(client, login_as):
    admin, token = login_as(Role.ADMIN)
    assert client.get("/admin/texts/templates/victim_details").status_code == 404
    assert client.post("/admin/texts/templates/victim_details/preview", data={"csrf_token": token, "body": "x"}).status_code == 404


def test_preview_shows_encoding_and_segments(client, login_as):
    admin, token = login_as(Role.ADMIN)
    url = "/admin/texts/templates/conditions/preview"
    plain = client.post(url, data={"csrf_token": token, "body": "{force_name}: keep to your order."},
                        headers={"HX-Request": "true"})
    html = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" not in html and 'id="wording-preview"' in html
    assert "Demo Constabulary: keep to your order." in html and "GSM-7" in html and "1 segment" in html
    assert "UCS-2" not in html
    curly = client.post(url, data={"csrf_token": token, "body": "{force_name}: don\u2019t break your order."}).get_data(as_text=True)
    assert "UCS-2" in curly and "70 characters" in curly and "1 segment" in curly
    long = client.post(url, data={"csrf_token": token, "body": "{force_name}: " + "keep to it. " * 14}).get_data(as_text=True)
    assert "GSM-7" in long and "2 segments" in long
    # The conditions in plain words, the end of a 28-day order made today.
    sample = client.post(url, data={"csrf_token": token, "body": "{conditions} Until {order_end}."}).get_data(as_text=True)
    assert "Until the end of Sun 13 Dec 2026." in sample


def test_preview_of_bad_wording_answers_200_with_its_problems(client, login_as):
    admin, token = login_as(Role.ADMIN)
    url = "/admin/texts/templates/conditions/preview"
    for body, message in [("{oops", "A { must be closed with }"), ("{victim_name}", "is not a placeholder you can use"),
                          ("", "Enter the text of the message"), ("{{conditions}}", "single braces"),
                          ("{conditions.__class__}", "is not allowed")]:
        response = client.post(url, data={"csrf_token": token, "body": body})
        assert response.status_code == 200, body
        assert message in response.get_data(as_text=True), body
    # htmx sends the token in a header rather than the form.
    response = client.post(url, data={"body": "{force_name}"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and "GSM-7" in response.get_data(as_text=True)


# -- the outbox -------------------------------------------------------------------------------

def test_outbox_lists_texts_newest_first_and_masks_the_number(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    outbox_text(case, body="Older text.", minutes_ago=60, to="+447700900456")
    outbox_text(case, body="Newer text & more.", minutes_ago=5)
    login_as(Role.ADMIN)
    html = client.get("/admin/texts/outbox").get_data(as_text=True)
    assert "07•••\u00a0•••123" in html and "07•••\u00a0•••456" in html  # kept on one line
    assert "number ending 123" in html  # what a screen reader hears instead of the bullets
    assert "+447700900123" not in html and "7700900123" not in html and "07700 900123" not in html
    assert html.index("Newer text &amp; more.") < html.index("Older text.")
    assert case.reference in html and ContentKind.CONDITIONS.label in html and "Sent" in html
    assert "records texts here instead of sending them" in html and "SMS_BACKEND=outbox" in html


def test_outbox_empty_state_and_bad_pages(client, login_as):
    login_as(Role.ADMIN)
    for query in ("", "?page=abc", "?page=-3", "?page=0", "?page=999999999999999999999"):
        response = client.get(f"/admin/texts/outbox{query}")
        assert response.status_code == 200, query
        assert "No texts have been sent to the outbox yet." in response.get_data(as_text=True)


def test_outbox_pages_50_at_a_time_with_a_constant_number_of_queries(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    login_as(Role.ADMIN)

    def statements(url):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    outbox_text(case, minutes_ago=1000)
    one = statements("/admin/texts/outbox")
    for n in range(1, 55):
        outbox_text(case, body=f"Text {n}.", minutes_ago=n)
    assert statements("/admin/texts/outbox") == one
    first = client.get("/admin/texts/outbox").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Text 1." in first and "Text 54." not in first
    second = client.get("/admin/texts/outbox?page=2").get_data(as_text=True)
    assert "Text 54." in second and "Text 1." not in second
    assert client.get("/admin/texts/outbox?page=3").get_data(as_text=True).count("Text 1.") == 1  # bad page: page 1


def test_mask_number_keeps_only_the_last_three_digits():
    assert mask_number("+447700900123") == ("07••• •••123", "123")
    assert mask_number("+33612345678") == ("••• •••678", "678")
    assert mask_number(None)[0] == "Not recorded"


# -- the trial --------------------------------------------------------------------------------

def test_switching_the_trial_needs_a_reason_and_is_audited(client, login_as):
    admin, token = login_as(Role.ADMIN)
    html = client.get("/admin/texts/trial").get_data(as_text=True)
    assert "Running" in html and "Off</strong>: every eligible case gets texts, nobody is randomised." in html
    response = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "no", "stratified": "no", "reason": " "})
    assert response.status_code == 200 and "Say why the trial is being changed" in response.get_data(as_text=True)
    html = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "yes", "stratified": "no",
                                                   "reason": "Typed reason kept"}).get_data(as_text=True)
    assert "Nothing has changed" in html and "Typed reason kept" in html
    html = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "maybe", "reason": "x"}).get_data(as_text=True)
    assert "Choose whether the trial should run" in html and "Choose whether to randomise separately" in html
    assert db.session.scalar(select(TrialSwitch)) is None
    response = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "no", "stratified": "no",
                                                       "reason": "The trial has enough cases."})
    assert response.status_code == 302
    assert trial.state().running is False
    assert "trial.switched" in actions()
    html = client.get("/admin/texts/trial").get_data(as_text=True)
    assert "The trial is now switched off" in html and "The trial has enough cases." in html
    assert admin.display_name in html


def test_trial_page_counts_arms_and_orders_not_randomised(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    granted_case(officer)  # a mobile: waiting for allocation
    no_phone = served_case(officer, mobile=None)
    court.list_hearing(officer, no_phone, court_name="Northfield Magistrates", starts_at=no_phone.served_at + timedelta(minutes=30),
                       late_reason="", calendar=load_calendar())
    court.record_outcome(officer, no_phone, court.pending_hearing(no_phone), outcome=HearingOutcome.GRANTED, contested=False,
                         notes="", days=14, made_on=date(2026, 11, 16), conditions=[{"kind": "no_molest"}], calendar=load_calendar(),
                         texts=TextSettings(), orders=OrderSettings())
    login_as(Role.ADMIN)
    html = client.get("/admin/texts/trial").get_data(as_text=True)
    assert "Business as usual (no texts)" in html and "Reminder texts" in html
    assert "Waiting for allocation" in html
    labels = [label for label, _ in trial.attrition()]
    assert all(label in html for label in labels if label != "Allocated")


def test_export_csv_has_the_columns_no_phone_number_and_is_audited(client, login_as, make_user, app):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    trial.allocate(officer, case, eligible=True, not_eligible_reason="", baseline=trial.suggested_baseline(case, utcnow()),
                   seed=app.config["TRIAL_SEED"], settings=TextSettings())
    login_as(Role.ADMIN)
    response = client.get("/admin/texts/trial/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="trial-allocations-2026-11-16.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == trial.EXPORT_COLUMNS and len(rows) == 2
    assert "07123456789" not in text and "7123456789" not in text and case.reference not in text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.exported")).one()
    assert entry.detail == {"rows": 1}


def test_csv_cells_cannot_be_formulas():
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [csv_cell(v) for v in ("+1", "-1", "@SUM(A1)", "T0001", None, 7, -2)] == ["'+1", "'-1", "'@SUM(A1)", "T0001", "", "7", "-2"]


# -- who may use the pages --------------------------------------------------------------------

def test_supervisor_may_view_and_export_the_trial_but_not_switch_it(client, login_as):
    supervisor, token = login_as(Role.SUPERVISOR)
    html = client.get("/admin/texts/trial").get_data(as_text=True)
    assert "Reminder-text trial" in html and "Change the trial" not in html and 'name="reason"' not in html
    assert client.get("/admin/texts/trial/export.csv").status_code == 200
    response = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "no", "stratified": "no", "reason": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(TrialSwitch)) is None
    for method, url in ADMIN_ONLY:
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, url


@pytest.mark.parametrize("role", [Role.OFFICER, Role.CASEWORKER, Role.INSPECTOR, Role.SUPERINTENDENT])
def test_other_roles_are_refused_everywhere(app, make_user, role):
    client = app.test_client()
    assert login(client, make_user(role)).status_code == 302
    token = csrf_token(client)
    for method, url in ADMIN_ONLY + ADMIN_AND_SUPERVISOR:
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, (role, method, url)
    assert "trial.exported" not in actions()
    assert 'href="/admin/texts/"' not in client.get("/account").get_data(as_text=True)


def test_admin_sees_the_texts_item_in_the_header(client, login_as):
    login_as(Role.ADMIN)
    assert '<a href="/admin/texts/">Texts</a>' in client.get("/admin/").get_data(as_text=True)
