"""The court journey in the browser, on the demo's served case for Trevor Lang (about 40 hours
left on its hearing clock): the officer assembles the bundle (a generated item ticked in place
with htmx, an officer statement uploaded, a disguised file refused, the fee, the sending and
the listing), prints the court presentation printout to PDF in Chromium and downloads the
server's PDF; records the order (once, though two tabs submit it); then records a breach with
an arrest, and the dashboard puts the case at the top with its 24-hour court clock."""
from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.domain.calendar import LONDON
from app.domain.clocks import BREACH_CLOCK
from app.domain.deadlines import breach_court_deadline, hearing_deadline, order_end
from app.domain.timefmt import format_instant
from tests.browser.journeys import (
    DESKTOP,
    OFFICER,
    bundle_item,
    fieldset,
    fill_date_time,
    important_banner,
    log_in,
    london_now,
    main_nav,
    mark_page,
    open_court,
    open_served_case,
    small_pdf,
    success_banner,
)
from tests.support import pdf_pages

pytestmark = pytest.mark.browser

PERPETRATOR = "Trevor Lang"  # demo case: served, about 40 hours left to the hearing deadline
OLDER_BREACH = "Lee Carver"  # demo case: order in force, arrested for breach 3 hours ago
COURT = "Eastbury Magistrates' Court"
GENERATED = ("notice", "complaint", "conditions", "chronology", "prompt_sheet")


def calendar_of(live_app):
    with live_app.app_context():
        from app.services.calendar import load_calendar

        return load_calendar()


def case_facts(live_app, reference: str) -> dict:
    """What the database holds about the case's hearing outcome (for the double submission)."""
    with live_app.app_context():
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import AuditEntry, Case, Hearing, ProtectionOrder

        case = db.session.scalar(select(Case).where(Case.reference == reference))
        facts = {
            "id": case.id,
            "served_at": case.served_at,
            "window": case.hearing_window_hours,
            "outcomes": db.session.scalar(
                select(func.count()).select_from(Hearing).where(Hearing.case_id == case.id, Hearing.outcome.is_not(None))),
            "hearings": db.session.scalar(select(func.count()).select_from(Hearing).where(Hearing.case_id == case.id)),
            "orders": db.session.scalar(
                select(func.count()).select_from(ProtectionOrder).where(ProtectionOrder.case_id == case.id)),
            "outcome_audits": db.session.scalar(
                select(func.count()).select_from(AuditEntry)
                .where(AuditEntry.case_id == case.id, AuditEntry.action == "court.outcome_recorded")),
        }
        db.session.remove()
        return facts


def progress_text(page):
    return page.locator("#bundle-progress")


