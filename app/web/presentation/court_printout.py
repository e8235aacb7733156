"""What the court presentation printout says (the breach printout is breach_printout's job).

`court_context` gives templates/court/printout.html everything it prints. It reads only
the relationships on the case it is given (and one query for the people named in it), so
the number of queries does not grow with the case.

Page numbers. The printout's index gives the page each section starts on, and neither
browsers nor the print stylesheet can fill that in for us (CSS target-counter() is
WeasyPrint-only, and a printout may carry no inline style). So every section starts on a
new page and its length in pages is fixed here, before rendering:

  - the cover, the points to make and the prompt sheet are one page each, by design:
    their text is bounded (long free text is shortened, with a pointer to the full text);
  - the index and the chronology are tables cut into page-sized chunks by a conservative
    estimate of each row's height (`paginate`), each chunk printed on its own page;
  - the application, the only section whose length is the officer's free text, comes
    last, so it never moves a page number; the index lists it "from page N".

The research behind the contents: see printout_common.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.bundle import ItemKind
from app.domain.calendar import Calendar
from app.domain.regimes import regime
from app.domain.timefmt import format_date, format_instant
from app.services.clock_cache import hearing_deadline_for
from app.services.court import pending_hearing
from app.services.court_bundle import ItemStatus, bundle, preload_people
from app.web.presentation.application_summary import summarise
from app.web.presentation.court_chronology import chronology_entries, chronology_mm
from app.web.presentation.court_points import points_to_make
from app.web.presentation.dapo_papers import dapo_papers
from app.web.presentation.order_records import hearing_notice_line
from app.web.presentation.printout_common import (
    LAW,
    NOT_PROVIDED,
    DocumentLine,
    authorised_application,
    breakable,
    conditions_in_words,
    excerpt,
    named_victim,
    pounds,
)
from app.web.presentation.printout_pages import (
    CHRONOLOGY_FIRST_PAGE_USED_MM,
    CONTINUED_PAGE_USED_MM,
    INDEX_FIRST_PAGE_USED_MM,
    INDEX_STATUS_CHARS,
    INDEX_TITLE_CHARS,
    PAGE_MM,
    paginate,
    row_mm,
    text_lines,
)

# Free text quoted on the cover is cut to this many characters.
_COVER_CHARS = 90


@dataclass(frozen=True)
class PrintSection:
    """A section of the court printout, as the index lists it."""

    key: str
    number: int
    title: str
    first_page: int
    pages: int  # 0: runs to the end of the printout (the application)

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"

    @property
    def page_label(self) -> str:
        if self.pages == 0:
            return f"from {self.first_page}"
        if self.pages == 1:
            return str(self.first_page)
        return f"{self.first_page}–{self.first_page + self.pages - 1}"


@dataclass(frozen=True)
class BundleLine:
    """One bundle item in the index: what it is, whether it is here, and where."""

    number: int
    title: str
    required: bool
    done: bool
    missing: bool  # required and not done: printed NOT PROVIDED
    status: str  # what is known, in words ("" when missing or optional and absent)
    documents: tuple[DocumentLine, ...]
    page: str  # where in this printout: "4", "from 7"; "" for what is not in it
    where: str  # a note under the title: "separate printout"


# ------------------------------------------------------------------ the bundle index

def _page(item: ItemStatus, pages: dict[str, PrintSection]) -> str:
    """The page of this printout that holds a generated item ("4", "from 7"), else ""."""
    section = {"complaint": "application", "conditions": "application", "chronology": "chronology",
               "prompt_sheet": "prompt"}.get(item.key)
    if section is None:
        return ""
    return f"from {pages[section].first_page}" if pages[section].pages == 0 else pages[section].page_label


def _bundle_status(item: ItemStatus, case) -> str:
    sub = case.submission
    if item.kind is ItemKind.GENERATED:
        if item.done:
            return f"Checked by {item.by.display_name}, {format_instant(item.at)}"
        return "not yet checked by the officer" if item.required else ""
    if item.kind is ItemKind.FEE and item.done:
        kind = "contested" if sub.fee_contested else "uncontested"
        paid_on = f", paid {format_date(sub.fee_paid_on)}" if sub.fee_paid_on else ""
        receipt = f"; receipt {sub.fee_receipt.original_name}" if sub.fee_receipt else ""
        return f"{pounds(sub.fee_pence)} ({kind}), reference {sub.fee_reference}{paid_on}{receipt}"
    if item.kind is ItemKind.SENT and item.done:
        return f"To {sub.court_name}, {format_instant(sub.sent_at)}" + (f", by {sub.sent_how}" if sub.sent_how else "")
    if item.kind is ItemKind.LISTED and item.done:
        first = case.hearings[0]
        return f"{first.court_name}, {format_instant(first.starts_at)}"
    return ""


def _bundle_lines(items: list[ItemStatus], case, pages: dict[str, PrintSection]) -> list[BundleLine]:
    lines = []
    for number, item in enumerate(items, start=1):
        documents = tuple(
            DocumentLine(breakable(d.original_name), d.uploaded_by.display_name if d.uploaded_by else "", d.uploaded_at)
            for d in item.documents
        )
        lines.append(BundleLine(
            number=number, title=item.title, required=item.required, done=item.done,
            missing=item.required and not item.done,
            status=breakable(_bundle_status(item, case)) if item.done or item.kind is ItemKind.GENERATED else "",
            documents=documents, page=_page(item, pages),
            where="separate printout" if item.key == "notice" else "",
        ))
    return lines


def _bundle_line_mm(line: BundleLine) -> float:
    if line.missing:
        status = f"{NOT_PROVIDED}: {line.status}"
    else:
        status = line.status if line.done else "Not supplied (optional)"
    status_lines = text_lines(status, INDEX_STATUS_CHARS) if status else 0
    for doc in line.documents:
        status_lines += text_lines(f"{doc.name} – {doc.by}, Wed 16 Sep 2026, 10:00", INDEX_STATUS_CHARS)
    title_lines = text_lines(line.title, INDEX_TITLE_CHARS) + (1 if line.where else 0)
    return row_mm(max(status_lines, title_lines))


# --------------------------------------------------------------------- the contexts

def court_context(case, calendar: Calendar) -> dict:
    """Everything templates/court/printout.html prints, from the case's own relationships."""
    the_regime = regime(case.regime)
    law = LAW[the_regime.code]
    application = authorised_application(case)
    decision = application.decision if application is not None else None
    people = preload_people(case, decision.decided_by_id if decision is not None else None)
    data = application.section_data if application is not None else {}
    victim = named_victim(case, data)
    victim_name = victim.full_name if victim else "the person protected"
    premises = ", ".join(case.address_lines)
    conditions = conditions_in_words(None, data["prohibitions"], victim_name, premises, the_regime.mandatory_prohibition,
                                     the_regime.distance_wording) \
        if "prohibitions" in data else []
    deadline = hearing_deadline_for(case, calendar) if case.served_at else None
    hearing_hours = case.hearing_window
    hearing = pending_hearing(case) or (case.hearings[-1] if case.hearings else None)
    first_hearing = case.hearings[0] if case.hearings else None
    within_deadline = first_hearing.starts_at <= deadline if first_hearing and deadline else None

    chronology = chronology_entries(case, application, decision, deadline, hearing_hours, calendar, the_regime)
    items = bundle(case)

    # Pages: cover 1, index (chunked), chronology (chunked), points 1, prompt sheet 1, application.
    # The index's row heights do not depend on page numbers ("Page 3–4" is as tall as "Page 3").
    provisional = {k: PrintSection(k, 0, "", 1, 1) for k in ("application", "chronology", "prompt")}
    index_heights = [_bundle_line_mm(line) for line in _bundle_lines(items, case, provisional)]
    index_chunks = paginate(index_heights, PAGE_MM - INDEX_FIRST_PAGE_USED_MM, PAGE_MM - CONTINUED_PAGE_USED_MM)
    chronology_chunks = paginate([chronology_mm(e) for e in chronology], PAGE_MM - CHRONOLOGY_FIRST_PAGE_USED_MM,
                                  PAGE_MM - CONTINUED_PAGE_USED_MM)
    layout = [
        ("cover", "Cover sheet", 1),
        ("index", "Index of the bundle", len(index_chunks)),
        ("chronology", "Chronology", len(chronology_chunks)),
        ("points", "Points to make", 1),
        ("prompt", f"Prompt sheet for the bench: {the_regime.notice}s and {the_regime.order}s", 1),
        ("application", "The application and proposed conditions", 0),
    ]
    sections, page = [], 1
    for number, (key, title, pages) in enumerate(layout, start=1):
        sections.append(PrintSection(key, number, title, page, pages))
        page += pages
    by_key = {s.key: s for s in sections}
    bundle_lines = _bundle_lines(items, case, by_key)

    summary = [s for s in summarise(case, application) if s.key not in ("prohibitions", "phone")] if application else []
    return {
        "case": case,
        "regime": the_regime,
        "law": law,
        "application": application,
        "decision": decision,
        "perpetrator": case.perpetrator,
        "victim": victim,
        "victim_name": victim_name,
        "premises": premises,
        "hearing": hearing,
        "first_hearing": first_hearing,
        "court_name": hearing.court_name if hearing else (case.submission.court_name if case.submission else None),
        "deadline": deadline,
        "hearing_hours": hearing_hours,
        "within_deadline": within_deadline,
        "late_reason": excerpt(first_hearing.late_reason, _COVER_CHARS) if first_hearing and first_hearing.late_reason else "",
        "sections": sections,
        "section": by_key,
        "bundle_pages": [[bundle_lines[i] for i in chunk] for chunk in index_chunks],
        "missing_required": [line for line in bundle_lines if line.missing],
        "chronology_pages": [[chronology[i] for i in chunk] for chunk in chronology_chunks],
        "points": points_to_make(case, data, victim_name, conditions, the_regime, law),
        "conditions": conditions,
        "removal_sought": any(c.removes_from_home for c in conditions),
        "summary": summary,
        "not_provided": NOT_PROVIDED,
        "people_named": people,  # keeps them in the identity map while the page renders
        "hearing_notice": hearing_notice_line(case) if case.served_at else None,
        "dapo_papers": dapo_papers(case),
    }

