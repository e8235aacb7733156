"""Steps the browser tests share: logging in, opening a case, filling the nine sections of
the DVPN application, saving a section with htmx, and moving through a form by keyboard.

Every person named here is fictional.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from playwright.sync_api import Page, expect

from app.domain.application import SECTIONS
from app.domain.calendar import LONDON
from app.timeutil import utcnow

REFERENCE_RE = re.compile(r"^[A-Z]+-\d{4}-\d{5}$")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
TITLES = {s.key: s.title for s in SECTIONS}


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str
    landing: re.Pattern  # where logging in takes them
    heading: str  # the heading they land on


OFFICER = Account("officer@demo.police.uk", "officer-demo-2026", "Sam Okafor", re.compile(r"/dashboard$"), "Live cases")
SUPERINTENDENT = Account(
    "superintendent@demo.police.uk", "superintendent-demo-2026", "Helen Marsh",
    re.compile(r"/authorisations$"), "Applications awaiting a decision",
)


@dataclass(frozen=True)
class Story:
    """The facts of one fictional case, as an officer would type them."""

    perpetrator: str
    victim: str
    incident_at: datetime
    perpetrator_dob: date = date(1990, 3, 14)
    address: tuple[str, str, str] = ("12 Nowhere Row", "Testbury", "TB1 2AA")

    @property
    def premises(self) -> str:
        return ", ".join(self.address)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def london_now() -> datetime:
    """Now on the live app's clock (the test and the server share it), in London."""
    return utcnow().astimezone(LONDON)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


# ------------------------------------------------------------------ logging in, cases


def log_in(page: Page, base_url: str, account: Account = OFFICER) -> None:
    page.goto(f"{base_url}/login")  # the one page with no link to it before logging in
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(account.landing)
    expect(page.get_by_role("heading", name=account.heading, level=1)).to_be_visible()


def open_new_case_form(page: Page) -> None:
    main_nav(page).get_by_role("link", name="New case").click()
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    expect(page.get_by_role("heading", name="New case", level=1)).to_be_visible()


def fill_new_case(page: Page, story: Story, *, perpetrator_dob: date | None = None) -> None:
    page.fill("#perpetrator_name", story.perpetrator)
    page.fill("#perpetrator_dob", (perpetrator_dob or story.perpetrator_dob).isoformat())
    page.fill("#victims-0-full_name", story.victim)
    page.select_option("#victims-0-relationship", "former_spouse")
    line_1, town, postcode = story.address
    page.fill("#address_line_1", line_1)
    page.fill("#town", town)
    page.fill("#postcode", postcode)
    local = story.incident_at.astimezone(LONDON)
    page.fill("#incident_date", local.strftime("%Y-%m-%d"))
    page.fill("#incident_time", local.strftime("%H:%M"))
    page.get_by_label("High", exact=True).check()
    page.select_option("#area", "North")


def open_case(page: Page, story: Story) -> str:
    """From any page: New case, fill it in, open it. Returns the case reference."""
    open_new_case_form(page)
    fill_new_case(page, story)
    page.get_by_role("button", name="Open case").click()
    caption = page.locator(".govuk-caption-l")
    expect(caption).to_have_text(REFERENCE_RE)
    reference = caption.inner_text().strip()
    expect(page.get_by_role("heading", level=1)).to_contain_text(story.perpetrator)
    expect(page.locator(".app-heading-tag")).to_have_text("Draft")
    return reference


def start_application(page: Page) -> None:
    """On a draft case's page: "Prepare the application" opens the task list."""
    page.get_by_role("button", name="Prepare the application").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application$"))
    expect(page.get_by_role("heading", name="Application for a Domestic Violence Protection Notice")).to_be_visible()


def open_section(page: Page, key: str) -> None:
    """On the task list: follow the section's link."""
    page.get_by_role("link", name=TITLES[key], exact=True).click()
    expect(page).to_have_url(re.compile(rf"/application/{key}$"))
    expect(page.get_by_role("heading", name=TITLES[key], level=1)).to_be_visible()


def sections_complete(page: Page, done: int) -> None:
    expect(page.get_by_text(f"{done} of 9 sections complete", exact=False).first).to_be_visible()


# ------------------------------------------------------------------ the nine sections


def fieldset(page: Page, field_id: str):
    return page.locator(f"fieldset#{field_id}")