def upload(page, key: str, name: str, body: bytes, mime: str = "application/pdf") -> None:
    item = bundle_item(page, key)
    item.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": body}])
    item.locator("button[type=submit]", has_text="Upload").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/court(#[\w-]+)?$"))


def test_officer_assembles_the_bundle_prints_it_records_the_order_and_a_breach(
    page, live_server, live_app, screenshot, screenshot_dir, tmp_path, browser_problems
):
    page.set_viewport_size(DESKTOP)
    calendar = calendar_of(live_app)

    # ------------------------------------------------------------ the bundle
    log_in(page, live_server, OFFICER)
    reference = open_served_case(page, PERPETRATOR)
    facts = case_facts(live_app, reference)
    case_id = facts["id"]
    deadline = hearing_deadline(facts["served_at"], hours=facts["window"], calendar=calendar)
    # About 40 hours left (less when that would end on a Sunday or a bank holiday): time to list it.
    assert deadline - london_now() > timedelta(hours=4), deadline
    open_court(page)
    court_url = page.url
    expect(page.get_by_text(f"The hearing must begin by {format_instant(deadline)}.")).to_be_visible()
    expect(progress_text(page)).to_have_text("0 of 10 required items done.")

    # Tick one generated item: swapped in place by htmx, the progress updated out of band.
    mark_page(page)
    notice = bundle_item(page, "notice")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/items/notice/tick")) as ticked:
        notice.get_by_role("button", name=re.compile(r"^Mark as checked")).click()
    assert ticked.value.status == 200
    assert ticked.value.request.headers.get("hx-request") == "true", "the tick must be posted by htmx"
    expect(notice).to_contain_text(f"Checked by PC {OFFICER.name}")
    expect(notice.locator(".govuk-task-list__status")).to_have_text("Done")
    expect(notice.get_by_role("button", name=re.compile(r"^Untick"))).to_be_visible()
    expect(progress_text(page)).to_have_text("1 of 10 required items done.")
    expect(page).to_have_url(court_url)
    assert page.evaluate("window.__dvpoSamePage") == "kept", "ticking reloaded the page instead of swapping the item"
    for key in GENERATED[1:]:
        bundle_item(page, key).get_by_role("button", name=re.compile(r"^Mark as checked")).click()
        expect(bundle_item(page, key)).to_contain_text("Checked by")
    expect(progress_text(page)).to_have_text("5 of 10 required items done.")
    assert page.evaluate("window.__dvpoSamePage") == "kept"

    # Upload a real PDF as the officer's statement; it is listed and served back as it was.
    statement = small_pdf(f"Statement of PC {OFFICER.name} about {PERPETRATOR}")
    upload(page, "officer_statement", "PC Okafor statement.pdf", statement)
    expect(success_banner(page, "PC Okafor statement.pdf added to the bundle.")).to_be_visible()
    item = bundle_item(page, "officer_statement")
    link = item.get_by_role("link", name="PC Okafor statement.pdf", exact=True)
    expect(link).to_be_visible()
    expect(item.locator(".govuk-task-list__status")).to_have_text("Done")
    served = page.context.request.get(f"{live_server}{link.get_attribute('href')}")
    assert served.status == 200
    assert served.headers["content-type"].startswith("application/pdf"), served.headers
    assert served.body() == statement

    # An HTML page renamed .pdf is refused, by its content.
    upload(page, "dash_form", "DASH.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
           mime="application/pdf")
    # Refused beside the input that chose it, not in a banner.
    expect(bundle_item(page, "dash_form").locator("#file-dash_form-error")).to_contain_text(
        "DASH.pdf: The file is not a PDF, JPEG, PNG or Word")
    expect(page.locator("#file-dash_form")).to_have_attribute("aria-describedby", "file-dash_form-error")
    expect(important_banner(page, "DASH.pdf")).to_have_count(0)
    expect(bundle_item(page, "dash_form").get_by_role("link", name="DASH.pdf")).to_have_count(0)
    expect(bundle_item(page, "dash_form").locator(".govuk-task-list__status")).to_have_text("To do")
    expect(progress_text(page)).to_have_text("6 of 10 required items done.")

    # The fee, with its receipt.
    bundle_item(page, "court_fee").get_by_role("link", name="Record the fee").click()
    expect(page.get_by_role("heading", name="Court fee", level=1)).to_be_visible()
    fieldset(page, "contested").get_by_label("Uncontested", exact=True).check()
    page.fill("#reference", "HMCTS-PBA-0042")
    page.fill("#paid_on", london_now().date().isoformat())
    page.locator("input[type=file][name=receipt]").set_input_files(
        files=[{"name": "fee receipt.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Receipt HMCTS-PBA-0042")}])
    page.get_by_role("button", name="Save the fee").click()
    expect(page).to_have_url(court_url)
    expect(success_banner(page, "Court fee recorded.")).to_be_visible()
    expect(bundle_item(page, "court_fee")).to_contain_text("Done by")

    # Sent to the court three hours ago.
    bundle_item(page, "sent_to_court").get_by_role("link", name="Record sending").click()
    expect(page.get_by_role("heading", name="Sent to court", level=1)).to_be_visible()
    page.fill("#court_name", COURT)
    fill_date_time(page, "sent_date", "sent_time", london_now() - timedelta(hours=3))
    page.fill("#how", "Secure email to the listing office")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(court_url)
    expect(success_banner(page, "Sending to court recorded.")).to_be_visible()

    # Listed: the hearing began 90 minutes ago, well within the deadline.
    starts_at = (london_now() - timedelta(minutes=90)).replace(second=0, microsecond=0)
    starts_at -= timedelta(minutes=starts_at.minute % 5)
    assert starts_at > facts["served_at"] and starts_at < deadline
    bundle_item(page, "hearing_listed").get_by_role("link", name="Record the listing").click()
    expect(page.get_by_role("heading", name="Hearing listed", level=1)).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"The hearing must begin by {format_instant(deadline)}")
    page.fill("#court_name", COURT)
    fill_date_time(page, "starts_date", "starts_time", starts_at)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(court_url)
    expect(success_banner(page, "Hearing listed.")).to_be_visible()
    expect(progress_text(page)).to_have_text("9 of 10 required items done.")
    hearings = page.locator(".govuk-grid-column-one-third")
    expect(hearings).to_contain_text(f"{COURT}, {format_instant(starts_at)}")
    expect(hearings).to_contain_text("Awaiting outcome")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)  # not listed late
    screenshot(page, "court-bundle")

    # ------------------------------------------------------------ the printout
    page.get_by_role("link", name="Court presentation printout").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/court/printout$"))
    document = page.locator("main.app-print-document")
    expect(document.get_by_role("heading", level=1)).to_contain_text("Application for a")
    expect(document).to_contain_text(reference)
    expect(document).to_contain_text("balance of probabilities")

    printed = page.pdf(format="A4", print_background=True)
    pages = pdf_pages(printed, tmp_path)
    (screenshot_dir / f"{reference}-chromium.pdf").write_bytes(printed)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(screenshot_dir / f"{reference}-chromium.pdf"),
                    str(screenshot_dir / "printout-chromium")], check=True)
    check_printout("Chromium's print", pages, reference, starts_at)

    pdf_url = page.get_by_role("link", name="Download PDF").get_attribute("href")
    assert pdf_url and pdf_url.endswith("/court/printout.pdf"), pdf_url
    response = page.context.request.get(f"{live_server}{pdf_url}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf"), response.headers
    assert f"court-{reference}.pdf" in response.headers.get("content-disposition", "")
    server_pdf = tmp_path / "server"
    server_pdf.mkdir()
    (screenshot_dir / f"{reference}-server.pdf").write_bytes(response.body())
    check_printout("the server's PDF", pdf_pages(response.body(), server_pdf), reference, starts_at)
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(court_url)

    # ------------------------------------------------------------ the outcome, submitted from two tabs
    second = page.context.new_page()
    browser_problems.watch(second)
    outcome_url = f"{live_server}/cases/{case_id}/court/outcome"
    for tab in (page, second):
        tab.goto(outcome_url)
        expect(tab.get_by_role("heading", name="Hearing outcome", level=1)).to_be_visible()
        fieldset(tab, "outcome").get_by_label("Order granted", exact=True).check()
        fieldset(tab, "contested").get_by_label("No", exact=True).check()
        tab.fill("#days", "14")
    # The conditions come pre-filled from those proposed in the application.
    conditions = fieldset(page, "conditions")
    for label in ("Not to molest", "Not to enter the premises", "Not to come within a stated distance"):
        expect(conditions.get_by_label(re.compile(rf"^{label}"))).to_be_checked()
    expect(page.locator("#distance_metres")).to_have_value("100")
    made_on = starts_at.astimezone(LONDON).date()
    expect(page.locator("#made_on")).to_have_value(made_on.isoformat())

    # The first tab records it; then the second, still showing the form, submits it again.
    # (One after the other: tabs of one browser share a session, and so its flash messages.)
    page.get_by_role("button", name="Record the outcome").click()
    expect(page).to_have_url(court_url)
    expect(success_banner(page, "Outcome recorded: order granted.")).to_be_visible()
    with second.expect_response(lambda r: r.request.method == "POST" and r.url == outcome_url) as resubmitted:
        second.get_by_role("button", name="Record the outcome").click()
    assert resubmitted.value.status in (200, 302, 303, 409), resubmitted.value.status
    # It is told, in words, that it was already done: no error page, no second order.
    expect(second.locator("main")).to_contain_text(
        re.compile(r"There is no hearing awaiting an outcome|The outcome of this hearing has already been recorded"))
    expect(success_banner(second, "Outcome recorded")).to_have_count(0)
    screenshot(second, "outcome-second-tab")
    after = case_facts(live_app, reference)
    assert (after["outcomes"], after["hearings"], after["orders"], after["outcome_audits"]) == (1, 1, 1, 1), after
    second.close()

    ends = order_end(made_on, 14)
    expect(page.get_by_role("heading", name="The order", exact=True)).to_be_visible()
    order = page.locator(".govuk-grid-column-one-third")
    expect(order).to_contain_text("made")
    expect(order).to_contain_text("for 14 days: in force.")
    expect(order).to_contain_text(f"In force until {format_instant(ends)}.")
    expect(order.get_by_text("Order granted", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Record the outcome")).to_have_count(0)
    screenshot(page, "court-order")

    # ------------------------------------------------------------ a breach, and the dashboard
    arrested_at = (london_now() - timedelta(minutes=10)).replace(second=0, microsecond=0)
    page.get_by_role("button", name="Record a breach").click()
    expect(page.get_by_role("heading", name="Record a breach", level=1)).to_be_visible()
    fill_date_time(page, "occurred_date", "occurred_time", arrested_at - timedelta(minutes=25))
    page.fill("#description", "Found in the garden of 2 Orchard Lane by officers on a welfare visit.")
    fieldset(page, "source").get_by_label("An officer's visit", exact=True).check()
    fieldset(page, "arrested").get_by_label("Yes", exact=True).check()
    fill_date_time(page, "arrested_date", "arrested_time", arrested_at)
    page.fill("#arresting_officer", "PC 6120 Marsh")
    page.get_by_role("button", name="Record the breach").click()
    expect(page).to_have_url(court_url)
    expect(success_banner(page, "Breach recorded. The 24-hour court clock is running.")).to_be_visible()
    expect(page.locator(".app-breach")).to_contain_text(f"Arrested {format_instant(arrested_at)}.")
    expect(page.get_by_text("1 recorded (1 of the order, 0 of the notice).")).to_be_visible()
    screenshot(page, "court-breach")

    breach_deadline = format_instant(breach_court_deadline(arrested_at, calendar=calendar))
    main_nav(page).get_by_role("link", name="Dashboard").click()
    rows = page.locator("#case-rows tr")
    ours = rows.filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(ours).to_contain_text(BREACH_CLOCK)
    expect(ours).to_contain_text(breach_deadline)
    # The demo's older arrest (Lee Carver, 3 hours ago) must be before the court sooner: it leads.
    expect(rows.nth(0)).to_contain_text(OLDER_BREACH)
    expect(rows.nth(0)).to_contain_text(BREACH_CLOCK)
    expect(rows.nth(1)).to_contain_text(PERPETRATOR)

    # The court deals with Lee Carver's breach: ours is now the most urgent case of all.
    open_served_case(page, OLDER_BREACH)
    open_court(page)
    page.get_by_role("link", name="Record the court's decision").click()
    # A DVPO breach: contempt, so the 1980 Act's sanctions are offered; a finding, not a remand.
    expect(page.get_by_label("Fine (£), if any")).to_be_visible()
    fieldset(page, "decision").get_by_label("Breach not proved", exact=True).check()
    fill_date_time(page, "appeared_date", "appeared_time", london_now() - timedelta(minutes=5))
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page, "The court's decision on the breach is recorded.")).to_be_visible()
    main_nav(page).get_by_role("link", name="Dashboard").click()
    first = page.locator("#case-rows tr").first
    expect(first.get_by_role("link", name=reference, exact=True)).to_be_visible()
    expect(first).to_contain_text(PERPETRATOR)
    expect(first).to_contain_text(BREACH_CLOCK)
    expect(first).to_contain_text(breach_deadline)
    expect(first.locator("[data-clock-status]")).to_have_attribute("data-clock-status", "green")
    screenshot(page, "dashboard-breach-first")


def check_printout(what: str, pages: list[str], reference: str, starts_at) -> None:
    assert pages, f"{what}: no pages"
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text)
    for number, page_text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page_text, f"{what}: page {number} lacks the protective marking"
    assert reference in flat, f"{what}: no case reference"
    assert COURT in flat, f"{what}: no court name"
    assert format_instant(starts_at) in flat, f"{what}: no hearing time {format_instant(starts_at)}"
    assert "balance of probabilities" in flat, f"{what}: no prompt sheet"
    assert PERPETRATOR in flat
    # The one required item still missing is the DASH form; nothing else is NOT PROVIDED.
    assert "1 required item of the bundle is NOT PROVIDED: DASH risk assessment form" in flat, what
    dash_lines = [line for line in text.splitlines() if "DASH risk assessment form" in line and "NOT PROVIDED" in line]
    assert dash_lines, f"{what}: the index does not mark the DASH form NOT PROVIDED"
    assert "PC Okafor statement.pdf" in flat, f"{what}: the statement is not in the index"
