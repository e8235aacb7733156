"""Victim referrals through HTTP, police side: completing, sending, declining, the Code's
clock, returns, caseworkers' concerns, the dashboard panels and the list of breaches."""
from __future__ import annotations

import html as html_lib
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app import timeutil
from app.domain.calendar import LONDON
from app.domain.referrals import ContactMethod, ContactOutcome
from app.extensions import db
from app.models import AuditEntry, ConcernStatus, ReferralStatus, Role
from app.services import casework, referral_queries, referral_sweep, referrals
from app.services.calendar import load_calendar
from app.timeutil import frozen_at, utcnow
from tests.integration.conftest import csrf_token, keep_session_alive, login
from tests.integration.factories import open_case, sent_referral, served_case, support_service
from tests.support import count_queries


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def move_to(client, when: datetime) -> None:
    """Jump the frozen clock; the jump is not idleness."""
    timeutil.set_frozen(when)
    keep_session_alive(client, when)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_lib.unescape(response.get_data(as_text=True))


def task_lines(dashboard: str) -> list[str]:
    """The lines of the dashboard's "Victim referrals: to do" panel, as text."""
    if 'id="referral-tasks"' not in dashboard:
        return []
    panel = dashboard[dashboard.index('id="referral-tasks"'):]
    panel = panel[:panel.index("</ul>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in panel.split("<li>")[1:]]


def flashed(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return page(client, response.headers["Location"])


def consent_form(token: str, **overrides) -> dict:
    asked = (utcnow() - timedelta(minutes=20)).astimezone(LONDON)
    data = {
        "csrf_token": token, "consent": "consents", "consent_asked_date": asked.strftime("%Y-%m-%d"),
        "consent_asked_time": asked.strftime("%H:%M"), "safe_number": "07911 123456", "safe_to_call": "yes",
        "safe_times": ["evening"], "safe_times_notes": "Not on Saturdays", "agreed_methods": ["text"],
        "language": "Polish", "interpreter": "yes", "other_needs": "", "police_summary": "Notice served at the door.",
    }
    data.update(overrides)
    return data


def urls(case, referral) -> dict[str, str]:
    base = f"/cases/{case.id}/referrals"
    return {"case": base, "edit": f"{base}/{referral.id}/edit", "send": f"{base}/{referral.id}/send",
            "marac": f"{base}/{referral.id}/marac", "return_seen": f"{base}/{referral.id}/return-seen"}


def test_an_officer_completes_checks_and_sends_a_referral(client, login_as):
    officer, token = login_as(Role.OFFICER)
    north = support_service("Northshire Women's Aid", "North")
    south = support_service("Aardvark Support South", "South")  # first by name, but not the case's area
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    u = urls(case, referral)

    html = page(client, u["case"])
    assert "Beth Testperson" in html and "To send" in html and "Complete the referral" in html
    assert "Due by midnight at the end of Wed 18 Nov 2026" in html  # two working days after Monday's service

    form = page(client, u["edit"])
    assert "Notice served on the perpetrator" in form  # what police have done, filled in from the case
    assert "Caseworkers call from a withheld number" in form
    assert "High: MARAC and IDVA" in form and officer.display_name in form  # what the case already tells the service

    # Bad input comes back with what was typed and errors that say what to do.
    bad = client.post(u["edit"], data=consent_form(token, consent_asked_date="", safe_number="0800 CALL ME",
                                                   language="Tigrinya"))
    assert bad.status_code == 200
    html = html_lib.unescape(bad.get_data(as_text=True))
    assert "There is a problem" in html
    assert "Enter when the victim was asked" in html and "digits only" in html
    assert 'value="0800 CALL ME"' in html and 'value="Tigrinya"' in html
    assert re.search(r'value="evening"[^>]*checked|checked[^>]*value="evening"', html)
    bad_date = client.post(u["edit"], data=consent_form(token, consent_asked_date="2026-02-30"))
    assert bad_date.status_code == 200 and "must be a real date" in bad_date.get_data(as_text=True)
    db.session.refresh(referral)
    assert referral.consent is None  # nothing was saved

    saved = client.post(u["edit"], data=consent_form(token))
    assert saved.status_code == 302 and saved.headers["Location"].endswith(u["send"])
    html = flashed(client, saved)
    # The check page shows what the service will receive, before anything is sent.
    assert "Check and send the referral" in html and "07911 123456" in html and "safe to call: yes" in html
    assert "Text message" in html and "Polish" in html and "Notice served at the door." in html
    assert html.index("Northshire Women's Aid (North)") < html.index("Aardvark Support South (South)")
    assert "Send referral" in html
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.AWAITING  # saving consent is not sending

    no_choice = client.post(u["send"], data={"csrf_token": token, "service_id": ""})
    assert no_choice.status_code == 200 and "Choose the support service" in no_choice.get_data(as_text=True)
    sent = client.post(u["send"], data={"csrf_token": token, "service_id": str(north.id)})
    html = flashed(client, sent)
    assert "Referral sent to Northshire Women" in html and "On time Sent Mon 16 Nov 2026, 10:00" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.SENT and referral.service_id == north.id
    assert referral.content["safe_number"] == "+447911123456" and referral.content["agreed_methods"] == ["text"]
    assert "What the service received" in html

    # A second tab, or a double-click: refused without an error page, sent once.
    again = client.post(u["send"], data={"csrf_token": token, "service_id": str(south.id)})
    assert "cannot be sent again" in flashed(client, again)
    db.session.refresh(referral)
    assert referral.service_id == north.id
    sends = db.session.scalar(select(func.count()).where(AuditEntry.action == "referral.sent"))
    assert sends == 1
    assert "can no longer be changed" in flashed(client, client.get(u["edit"]))


def test_a_refusal_is_recorded_and_not_sent(client, login_as):
    officer, token = login_as(Role.OFFICER)
    support_service()
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    u = urls(case, referral)
    response = client.post(u["edit"], data=consent_form(token, consent="declines", consent_asked_date="2026-11-16",
                                                        consent_asked_time="09:30", safe_number=""))
    assert response.headers["Location"].endswith(u["case"])
    html = flashed(client, response)
    assert "Recorded: the victim declined the referral at Mon 16 Nov 2026, 09:30. It will not be sent." in html
    assert "Refusal recorded Mon 16 Nov 2026, 10:00 (due by" in html and "Not sent: the victim declined" in html
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.DECLINED and referral.service_id is None and referral.content is None
    assert "cannot be sent again" in flashed(client, client.get(u["send"]))


def test_could_not_be_asked_keeps_the_code_clock_running(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    u = urls(case, referral)
    response = client.post(u["edit"], data=consent_form(token, consent="not_asked", consent_asked_date="",
                                                        consent_asked_time="", safe_number="", safe_to_call=""))
    assert response.headers["Location"].endswith(u["case"])
    html = flashed(client, response)
    assert "the Victims' Code clock keeps running" in html and "Could not be asked yet" in html
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.AWAITING and referral.settled_at is None
    # The send page says what is missing, with a way back to the form.
    html = page(client, u["send"])
    assert "The referral cannot be sent yet" in html and "the victim's consent" in html
    assert f'href="{u["edit"]}"' in html


def test_police_see_attempts_outcomes_but_never_the_caseworkers_notes(client, login_as, make_user):
    officer, token = login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case, referral = sent_referral(officer, service)
    casework.accept(caseworker, referral)
    casework.log_attempt(caseworker, referral, casework.AttemptDetails(
        utcnow(), ContactMethod.WITHHELD_CALL, ContactOutcome.NOT_SAFE, notes="ZQX-PRIVATE said he monitors her phone"),
        load_calendar())
    u = urls(case, referral)
    html = page(client, u["case"])
    assert "Answered but not safe to talk" in html and "Call from a withheld number" in html
    assert "ZQX-PRIVATE" not in html and "monitors her phone" not in html

    # Returned to police: the banner gives the reason and the attempts, still without notes.
    casework.return_to_police(caseworker, referral, "Three calls, never safe to talk.")
    html = page(client, u["case"])
    assert "Returned to police" in html and "Three calls, never safe to talk." in html
    assert "answered but not safe to talk" in html.lower() and "ZQX-PRIVATE" not in html
    assert "Acknowledge return" in html
    confirm = page(client, u["return_seen"])
    assert "ZQX-PRIVATE" not in confirm and "Answered but not safe to talk" in confirm
    html = flashed(client, client.post(u["return_seen"], data={"csrf_token": token}))
    assert "Return acknowledged" in html
    db.session.refresh(referral)
    assert referral.return_seen_at == utcnow() and referral.return_seen_by_id == officer.id
    # Acknowledged once: asking again says when it was.
    assert "The return was acknowledged Mon 16 Nov 2026, 10:00" in flashed(
        client, client.post(u["return_seen"], data={"csrf_token": token}))


def test_a_caseworkers_concern_is_acted_on_from_the_dashboard(client, login_as, make_user):
    officer, token = login_as(Role.OFFICER)
    service = support_service("Northshire Women's Aid")
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case, referral = sent_referral(officer, service)
    concern = casework.report_concern(caseworker, referral, observed_at=utcnow() - timedelta(hours=1),
                                      what="P answered V's phone during the call.")
    concern_url = f"/cases/{case.id}/referrals/{referral.id}/concerns/{concern.id}"

    dashboard = page(client, "/dashboard/tasks")
    assert "Possible breaches reported by caseworkers" in dashboard
    panel = dashboard[dashboard.index('id="referral-concerns"'):]
    assert case.reference in panel and "Northshire Women" in panel and "Mon 16 Nov 2026, 10:00" in panel
    assert concern_url in panel

    html = page(client, concern_url)
    assert "P answered V's phone during the call." in html and caseworker.display_name in html
    assert f"/cases/{case.id}/breaches/new" in html  # the notice is in force: a breach can be recorded
    blank = client.post(concern_url, data={"csrf_token": token, "note": "  "})
    assert blank.status_code == 200 and "Say what was done about the concern" in blank.get_data(as_text=True)
    done = client.post(concern_url, data={"csrf_token": token, "note": "Breach recorded; P arrested at 11:20."})
    assert "Recorded what was done" in flashed(client, done)
    db.session.refresh(concern)
    assert concern.status is ConcernStatus.ACTIONED and concern.actioned_by_id == officer.id
    assert "Possible breaches reported by caseworkers" not in page(client, "/dashboard/tasks")
    assert "Breach recorded; P arrested at 11:20." in page(client, concern_url)
    assert "already been dealt with" in flashed(client, client.post(concern_url, data={"csrf_token": token, "note": "x"}))


def test_dashboard_lists_referrals_due_soon_overdue_returned_and_marac(client, login_as, make_user):
    officer, token = login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    due_soon = served_case(officer, served_at=L("2026-11-12 14:00"))  # Thu: due 24:00 Mon, warned from 13:00 Mon
    overdue = served_case(officer, served_at=L("2026-11-11 14:00"))  # Wed: was due 24:00 Fri
    returned_case, returned = sent_referral(officer, service)
    casework.accept(caseworker, returned)
    casework.return_to_police(caseworker, returned, "No contact made.")
    high = served_case(officer)  # served this morning: only the MARAC referral to do (the demo DASH is high risk)
    [high_referral] = referral_queries.referrals_for(high)
    assert high_referral.high_risk
    for case in (due_soon, overdue, returned_case):
        [referral] = referral_queries.referrals_for(case)
        referrals.record_marac(officer, referral, case)

    move_to(client, L("2026-11-16 14:00"))
    html = page(client, "/dashboard/tasks")
    assert "Victim referrals: to do" in html
    lines = task_lines(html)
    assert lines[0].startswith(f"Code breach {overdue.reference} Beth Testperson: Referral overdue by 2 days 14 h: a breach of the Victims' Code")
    assert f"{due_soon.reference} Beth Testperson: Referral due soon: send by midnight at the end of Mon 16 Nov 2026" in lines
    assert f"{returned_case.reference} Beth Testperson: Referral returned by the service: no contact made" in lines
    assert f"{high.reference} Beth Testperson: High risk: refer to MARAC" in lines
    # The task is there from the moment the notice is served, not only when it is nearly due.
    assert f"{high.reference} Beth Testperson: Refer the victim to support: due by midnight at the end of Wed 18 Nov 2026" in lines
    assert len(lines) == 5
    assert "Code breach" not in " ".join(lines[1:])
    # Urgent first: the breach, then due soon and returned, then the rest.
    assert lines.index(f"{high.reference} Beth Testperson: High risk: refer to MARAC") > 2

    # The case page shows the same clock, cheaply.
    case_page = page(client, f"/cases/{due_soon.id}")
    assert "Victim referral" in case_page and "Due soon: by midnight at the end of Mon 16 Nov 2026, 10 h left." in case_page

    # Recording the MARAC referral clears that task.
    u = urls(high, high_referral)
    assert "Record MARAC referral made" in page(client, u["case"])
    assert "MARAC referral recorded" in flashed(client, client.post(u["marac"], data={"csrf_token": token}))
    assert not any(high.reference in line and "MARAC" in line for line in task_lines(page(client, "/dashboard/tasks")))
    assert "The MARAC referral was recorded Mon 16 Nov 2026, 14:00" in flashed(client, client.get(u["marac"]))


def test_dashboard_statements_do_not_grow_with_referral_tasks_and_concerns(app, client, login_as, make_user):
    app.config["DASHBOARD_TASK_LINES"] = 50  # every line shown: the statements must not follow them
    officer, _ = login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)

    def add_one():
        served_case(officer, served_at=L("2026-11-11 14:00"))  # overdue, and high risk: two tasks
        _, referral = sent_referral(officer, service)  # high risk: a MARAC task
        casework.report_concern(caseworker, referral, observed_at=utcnow(), what="P seen outside.")

    add_one()
    few = count_queries(client, "/dashboard/tasks")
    for _ in range(4):
        add_one()
    html = page(client, "/dashboard/tasks")
    lines = task_lines(html)
    assert sum("Referral overdue by" in line for line in lines) == 5
    assert sum("High risk: refer to MARAC" in line for line in lines) == 10
    assert html[html.index('id="referral-concerns"'):].count("Act on it") == 5
    assert count_queries(client, "/dashboard/tasks") == few


def test_the_breach_list_counts_a_referral_sent_late(client, login_as, make_user):
    officer, token = login_as(Role.OFFICER)
    service = support_service()
    late = served_case(officer, served_at=L("2026-11-11 10:00"))  # Wed: due 24:00 Fri 13 Nov
    on_time = served_case(officer)
    assert "No referral has breached the Victims' Code" in page(client, "/referrals/breaches")

    [referral] = referral_queries.referrals_for(late)
    u = urls(late, referral)
    client.post(u["edit"], data=consent_form(token))
    html = flashed(client, client.post(u["send"], data={"csrf_token": token, "service_id": str(service.id)}))
    assert "recorded as a breach" in html and "Sent Mon 16 Nov 2026, 10:00, late by 2 days 10 h" in html
    [other] = referral_queries.referrals_for(on_time)
    client.post(urls(on_time, other)["edit"], data=consent_form(token))
    client.post(urls(on_time, other)["send"], data={"csrf_token": token, "service_id": str(service.id)})

    html = page(client, "/referrals/breaches")
    assert re.search(r"<strong>1</strong> breach\.", html)
    row = html[html.index(f'id="breach-{referral.id}"'):]
    row = row[:row.index("</tr>")]
    assert late.reference in row and f"/cases/{late.id}/referrals" in row and "Beth Testperson" in row
    assert "midnight at the end of Fri 13 Nov 2026" in row and "Sent Mon 16 Nov 2026, 10:00" in row and "2 days 10 h" in row
    assert officer.display_name in row
    assert on_time.reference not in html

    supervisor = make_user(Role.SUPERVISOR)
    other_client = client.application.test_client()
    login(other_client, supervisor)
    assert late.reference in page(other_client, "/referrals/breaches")
    assert other_client.get(u["edit"]).status_code == 403  # supervisors read, officers change
    assert "Complete the referral" not in page(other_client, u["case"])


def test_an_unsent_breach_is_listed_as_not_sent_yet(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, served_at=L("2026-11-11 10:00"))
    referral_sweep.sweep(utcnow())
    html = page(client, "/referrals/breaches")
    assert case.reference in html and "Not sent yet" in html and "2 days 10 h so far" in html
    assert client.get("/referrals/breaches?page=99").status_code == 200


def test_pages_before_service_say_a_referral_comes_with_the_notice(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = open_case(officer)
    html = page(client, f"/cases/{case.id}/referrals")
    assert "A referral is created when the notice is served" in html


def test_an_officer_of_another_area_cannot_reach_the_referral(app, client, make_user):
    owner = make_user(Role.OFFICER, area="North")
    service = support_service()
    case, referral = sent_referral(owner, service, case=served_case(owner, area="North"))
    concern = casework.report_concern(make_user(Role.CASEWORKER, service_id=service.id), referral,
                                      observed_at=utcnow(), what="Seen nearby.")
    login(client, make_user(Role.OFFICER, area="South"))
    token = csrf_token(client)
    base = f"/cases/{case.id}/referrals"
    for url in (base, f"{base}/{referral.id}/edit", f"{base}/{referral.id}/send", f"{base}/{referral.id}/marac",
                f"{base}/{referral.id}/return-seen", f"{base}/{referral.id}/concerns/{concern.id}"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"csrf_token": token, "note": "x"}).status_code in (404, 405), url
    dashboard = page(client, "/dashboard")
    assert case.reference not in dashboard
    # A referral of another case, through a case the officer can read, is not found either.
    mine = served_case(make_user(Role.OFFICER, area="South"), area="South")
    assert client.get(f"/cases/{mine.id}/referrals/{referral.id}/edit").status_code == 404


def test_posts_without_a_csrf_token_are_refused(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    service = support_service()
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    u = urls(case, referral)
    data = consent_form("")
    data.pop("csrf_token")
    assert client.post(u["edit"], data=data).status_code == 400
    assert client.post(u["send"], data={"service_id": str(service.id)}).status_code == 400
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.AWAITING and referral.consent is None



def test_a_case_referral_page_does_not_grow_with_attempts_and_concerns(client, login_as, make_user):
    officer, _ = login_as(Role.OFFICER)
    service = support_service()
    case, referral = sent_referral(officer, service)

    def add_one(n: int):
        worker = make_user(Role.CASEWORKER, service_id=service.id)  # each concern by someone else
        with frozen_at(utcnow() + timedelta(minutes=n)):
            casework.log_attempt(worker, referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
            casework.report_concern(worker, referral, observed_at=utcnow(), what=f"Concern {n}.")

    add_one(1)
    few = count_queries(client, f"/cases/{case.id}/referrals")
    for n in range(2, 6):
        add_one(n)
    html = page(client, f"/cases/{case.id}/referrals")
    assert html.count("Call from a withheld number") >= 5 and "Concern 5." in html
    assert count_queries(client, f"/cases/{case.id}/referrals") == few
