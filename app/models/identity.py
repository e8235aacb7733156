"""The same person on several cases: match keys, identities and the officers' decisions.

A `Person` row is one person on one case. People an officer has confirmed are the same
person share a `PersonIdentity` through `PersonIdentityLink` (one link per person row, so
a person belongs to at most one identity). `PersonMatchKey` rows are derived data (written
with the search index, services/person_keys.py) that find possible matches by index lookups.
`PersonMatchDecision` is the append-only history of what officers decided about a pair.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.person_match import KEY_LENGTH, MatchKind
from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import enum_column


class PersonMatchKey(db.Model):
    __tablename__ = "person_match_key"
    __table_args__ = (Index("ix_person_match_key_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MatchKind] = mapped_column(enum_column(MatchKind, length=16))
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))


class PersonIdentity(db.Model):
    """One person known on several cases."""

    __tablename__ = "person_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PersonIdentityLink(db.Model):
    """A person row's place in an identity. Current state: merging identities moves links,
    unlinking deletes one; the history is PersonMatchDecision and the audit log."""

    __tablename__ = "person_identity_link"
    # At most one person of a case in an identity: two people on one case are not one person.
    __table_args__ = (UniqueConstraint("identity_id", "case_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("person_identity.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MatchDecision(enum.StrEnum):
    SAME = "same"  # confirmed the same person: linked
    NOT_SAME = "not_same"  # a suggestion rejected: never suggested again
    UNLINKED = "unlinked"  # linked before, taken apart with a reason: never suggested again


class PersonMatchDecision(db.Model):
    """What an officer decided about two people on two cases. Append-only.

    The people are kept as plain ids (no foreign key), so correcting a case by removing a
    person never has to change this history; the cases are never deleted.
    `person_id` < `other_person_id` always.
    """

    __tablename__ = "person_match_decision"
    __table_args__ = (Index("ix_person_match_decision_pair", "person_id", "other_person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[MatchDecision] = mapped_column(enum_column(MatchDecision, length=16))
    person_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    other_person_id: Mapped[int] = mapped_column(Integer)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    reason: Mapped[str | None] = mapped_column(Text)


append_only(PersonMatchDecision, "decisions about the same person on several cases")