def fill_grounds(page: Page, story: Story) -> None:
    fieldset(page, "conduct").get_by_label("Violence", exact=True).check()
    page.select_option("#victim_id", label=story.victim)
    local = story.incident_at.astimezone(LONDON)
    page.fill("#occurred_date", local.strftime("%Y-%m-%d"))
    page.fill("#occurred_time", local.strftime("%H:%M"))
    page.fill("#description", f"Pushed {story.victim} into a door frame and punched her in the face.")
    fieldset(page, "evidence").get_by_label("Body-worn video").check()
    fieldset(page, "evidence").get_by_label("Injuries (photographs or medical notes)").check()


def fill_necessity(page: Page, story: Story) -> None:  # noqa: ARG001
    page.fill("#why_necessary", "Third call-out this month; the violence is escalating and she fears he will return tonight.")
    page.fill("#why_not_other_means", "No charge is possible tonight, so there are no bail conditions to protect her.")


def fill_dash(page: Page, story: Story) -> None:  # noqa: ARG001
    page.fill("#score", "16")
    fieldset(page, "risk_level").get_by_label("High", exact=True).check()


def fill_victim_opinion(page: Page, story: Story) -> None:  # noqa: ARG001
    fieldset(page, "view").get_by_label("Supports the notice").check()
    page.fill("#steps", "Spoke to her at the scene at 22:40, in the kitchen, away from him.")


def fill_representations(page: Page, story: Story) -> None:  # noqa: ARG001
    page.fill("#representations", "Says she started it and he only defended himself.")
    page.fill("#steps", "Asked at the scene after caution, in the presence of a second officer.")


def fill_children(page: Page, story: Story) -> None:  # noqa: ARG001
    fieldset(page, "any_relevant").get_by_label("No", exact=True).check()


def fill_other_occupants(page: Page, story: Story) -> None:  # noqa: ARG001
    fieldset(page, "shared_premises").get_by_label("Yes", exact=True).check()
    fieldset(page, "other_person").get_by_label("No", exact=True).check()


def fill_prohibitions(page: Page, story: Story) -> None:  # noqa: ARG001
    kinds = fieldset(page, "kinds")
    kinds.get_by_label("Not to enter the premises", exact=True).check()
    kinds.get_by_label("Not to come within a stated distance of the premises", exact=True).check()
    page.fill("#justify_no_enter", "The assaults happened at the home, where she lives.")
    page.fill("#justify_no_come_within", "He has waited outside the house before.")
    page.fill("#distance_metres", "100")


def fill_phone(page: Page, story: Story) -> None:  # noqa: ARG001
    fieldset(page, "has_mobile").get_by_label("Yes", exact=True).check()
    page.fill("#mobile", "07123 456789")


FILLERS: dict[str, Callable[[Page, Story], None]] = {
    "grounds": fill_grounds,
    "necessity": fill_necessity,
    "dash": fill_dash,
    "victim_opinion": fill_victim_opinion,
    "representations": fill_representations,
    "children": fill_children,
    "other_occupants": fill_other_occupants,
    "prohibitions": fill_prohibitions,
    "phone": fill_phone,
}
assert list(FILLERS) == [s.key for s in SECTIONS], "one filler per section, in task-list order"

# The prohibitions fill_prohibitions chooses, as the notice words them.
def prohibition_wording(story: Story) -> list[str]:
    return [
        f"You must not molest {story.victim}.",
        f"You must not enter {story.premises}.",
        f"You must not come within 100 metres of {story.premises}.",
    ]


# ------------------------------------------------------------------ htmx saves

_MARKER = "window.__dvpoSamePage"


def mark_page(page: Page) -> None:
    """Set a marker that only survives if the page is not reloaded or navigated."""
    page.evaluate(f"{_MARKER} = 'kept'")


def assert_same_page(page: Page, url: str) -> None:
    expect(page).to_have_url(url)
    assert page.evaluate(f"{_MARKER}") == "kept", "the page was reloaded: the section was not saved with htmx"


def submit_section(page: Page):
    """Press "Save this section" and wait for the htmx POST; returns its response. The page
    must not navigate: the URL stays and a marker set on window before the save survives."""
    url = page.url
    mark_page(page)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as posted:
        page.get_by_role("button", name="Save this section").click()
    response = posted.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true", "the section must be posted by htmx"
    assert response.request.headers.get("x-csrftoken"), "htmx must send the CSRF token"
    assert_same_page(page, url)
    return response


def save_section(page: Page, key: str) -> None:
    """Save the section shown and check it came back saved and complete, in place."""
    submit_section(page)
    banner = page.locator("#section-form .govuk-notification-banner--success")
    expect(banner).to_contain_text(f"{TITLES[key]}: saved and complete.")
    expect(page.locator("#section-form .govuk-error-summary")).to_have_count(0)
    assert_same_page(page, page.url)


