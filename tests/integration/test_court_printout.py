"""The court presentation printout and the breach printout (app/web/presentation/court_printout.py and breach_printout.py,
templates/court/printout.html, breach_printout.html, _prompt_sheet.html).

Cases are built through the real services; the printouts are fetched through their routes.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from app import timeutil
from app.domain.bundle import ITEMS
from app.domain.calendar import LONDON
from app.domain.deadlines import breach_court_deadline
from app.domain.regimes import RegimeCode
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import BreachSource, HearingOutcome, Role
from app.services import breaches, court, court_bundle
from app.services.calendar import load_calendar
from app.services.clock_cache import hearing_deadline_for
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import utcnow
from app.uploads import UploadStore
from tests.integration.conftest import keep_session_alive, login
from tests.integration.factories import open_case, served_case
from tests.support import count_queries, pdf_pages

COURT = "Northfield Magistrates' Court"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(officer, case, key, name, tmp_path):
    stored = UploadStore(tmp_path / "uploads", 1_000_000).save(io.BytesIO(PDF), name)
    return court.add_document(officer, case, key, stored)


def _listed_case(officer, tmp_path, *, late: bool = False):
    """A served case, its hearing listed, the fee paid with a receipt and the officer's
    statement uploaded; everything else in the bundle still missing."""
    case = served_case(officer)
    calendar = load_calendar()
    deadline = hearing_deadline_for(case, calendar)
    starts_at = deadline + timedelta(hours=2) if late else deadline - timedelta(hours=3)
    court.list_hearing(officer, case, court_name=COURT, starts_at=starts_at,
                       late_reason="The court had no sitting that afternoon." if late else "", calendar=calendar)
    receipt = _document(officer, case, "fee_receipt", "receipt.pdf", tmp_path)
    court.record_fee(officer, case, pence=500_00, contested=False, reference="FEE-123", paid_on=utcnow().date(),
                     receipt=receipt)
    _document(officer, case, "officer_statement", "PC statement.pdf", tmp_path)
    return case


def _missing_required(case) -> list[str]:
    return [i.title for i in court_bundle.bundle(case) if i.required and not i.done]


def _index_row(html: str, title: str) -> str:
    """The bundle index's table row for the item `title` (its cells, tags stripped)."""
    contents = html.partition("Contents of the bundle")[2].partition('id="section-chronology"')[0]
    cell = re.escape(">" + title.replace("'", "&#39;") + "<")
    match = re.search(r"<tr[^>]*>((?:(?!</tr>).)*?" + cell + r".*?)</tr>", contents, re.S)
    assert match, title
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_printout_marks_every_missing_required_item_and_only_those(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    missing = _missing_required(case)
    assert "Officer statement(s)" not in missing and "Court fee paid" not in missing and "Hearing listed" not in missing
    assert "DASH risk assessment form" in missing and "Application sent to court" in missing

    response = client.get(f"/cases/{case.id}/court/printout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    for item in ITEMS:
        row = _index_row(html, item.title)
        if item.title in missing:
            assert "NOT PROVIDED" in row, row
        else:
            assert "NOT PROVIDED" not in row, row
        if not item.required:
            assert "Not supplied (optional)" in row, row
    assert "<strong>NOT PROVIDED</strong>" in html
    # Uploaded files by name, with who and when; the fee with its receipt.
    assert "PC statement.pdf" in _index_row(html, "Officer statement(s)")
    assert officer.display_name in _index_row(html, "Officer statement(s)")
    assert "receipt.pdf" in _index_row(html, "Court fee paid") and "£500.00" in _index_row(html, "Court fee paid")
    # No inline style or script (CSP), as for every printout.
    assert "<style" not in html and " style=" not in html


def test_cover_and_chronology(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    hearing = case.hearings[0]
    deadline = hearing_deadline_for(case, load_calendar())

    html = client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)
    cover, _, rest = html.partition('id="section-index"')
    assert "Application for a Domestic Violence Protection Order" in cover
    assert COURT.replace("'", "&#39;") in cover
    assert format_instant(hearing.starts_at) in cover
    assert case.reference in cover and "Adam Testperson" in cover and "Beth Testperson" in cover
    assert "Chief Constable of" in cover
    assert "is within the deadline" in cover
    chronology = rest.partition('id="section-chronology"')[2].partition('id="section-points"')[0]
    assert f"<strong>{format_instant(deadline)}</strong>" in chronology
    assert "Statutory deadline: the hearing must begin by this time" in chronology
    assert "served on Adam Testperson" in chronology and "authorised by" in chronology
    # The prompt sheet states the standard of proof and that consent is not needed.
    assert "balance of probabilities" in html and "not beyond reasonable doubt" in html
    assert "consent is not required" in html
    assert "Crime and Security Act 2010" in html and "s.28(10)" in html


def test_late_listing_is_flagged_with_its_reason(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path, late=True)
    html = client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)
    assert "is after the deadline" in html
    assert "The court had no sitting that afternoon." in html


def test_unlisted_hearing_prints_not_provided_on_the_cover(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer)
    html = client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)
    cover = html.partition('id="section-index"')[0]
    assert re.search(r"Hearing</dt>\s*<dd[^>]*><strong>NOT PROVIDED</strong> \(not yet listed\)", cover)


