"""What the court printouts say: the presentation bundle and the breach bundle.

`court_context` gives templates/court/printout.html everything it prints; `breach_context`
does the same for templates/court/breach_printout.html. Both read only the relationships
on the case they are given (and one query for the people named in it), so the number of
queries does not grow with the case.

Page numbers. The printout's index gives the page each section starts on, and neither
browsers nor the print stylesheet can fill that in for us (CSS target-counter() is
WeasyPrint-only, and a printout may carry no inline style). So every section starts on a
new page and its length in pages is fixed here, before rendering:

  - the cover, the points to make and the prompt sheet are one page each, by design:
    their text is bounded (long free text is shortened, with a pointer to the full text);
  - the index and the chronology are tables cut into page-sized chunks by a conservative
    estimate of each row's height (`_paginate`), each chunk printed on its own page;
  - the application, the only section whose length is the officer's free text, comes
    last, so it never moves a page number; the index lists it "from page N".

The research behind the contents: Victim Support, "Domestic Violence Protection Orders:
London DVPO Caseworker Project" (2019) - officers find presenting DVPO cases hard, bundles
are assembled by hand, and magistrates ask for a one-page prompt sheet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain import deadlines
from app.domain.application import Evidence, VictimView
from app.domain.bundle import ItemKind
from app.domain.calendar import Calendar
from app.domain.prohibitions import LABELS, Prohibition, ProhibitionKind, prohibitions_from_data
from app.domain.regimes import Conduct, RegimeCode, regime
from app.domain.risk import RiskLevel
from app.domain.timefmt import format_date, format_instant
from app.models import ApplicationStatus, HearingOutcome, OrderStatus
from app.services.court import ItemStatus, bundle, pending_hearing, preload_people, statutory_hearing_deadline
from app.web.authorisation.summary import summarise

NOT_PROVIDED = "NOT PROVIDED"

# Conditions that take P out of the home (research: courts often leave them out).
REMOVAL_KINDS = frozenset({ProhibitionKind.NO_ENTER, ProhibitionKind.LEAVE, ProhibitionKind.NO_COME_WITHIN})

# The statute, per regime, for the prompt sheet and the points to make.
# CSA 2010: s.24 notice, s.25 service, s.26 breach of a notice, s.27 application (48 hours),
# s.28 the order (s.28(2)-(3) the test, s.28(5) consent, s.28(10) 14-28 days), s.29 breach
# of an order; Magistrates' Courts Act 1980 s.63(3) the penalty for civil contempt.
# DAA 2021: s.22 notice, s.26 breach of a notice, s.27-28 the order on application, s.29
# application after a notice (48 hours), s.32 conditions for making an order, s.39 breach
# of an order is an offence.
LAW = {
    RegimeCode.DVPN: {
        "notice": "s.24", "service": "s.25", "notice_breach": "s.26", "application": "s.27",
        "order": "s.28", "test": "s.28(2)-(3)", "consent": "s.28(5)", "length": "s.28(10)",
        "order_breach": "s.29",
    },
    RegimeCode.DAPN: {
        "notice": "s.22", "service": "s.25", "notice_breach": "s.26", "application": "s.29",
        "order": "ss.27-28", "test": "s.32", "consent": "", "length": "", "order_breach": "s.39",
    },
}

# Page estimates (see the module docstring). A4 less the @page margins (18 + 20 mm) and
# the room print.css keeps for the running header and footer (11 + 10 mm) leaves 238 mm
# of content per page; the estimates keep 8 mm spare, and count every row a little taller
# and every column a little narrower than WeasyPrint 70 prints them (measured: a 10pt
# table line is 4.6 mm, a row's padding and border 3.1 mm; the index's item column holds
# about 37 characters a line, its status column 52, the chronology's text column 80),
# so a chunk fits on its page in Chromium's print too.
_PAGE_MM = 230.0
_TABLE_LINE_MM = 4.7
_ROW_PADDING_MM = 3.6
_INDEX_FIRST_PAGE_USED_MM = 100.0  # heading, the section list, the bundle table's caption and head (99 mm)
_CHRONOLOGY_FIRST_PAGE_USED_MM = 45.0  # heading, lead paragraph, table head (35 mm)
_CONTINUED_PAGE_USED_MM = 35.0  # "(continued)" heading(s) and the table head (30 mm)
_INDEX_TITLE_CHARS = 34
_INDEX_STATUS_CHARS = 46
_CHRONOLOGY_WHAT_CHARS = 70

# Free text quoted on the one-page sections is cut to this many characters.
_POINT_CHARS = 220
_CHRONOLOGY_CHARS = 160
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
class DocumentLine:
    name: str
    by: str
    at: datetime | None


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


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime | None
    on: date | None  # shown instead of `at` for facts recorded as a date
    text: str
    important: bool = False
    sort_at: datetime | None = None


@dataclass(frozen=True)
class Condition:
    kind: ProhibitionKind
    label: str
    distance_metres: int | None
    wording: str
    justification: str
    removes_from_home: bool


@dataclass(frozen=True)
class Point:
    heading: str
    text: str
    flag: bool = False  # printed in bold: something the bench must hear
    lines: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------- helpers

_LONG_RUN = re.compile(r"[^\s\u200b]{30}(?=[^\s\u200b])")


def breakable(text: str) -> str:
    """`text` with a zero-width space after every 30 characters without a space, so a long
    file name or URL wraps in a table cell instead of widening the table off the page."""
    return _LONG_RUN.sub(lambda m: m.group(0) + "\u200b", text)


def excerpt(text: str | None, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters with "…"."""
    flat = " ".join((text or "").split())
    if len(flat) > limit:
        head = flat[: limit - 1]
        flat = (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(",;:.- ") + "…"
    return breakable(flat)


def _lines(text: str, chars_per_line: int) -> int:
    """How many lines `text` takes in a column `chars_per_line` characters wide, wrapping
    at spaces (and at the zero-width spaces `breakable` adds) as browsers do."""
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.replace("\u200b", " ").split():
            while len(word) > chars_per_line:  # a word longer than the line breaks anywhere
                count += 1 if used else 0
                word, used = word[chars_per_line:], 0
                count += 1
            if used and used + 1 + len(word) > chars_per_line:
                count, used = count + 1, 0
            used += len(word) + (1 if used else 0)
    return max(1, count)


def _row_mm(lines: int) -> float:
    return lines * _TABLE_LINE_MM + _ROW_PADDING_MM


def _paginate(heights: list[float], first_page_mm: float, other_pages_mm: float) -> list[list[int]]:
    """Indexes of rows per page: rows keep their order and never split; a page takes rows
    while their estimated heights fit (a row taller than a page gets a page to itself)."""
    pages: list[list[int]] = [[]]
    room = first_page_mm
    for i, height in enumerate(heights):
        if pages[-1] and height > room:
            pages.append([])
            room = other_pages_mm
        pages[-1].append(i)
        room -= height
    return pages


def _authorised_application(case):
    """The application the notice was authorised on (the latest authorised), else None."""
    for application in reversed(case.applications):
        if application.status is ApplicationStatus.AUTHORISED:
            return application
    return None


def _victim(case, data: dict):
    victim_id = data.get("grounds", {}).get("victim_id")
    return next((v for v in case.victims if v.id == victim_id), None) or (case.victims[0] if case.victims else None)


def _conditions(kinds_data: list[dict] | None, proposed: dict | None, victim_name: str, premises: str,
                mandatory: str) -> list[Condition]:
    """Conditions in the Act's order, in the notice's legal wording, with their justification.
    From the proposal (an application's "prohibitions" section) or from an order's list."""
    if proposed is not None:
        prohibitions = prohibitions_from_data(proposed)
    else:
        by_kind = {c["kind"]: c for c in kinds_data or []}
        prohibitions = [
            Prohibition(kind=kind, distance_metres=by_kind[kind.value].get("distance_metres"))
            for kind in ProhibitionKind if kind.value in by_kind
        ]
    return [
        Condition(
            kind=p.kind,
            label=LABELS[p.kind].replace(" (always included)", ""),
            distance_metres=p.distance_metres,
            wording=p.legal_wording(victim_name, premises, mandatory),
            justification=p.justification or ("Required by law in every notice and order"
                                              if p.kind is ProhibitionKind.NO_MOLEST else ""),
            removes_from_home=p.kind in REMOVAL_KINDS,
        )
        for p in prohibitions
    ]


def _pounds(pence: int | None) -> str:
    return f"£{(pence or 0) / 100:,.2f}"


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
        return f"{_pounds(sub.fee_pence)} ({kind}), reference {sub.fee_reference}{paid_on}{receipt}"
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
    status_lines = _lines(status, _INDEX_STATUS_CHARS) if status else 0
    for doc in line.documents:
        status_lines += _lines(f"{doc.name} – {doc.by}, Wed 16 Sep 2026, 10:00", _INDEX_STATUS_CHARS)
    title_lines = _lines(line.title, _INDEX_TITLE_CHARS) + (1 if line.where else 0)
    return _row_mm(max(status_lines, title_lines))


# --------------------------------------------------------------------- chronology

def _chronology(case, application, decision, deadline: datetime | None, hearing_hours: int,
                calendar: Calendar, the_regime) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    add = entries.append
    data = application.section_data if application else {}
    conduct = data.get("grounds", {}).get("conduct")
    what = f": {Conduct(conduct).label.split(' (')[0].lower()}" if conduct else ""
    add(ChronologyEntry(case.incident_at, None, f"Incident at {', '.join(case.address_lines)}{what}"))
    if application is not None and application.submitted_at:
        by = f" by {application.submitted_by.display_name}" if application.submitted_by else ""
        add(ChronologyEntry(application.submitted_at, None, f"Application for the {the_regime.notice} submitted for authorisation{by}"))
    if decision is not None:
        rank = decision.decided_by_rank or ""
        add(ChronologyEntry(decision.decided_at, None,
                            f"{the_regime.notice} authorised by {' '.join(x for x in (rank, decision.decided_by.full_name) if x)}"))
    if case.served_at:
        by = f" by {case.served_by.display_name}" if case.served_by else ""
        respondent = case.perpetrator.full_name if case.perpetrator else "the respondent"
        add(ChronologyEntry(case.served_at, None, f"{the_regime.notice} served on {respondent}{by}"))
    if deadline is not None:
        add(ChronologyEntry(
            deadline, None,
            f"Statutory deadline: the hearing must begin by this time ({hearing_hours} hours from service, not counting "
            f"Sundays, Christmas Day, Good Friday or bank holidays; {the_regime.act} {LAW[the_regime.code]['application']})",
            important=True,
        ))
    sub = case.submission
    if sub is not None and sub.fee_reference and sub.fee_recorded_at:
        add(ChronologyEntry(None, sub.fee_paid_on, f"Court fee of {_pounds(sub.fee_pence)} paid, reference {sub.fee_reference}",
                            sort_at=sub.fee_recorded_at))
    if sub is not None and sub.sent_at:
        how = f" ({sub.sent_how})" if sub.sent_how else ""
        add(ChronologyEntry(sub.sent_at, None, f"Application sent to {sub.court_name}{how}"))
    for number, hearing in enumerate(case.hearings):
        listed = f"Hearing listed at {hearing.court_name} for {format_instant(hearing.starts_at)}"
        if number == 0 and deadline is not None:
            listed += (": within the statutory deadline" if hearing.starts_at <= deadline
                       else ": AFTER the statutory deadline")
        if hearing.late_reason:
            listed += f". Reason: {excerpt(hearing.late_reason, _CHRONOLOGY_CHARS)}"
        add(ChronologyEntry(hearing.listed_at, None, listed, important=bool(hearing.late_reason)))
        if hearing.outcome is not None:
            text = f"Hearing at {hearing.court_name}: {hearing.outcome.label.lower()}"
            if hearing.outcome is HearingOutcome.GRANTED and case.order is not None and case.order.hearing_id == hearing.id:
                text += (f"; {the_regime.order} made on {format_date(case.order.made_on)} for {case.order.days} days, "
                         f"in force until {format_instant(case.order.ends_at)}")
            if hearing.outcome_notes:
                text += f". {excerpt(hearing.outcome_notes, _CHRONOLOGY_CHARS)}"
            add(ChronologyEntry(hearing.starts_at, None, text))
    if case.order is not None:
        for event in case.order.events:
            add(ChronologyEntry(None, event.court_date, f"Order {event.kind.value} by the court: "
                                f"{excerpt(event.details, _CHRONOLOGY_CHARS)}", sort_at=event.recorded_at))
    for breach in case.breaches:
        of = the_regime.order if breach.order_id else the_regime.notice
        add(ChronologyEntry(breach.occurred_at, None,
                            f"Breach of the {of} (came to light through {breach.source.label.lower()}): "
                            f"{excerpt(breach.description, _CHRONOLOGY_CHARS)}", important=True))
        if breach.arrested_at:
            due = deadlines.breach_court_deadline(breach.arrested_at, calendar=calendar)
            add(ChronologyEntry(breach.arrested_at, None,
                                f"Arrested for the breach by {breach.arresting_officer}; to be brought before the court "
                                f"by {format_instant(due)}"))
        if breach.outcome is not None and breach.outcome_at:
            add(ChronologyEntry(breach.outcome_at, None, f"Breach before the court: {breach.outcome.label.lower()}"))
    entries = [ChronologyEntry(e.at, e.on, breakable(e.text), e.important, e.sort_at) for e in entries]
    return sorted(entries, key=lambda e: e.sort_at or e.at)


def _chronology_mm(entry: ChronologyEntry) -> float:
    return _row_mm(_lines(entry.text, _CHRONOLOGY_WHAT_CHARS))


# -------------------------------------------------------------------- points to make

def _points(case, data: dict, victim_name: str, conditions: list[Condition], the_regime,
            law: dict) -> list[Point]:
    points: list[Point] = []
    dash = data.get("dash", {})
    score = dash.get("score")
    level = RiskLevel(dash["risk_level"]).label if dash.get("risk_level") else case.risk_level.label
    risk = f"{level} risk" + (f", DASH score {score}" if isinstance(score, int) else "")
    if dash.get("raise_reason"):
        risk += f" (raised by professional judgement: {excerpt(dash['raise_reason'], 120)})"
    points.append(Point("Risk", risk + "."))

    grounds = data.get("grounds", {})
    conduct = Conduct(grounds["conduct"]).label.split(" (")[0] if grounds.get("conduct") else NOT_PROVIDED
    evidence = ", ".join(Evidence(e).label for e in grounds.get("evidence", [])) or "none ticked"
    conduct_text = f"{conduct}: {excerpt(grounds.get('description'), _POINT_CHARS)}" if grounds else NOT_PROVIDED
    points.append(Point("The conduct", conduct_text, lines=(f"Evidence available: {evidence}.",)))

    necessity = data.get("necessity", {})
    points.append(Point(f"Why the {the_regime.order} is necessary",
                        excerpt(necessity.get("why_necessary"), _POINT_CHARS) or NOT_PROVIDED))
    points.append(Point("Why other means do not protect the victim",
                        excerpt(necessity.get("why_not_other_means"), _POINT_CHARS) or NOT_PROVIDED))

    opinion = data.get("victim_opinion", {})
    view = VictimView(opinion["view"]) if opinion.get("view") else None
    consent_law = f" ({the_regime.act} {law['consent']})" if law["consent"] else ""
    if view is VictimView.OPPOSES:
        points.append(Point(f"{victim_name}'s opinion",
                            f"Opposes the order. Their consent is not required{consent_law}: the court may make the "
                            f"order to protect them even against their wishes.", flag=True))
    else:
        text = {VictimView.SUPPORTS: "Supports the order.", VictimView.NOT_KNOWN: "Not known."}.get(view, NOT_PROVIDED)
        points.append(Point(f"{victim_name}'s opinion", f"{text} Their consent is not required{consent_law}."))

    children = data.get("children", {})
    if children.get("any_relevant"):
        child_text = excerpt(children.get("details"), _POINT_CHARS) or "Yes."
    elif children:
        child_text = "No children under 18 whose welfare is relevant."
    else:
        child_text = NOT_PROVIDED
    names = excerpt(", ".join(c.full_name for c in case.children), 120)
    points.append(Point("Children", child_text + (f" ({names})" if names and children.get("any_relevant") else "")))

    removal = [c for c in conditions if c.removes_from_home]
    lines = tuple(
        c.label + (f" ({c.distance_metres} metres)" if c.distance_metres else "")
        + (f": {excerpt(c.justification, 110)}" if c.justification else "")
        for c in conditions
    )
    if removal:
        flag = ("Removal from the home is sought: without it the victim gets no breathing space, the point of the "
                "order. Ask the court to include it.")
    else:
        flag = "No condition removes the respondent from the home."
    points.append(Point("Conditions sought", flag, flag=bool(removal), lines=lines or (NOT_PROVIDED,)))

    representations = data.get("representations", {})
    points.append(Point("The respondent's representations",
                        excerpt(representations.get("representations"), _POINT_CHARS) or NOT_PROVIDED))
    return points


# --------------------------------------------------------------------- the contexts

def court_context(case, calendar: Calendar) -> dict:
    """Everything templates/court/printout.html prints, from the case's own relationships."""
    the_regime = regime(case.regime)
    law = LAW[the_regime.code]
    application = _authorised_application(case)
    decision = application.decision if application is not None else None
    people = preload_people(case, decision.decided_by_id if decision is not None else None)
    data = application.section_data if application is not None else {}
    victim = _victim(case, data)
    victim_name = victim.full_name if victim else "the person protected"
    premises = ", ".join(case.address_lines)
    conditions = _conditions(None, data["prohibitions"], victim_name, premises, the_regime.mandatory_prohibition) \
        if "prohibitions" in data else []
    deadline = statutory_hearing_deadline(case, calendar) if case.served_at else None
    hearing_hours = case.hearing_window_hours or 48
    hearing = pending_hearing(case) or (case.hearings[-1] if case.hearings else None)
    first_hearing = case.hearings[0] if case.hearings else None
    within_deadline = first_hearing.starts_at <= deadline if first_hearing and deadline else None

    chronology = _chronology(case, application, decision, deadline, hearing_hours, calendar, the_regime)
    items = bundle(case)

    # Pages: cover 1, index (chunked), chronology (chunked), points 1, prompt sheet 1, application.
    # The index's row heights do not depend on page numbers ("Page 3–4" is as tall as "Page 3").
    provisional = {k: PrintSection(k, 0, "", 1, 1) for k in ("application", "chronology", "prompt")}
    index_heights = [_bundle_line_mm(line) for line in _bundle_lines(items, case, provisional)]
    index_chunks = _paginate(index_heights, _PAGE_MM - _INDEX_FIRST_PAGE_USED_MM, _PAGE_MM - _CONTINUED_PAGE_USED_MM)
    chronology_chunks = _paginate([_chronology_mm(e) for e in chronology], _PAGE_MM - _CHRONOLOGY_FIRST_PAGE_USED_MM,
                                  _PAGE_MM - _CONTINUED_PAGE_USED_MM)
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
        "points": _points(case, data, victim_name, conditions, the_regime, law),
        "conditions": conditions,
        "removal_sought": any(c.removes_from_home for c in conditions),
        "summary": summary,
        "not_provided": NOT_PROVIDED,
        "people_named": people,  # keeps them in the identity map while the page renders
    }