def complete_application(page: Page, story: Story, *, after_save: Callable[[Page, str], None] | None = None) -> None:
    """From the task list with nothing done: complete all nine sections, in order, moving on
    with the banner's "Next section" link (and once back through the task list), and end on
    the task list showing 9 of 9."""
    keys = [s.key for s in SECTIONS]
    sections_complete(page, 0)
    open_section(page, keys[0])
    for index, key in enumerate(keys):
        FILLERS[key](page, story)
        save_section(page, key)
        if after_save:
            after_save(page, key)
        banner = page.locator("#section-form .govuk-notification-banner--success")
        expect(banner).to_contain_text(f"({index + 1} of 9 sections complete)")
        if index + 1 == len(keys):
            expect(banner.get_by_role("link", name="Next section")).to_have_count(0)
            banner.get_by_role("link", name="back to the application").click()
        elif index == 3:
            # Halfway, the officer goes back to the task list and carries on from there.
            banner.get_by_role("link", name="back to the application").click()
            sections_complete(page, index + 1)
            expect(page.locator(f"#status-{key}")).to_have_text("Completed")
            expect(page.locator(f"#status-{keys[index + 1]}")).to_contain_text("Incomplete")
            open_section(page, keys[index + 1])
        else:
            banner.get_by_role("link", name="Next section").click()
            expect(page).to_have_url(re.compile(rf"/application/{keys[index + 1]}$"))
            expect(page.get_by_role("heading", name=TITLES[keys[index + 1]], level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application$"))
    sections_complete(page, 9)


def submit_for_authorisation(page: Page) -> None:
    """From a complete task list: check the answers and submit."""
    page.get_by_role("button", name="Check and submit for authorisation").click()
    expect(page.get_by_role("heading", name="Check the application before you submit it")).to_be_visible()
    page.get_by_role("button", name="Submit for authorisation").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application$"))
    expect(page.get_by_text("Application submitted. An authorising officer will decide it.")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("awaiting a decision by a superintendent")


# ------------------------------------------------------------------ keyboard


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
                           type: e.getAttribute('type'), checked: !!e.checked, text: (e.innerText || '').trim()}; }"""
    )


def tab_to(page: Page, matches: Callable[[dict], bool], *, limit: int = 120, describe: str = "") -> dict:
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached {describe or 'the element'} in {limit} presses")


def page_width_fits(page: Page, width: int) -> None:
    """No horizontal scrolling: the document is no wider than the screen."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > width + 0.5)
                 .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                                   + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
        raise AssertionError(f"{page.url}: scrollWidth {scroll_width} > {width}; too wide: {wide}")


# ------------------------------------------------------------------ court

def small_pdf(text: str) -> bytes:
    """A real one-page PDF (A4, Helvetica) saying `text`: what a scanned statement would be,
    small enough to build here. pdftotext reads it back."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 14 Tf 72 770 Td ({safe}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def fill_date_time(page: Page, date_id: str, time_id: str, when: datetime) -> None:
    """Type a London date and time into a date_time pair (minutes only)."""
    local = when.astimezone(LONDON)
    page.fill(f"#{date_id}", local.strftime("%Y-%m-%d"))
    page.fill(f"#{time_id}", local.strftime("%H:%M"))


def open_served_case(page: Page, perpetrator: str) -> str:
    """From the dashboard: open the case of `perpetrator`. Returns its reference."""
    row = page.locator("#case-rows tr", has_text=perpetrator)
    expect(row).to_have_count(1)
    link = row.get_by_role("link", name=REFERENCE_RE)
    reference = link.inner_text().strip()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(perpetrator)
    return reference


def open_court(page: Page) -> None:
    """On a served case's page: its court page."""
    page.get_by_role("link", name="Court bundle, hearing, order and breaches").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/court$"))
    expect(page.get_by_role("heading", name="Court", level=1)).to_be_visible()


def bundle_item(page: Page, key: str):
    return page.locator(f"#item-{key}")


def success_banner(page: Page, text: str):
    """The green flash banner saying `text` (a page may show more than one banner)."""
    return page.locator(".govuk-notification-banner--success", has_text=text)


def important_banner(page: Page, text: str):
    """The blue "Important" flash banner (an error told after a redirect) saying `text`."""
    return page.locator(".govuk-notification-banner:not(.govuk-notification-banner--success)", has_text=text)