def test_pdf_marking_reference_and_index_page_numbers(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    response = client.get(f"/cases/{case.id}/court/printout.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.get_data(), tmp_path)

    assert len(pages) >= 6
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") == 2, page
        assert case.reference in page, page
    assert "NOT PROVIDED" in "".join(pages)
    _assert_index_matches(pages)


def _assert_index_matches(pages: list[str]) -> None:
    """Each section's page in the index is the page its numbered heading is printed on."""
    index = next(i for i, p in enumerate(pages) if "2. Index of the bundle" in p)
    sections_table = pages[index].partition("Contents of the bundle")[0]
    listed = re.findall(r"^\s*(\d)\s+(.+?)\s{2,}(?:from )?(\d+)(?:–\d+)?\s*$", sections_table, re.M)
    assert [n for n, *_ in listed] == ["1", "2", "3", "4", "5", "6"], pages[index]
    for number, title, page in listed:
        heading = "Application for a" if number == "1" else f"{number}. {title.strip()}"
        first = next(i for i, p in enumerate(pages, start=1) if heading in p)
        assert first == int(page), (heading, first, page)


def test_index_page_numbers_hold_for_a_long_case(client, login_as, tmp_path):
    """Many documents, breaches and hearings push the index and chronology over several
    pages: the page numbers still match."""
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    for n in range(14):
        key = ("officer_statement", "dash_form", "victim_statement", "history", "map", "other_evidence")[n % 6]
        _document(officer, case, key, f"evidence-{n:02d}-" + "long-file-name-" * 6 + ".pdf", tmp_path)
    calendar = load_calendar()
    for n in range(12):
        breaches.record_breach(
            officer, case, occurred_at=utcnow() - timedelta(minutes=50 - n), description="Came to the house. " * 12,
            source=BreachSource.VICTIM, arrested_at=utcnow() - timedelta(minutes=40 - n), arresting_officer="PC Jones",
            calendar=calendar,
        )
    pages = pdf_pages(client.get(f"/cases/{case.id}/court/printout.pdf").get_data(), tmp_path)
    assert sum("2. Index of the bundle" in p for p in pages) >= 2  # the index ran over
    _assert_index_matches(pages)


def test_court_context_uses_a_constant_number_of_queries(client, login_as, make_user, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    small = _listed_case(officer, tmp_path)
    big = _listed_case(officer, tmp_path)
    calendar = load_calendar()
    for n in range(3):  # more documents and breaches, by other officers
        other = make_user(Role.OFFICER)
        _document(other, big, "other_evidence", f"photo-{n}.pdf", tmp_path)
        breaches.record_breach(other, big, occurred_at=utcnow() - timedelta(minutes=30 - n), description="Texted her.",
                               source=BreachSource.VICTIM, arrested_at=None, arresting_officer="", calendar=calendar)
        court.tick(other, big, ("chronology", "prompt_sheet", "notice")[n], True)
    db.session.expire_all()
    assert count_queries(client, f"/cases/{small.id}/court/printout") == count_queries(client, f"/cases/{big.id}/court/printout")


def _breach(officer, case, *, arrested: bool = True):
    arrested_at = utcnow() - timedelta(minutes=20) if arrested else None
    return breaches.record_breach(
        officer, case, occurred_at=utcnow() - timedelta(minutes=40), description="Came to the house and shouted at her.",
        source=BreachSource.VICTIM, arrested_at=arrested_at, arresting_officer="PC 123 Jones" if arrested else "",
        calendar=load_calendar(),
    )


def test_breach_printout_shows_the_24_hour_deadline_and_missing_statement(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    breach = _breach(officer, case)
    due = breach_court_deadline(breach.arrested_at, calendar=load_calendar())

    response = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<strong>{format_instant(due)}</strong>" in html
    assert "PC 123 Jones" in html and "Came to the house and shouted at her." in html
    assert "Breach of a Domestic Violence Protection Notice" in html
    assert "You must not molest Beth Testperson." in html
    assert re.search(r"Arresting officer's statement</h2>\s*<p[^>]*><strong>NOT PROVIDED</strong>", html)
    assert 'class="print-signature"' in html
    assert "<style" not in html and " style=" not in html

    pdf = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout.pdf")
    assert pdf.status_code == 200
    pages = pdf_pages(pdf.get_data(), tmp_path)
    assert all(p.count("OFFICIAL-SENSITIVE") == 2 and case.reference in p for p in pages)
    assert format_instant(due) in "".join(pages)


def test_breach_printout_lists_the_breach_evidence(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    breach = _breach(officer, case)
    doc = _document(officer, case, "breach_statement", "arrest statement.pdf", tmp_path)
    doc.breach_id = breach.id  # no service attaches a document to a breach yet
    db.session.commit()

    html = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "arrest statement.pdf" in html
    assert "NOT PROVIDED" not in html


@pytest.mark.parametrize("path", ["court/printout", "court/printout.pdf", "breaches/{breach}/printout",
                                  "breaches/{breach}/printout.pdf"])
def test_who_may_print(client, make_user, path):
    owner = make_user(Role.OFFICER, area="North")
    case = served_case(owner, area="North")
    breach = _breach(owner, case)
    url = f"/cases/{case.id}/" + path.format(breach=breach.id)

    caseworker_client = client.application.test_client()
    assert login(caseworker_client, make_user(Role.CASEWORKER)).status_code == 302
    assert caseworker_client.get(url).status_code == 403

    other_area = client.application.test_client()
    assert login(other_area, make_user(Role.OFFICER, area="South")).status_code == 302
    assert other_area.get(url).status_code == 404


def test_breach_of_an_order_prints_the_order_and_the_sanction(client, login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    case = _listed_case(officer, tmp_path)
    hearing = case.hearings[0]
    timeutil.set_frozen(hearing.starts_at + timedelta(hours=1))  # the order is made at the hearing
    keep_session_alive(client, utcnow())
    court.record_outcome(officer, case, hearing, outcome=HearingOutcome.GRANTED, contested=False, notes="",
                         days=28, made_on=hearing.starts_at.astimezone(LONDON).date(), conditions=[{"kind": "no_molest"}, {"kind": "no_enter"}],
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    breach = _breach(officer, case)
    assert breach.order_id == case.order.id

    html = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "Breach of a Domestic Violence Protection Order" in html
    assert format_instant(case.order.ends_at) in html and "for 28 days" in html
    assert "You must not enter 1 Test Street, Testtown, TE1 1ST." in html
    assert "civil contempt" in html and "£5,000" in html


def test_dapn_case_prints_the_dapo_law(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, regime=RegimeCode.DAPN)
    html = client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)
    assert "Application for a Domestic Abuse Protection Order" in html
    assert "Domestic Abuse Act 2021" in html
    assert "no fixed minimum or maximum" in html and "criminal offence" in html
    assert "balance of probabilities" in html and "s.32" in html


def test_a_case_not_yet_served_prints_what_is_missing(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = open_case(officer)
    response = client.get(f"/cases/{case.id}/court/printout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>NOT PROVIDED</strong> (not served)" in html
    assert "no application for the DVPN has been authorised" in html


def test_a_dapo_prompt_sheet_states_requirements_monitoring_and_notification_on_one_page(client, login_as, tmp_path):
    """DAA 2021 s.35(1)-(2), s.36, s.37(2)-(4), s.41: what a bench deciding a DAPO must know,
    still on the one page handed up."""
    from tests.support import pdf_pages

    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, regime=RegimeCode.DAPN)
    pages = pdf_pages(client.get(f"/cases/{case.id}/court/printout.pdf").data, tmp_path)
    [sheet] = [" ".join(p.split()) for p in pages if "Prompt sheet for the bench: DAPNs" in p and "The test" in p]
    for words in ("Any requirement the court considers necessary", "Electronic monitoring", "respondent present",
                  "notify the police", "within three days", "criminal offence"):
        assert words in sheet, words
