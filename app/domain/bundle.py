"""What a court bundle for a DVPO (or DAPO) application holds, and which items are required.

The research found bundles slow to assemble and often incomplete (Victim Support, London
DVPO Caseworker Project, 2019): generated items come from the case with no retyping; the
officer supplies the rest as uploads.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ItemKind(enum.StrEnum):
    GENERATED = "generated"  # made from the case; the officer ticks it once checked
    UPLOAD = "upload"  # supplied by the officer
    FEE = "fee"
    SENT = "sent"
    LISTED = "listed"


@dataclass(frozen=True)
class BundleItem:
    key: str
    title: str
    kind: ItemKind
    required: bool
    hint: str = ""


ITEMS: tuple[BundleItem, ...] = (
    BundleItem("notice", "The notice and its service record", ItemKind.GENERATED, True),
    BundleItem("complaint", "The application (complaint) for the order", ItemKind.GENERATED, True),
    BundleItem("conditions", "Proposed conditions and their justifications", ItemKind.GENERATED, True),
    BundleItem("chronology", "Chronology", ItemKind.GENERATED, True),
    BundleItem("prompt_sheet", "Magistrates' prompt sheet", ItemKind.GENERATED, True),
    BundleItem("officer_statement", "Officer statement(s)", ItemKind.UPLOAD, True),
    BundleItem("dash_form", "DASH risk assessment form", ItemKind.UPLOAD, True),
    BundleItem("victim_statement", "Victim's statement or account of the victim's views", ItemKind.UPLOAD, False,
               "If the victim will not give one, say so in the officer's statement: consent is not required."),
    BundleItem("history", "Previous history and intelligence summary", ItemKind.UPLOAD, False),
    BundleItem("map", "Map or plan of the premises and any exclusion zone", ItemKind.UPLOAD, False),
    BundleItem("other_evidence", "Other evidence", ItemKind.UPLOAD, False),
    BundleItem("court_fee", "Court fee paid", ItemKind.FEE, True),
    BundleItem("sent_to_court", "Application sent to court", ItemKind.SENT, True),
    BundleItem("hearing_listed", "Hearing listed", ItemKind.LISTED, True),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
UPLOAD_KEYS = tuple(i.key for i in ITEMS if i.kind is ItemKind.UPLOAD) + ("fee_receipt",)
GENERATED_KEYS = tuple(i.key for i in ITEMS if i.kind is ItemKind.GENERATED)


def progress(done: set[str]) -> tuple[int, int]:
    """(required items done, required items): the dashboard's "6 of 9"."""
    required = [i.key for i in ITEMS if i.required]
    return sum(1 for key in required if key in done), len(required)


def ready_for_court(done: set[str]) -> bool:
    done_count, total = progress(done)
    return done_count == total