def breach_context(case, breach, calendar: Calendar) -> dict:
    """Everything templates/court/breach_printout.html prints for one breach."""
    people = preload_people(case)
    the_regime = regime(case.regime)
    law = LAW[the_regime.code]
    application = _authorised_application(case)
    data = application.section_data if application is not None else {}
    victim = _victim(case, data)
    victim_name = victim.full_name if victim else "the person protected"
    premises = ", ".join(case.address_lines)
    order = case.order if breach.order_id is not None and case.order is not None and case.order.id == breach.order_id else None
    if order is not None:
        conditions = _conditions(order.conditions, None, victim_name, premises, the_regime.mandatory_prohibition)
    elif "prohibitions" in data:
        conditions = _conditions(None, data["prohibitions"], victim_name, premises, the_regime.mandatory_prohibition)
    else:
        conditions = []

    court_deadline = deadlines.breach_court_deadline(breach.arrested_at, calendar=calendar) if breach.arrested_at else None
    # A breach of the notice: before the court within 24 hours, or at the hearing of the
    # application for the order if that is sooner (CSA 2010 s.26(1)).
    hearing = pending_hearing(case)
    hearing_sooner = (
        order is None and court_deadline is not None and hearing is not None
        and breach.arrested_at <= hearing.starts_at < court_deadline
    )
    evidence = [d for d in case.documents if d.breach_id == breach.id and d.removed_at is None]
    statement = [d for d in evidence if "statement" in (d.item_key or "")]
    return {
        "case": case,
        "regime": the_regime,
        "law": law,
        "breach": breach,
        "order": order,
        "order_live": order is not None and order.status is OrderStatus.IN_FORCE,
        "of_what": the_regime.order if order is not None else the_regime.notice,
        "of_what_name": the_regime.order_name if order is not None else the_regime.notice_name,
        "perpetrator": case.perpetrator,
        "victim_name": victim_name,
        "premises": premises,
        "conditions": conditions,
        "court_deadline": court_deadline,
        "hearing": hearing,
        "hearing_sooner": hearing_sooner,
        "court_name": hearing.court_name if hearing else (
            case.hearings[-1].court_name if case.hearings else (case.submission.court_name if case.submission else None)),
        "evidence": evidence,
        "evidence_lines": [DocumentLine(breakable(d.original_name), d.uploaded_by.display_name if d.uploaded_by else "",
                                        d.uploaded_at) for d in evidence],
        "statement_documents": statement,
        "statement_missing": not evidence,
        "not_provided": NOT_PROVIDED,
        "is_criminal": the_regime.code is RegimeCode.DAPN and order is not None,
        "people_named": people,
    }
