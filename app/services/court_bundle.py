"""Reading the court bundle: each item with whether it is done, who did it and when, and
the dashboard's progress; one query for every user the court pages name."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, literal, select

from app.domain.bundle import ITEMS, ItemKind, progress
from app.extensions import db
from app.models import BundleTick, Case, CourtSubmission, Document, User


@dataclass(frozen=True)
class ItemStatus:
    key: str
    title: str
    kind: ItemKind
    required: bool
    hint: str
    done: bool
    by: User | None
    at: datetime | None
    documents: list[Document]


def bundle(case: Case) -> list[ItemStatus]:
    """Each bundle item with whether it is done, and who did it and when."""
    ticks = {t.item_key: t for t in case.ticks}
    docs: dict[str, list[Document]] = {}
    for doc in case.documents:
        if doc.removed_at is None and doc.breach_id is None:
            docs.setdefault(doc.item_key, []).append(doc)
    sub = case.submission
    listed = case.hearings[0] if case.hearings else None
    statuses = []
    for item in ITEMS:
        by = at = None
        if item.kind is ItemKind.GENERATED and item.key in ticks:
            by, at = ticks[item.key].ticked_by, ticks[item.key].ticked_at
        elif item.kind is ItemKind.UPLOAD and docs.get(item.key):
            by, at = docs[item.key][-1].uploaded_by, docs[item.key][-1].uploaded_at
        elif item.kind is ItemKind.FEE and sub and sub.fee_reference and sub.fee_receipt_id:
            by, at = sub.fee_recorded_by, sub.fee_recorded_at
        elif item.kind is ItemKind.SENT and sub and sub.sent_at:
            by, at = sub.sent_recorded_by, sub.sent_recorded_at
        elif item.kind is ItemKind.LISTED and listed:
            by, at = listed.listed_by, listed.listed_at
        statuses.append(ItemStatus(item.key, item.title, item.kind, item.required, item.hint, at is not None, by, at,
                                   docs.get(item.key, [])))
    return statuses


def preload_people(case: Case, *more_ids: int | None) -> list[User]:
    """Load, in one query, every user the court pages name, so each `.uploaded_by`-style
    relationship is then found in the session's identity map instead of queried one by
    one. The identity map holds objects weakly: keep the list until the page is rendered."""
    ids = {case.officer_in_case_id, case.served_by_id, *more_ids}
    for application in case.applications:
        ids |= {application.submitted_by_id, application.created_by_id}
    for doc in case.documents:
        ids.add(doc.uploaded_by_id)
    for tick in case.ticks:
        ids.add(tick.ticked_by_id)
    if case.submission is not None:
        ids |= {case.submission.fee_recorded_by_id, case.submission.sent_recorded_by_id}
    for hearing in case.hearings:
        ids |= {hearing.listed_by_id, hearing.outcome_by_id}
    for breach in case.breaches:
        ids.add(breach.recorded_by_id)
    ids.discard(None)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def done_keys(case: Case) -> set[str]:
    """The bundle items done, from the case's loaded collections (no further queries)."""
    done = {t.item_key for t in case.ticks}
    done |= {d.item_key for d in case.documents if d.removed_at is None and d.breach_id is None}
    sub = case.submission
    if sub and sub.fee_reference and sub.fee_receipt_id:
        done.add("court_fee")
    if sub and sub.sent_at:
        done.add("sent_to_court")
    if case.hearings:
        done.add("hearing_listed")
    return done


def bundle_progress(case: Case) -> tuple[int, int]:
    """(required items done, required items): the dashboard's "6 of 10"."""
    return progress(done_keys(case))


def done_key_selects(is_among) -> list:
    """The statements that give (case_id, item_key) for each bundle item done of the cases
    `is_among(column)` picks, from the rows themselves, except "hearing_listed" (whether a
    hearing is listed), which the caller adds from the hearings it has. Same rules as
    done_keys: the dashboard's bundle progress, in its one statement of clock facts
    (services/dashboard_facts.py)."""
    sub = CourtSubmission
    return [
        select(BundleTick.case_id, BundleTick.item_key).where(is_among(BundleTick.case_id)),
        select(Document.case_id, Document.item_key).where(
            is_among(Document.case_id), Document.removed_at.is_(None), Document.breach_id.is_(None)),
        select(sub.case_id, literal("court_fee")).where(
            is_among(sub.case_id), and_(sub.fee_reference.is_not(None), sub.fee_reference != ""),
            sub.fee_receipt_id.is_not(None)),
        select(sub.case_id, literal("sent_to_court")).where(is_among(sub.case_id), sub.sent_at.is_not(None)),
    ]
