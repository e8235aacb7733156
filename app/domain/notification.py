"""P's notification requirements under a DAPO (Domestic Abuse Act 2021 s.41). Pure: no
Flask, no database, no clock reads.

Checked against legislation.gov.uk (DAA 2021 s.41, as enacted):

- s.41(1)-(3): a person subject to a DAPO "must, within the period of three days beginning
  with the day on which the order is made, notify the police of" their name and every other
  name they use (s.41(3)(a)) and their home address (s.41(3)(b)): the *initial* notification.
- s.41(4): a name not yet notified, within three days beginning with the day P first uses it.
- s.41(5): a change of home address, "before the end of the period of three days beginning
  with the day on which that happens".
- s.41(6): ceasing to have any home address, the same period.
- s.41(8): none of this applies where P is (a) subject to another DAPO ("and accordingly
  those requirements already apply"), or (b) subject to notification requirements under
  Part 2 of the Sexual Offences Act 2003 or s.9 of the Stalking Protection Act 2019.
- s.41(9): the requirements revive when P stops being subject to those (not modelled: the
  officer records the initial notification then, or the exemption's end, by hand).

Every period here is `deadlines.notification_due(day)`: 00:00 London three days after
`day` (day 1 is the day itself; no day is disregarded).

Not read here: the text of DAA 2021 s.42 (how a notification is given) and s.43 (the
offence of failing to comply). The analogous Stalking Protection Act 2019 s.10 (read) has P
attend a police station in P's local police area and notify orally, the notification
acknowledged in writing; the app records where and how it was given and flags any other way.
The offence is cited as "DAA 2021 s.43" from the Act's arrangement; see docs/law.md.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from app.domain import deadlines

OFFENCE = ("Failing without reasonable excuse to comply with the notification requirements is an offence "
           "(DAA 2021 s.43)")


class NotificationKind(enum.StrEnum):
    INITIAL = "initial"  # s.41(2)-(3): every name and the home address
    NEW_NAME = "new_name"  # s.41(4)
    NEW_ADDRESS = "new_address"  # s.41(5)
    NO_ADDRESS = "no_address"  # s.41(6)
    EXEMPT = "exempt"  # s.41(8): not a notification; the requirements do not apply

    @property
    def label(self) -> str:
        return {
            "initial": "Initial notification: every name P uses and P's home address (s.41(2)-(3))",
            "new_name": "A new name P uses (s.41(4))",
            "new_address": "A new home address (s.41(5))",
            "no_address": "P no longer has any home address (s.41(6))",
            "exempt": "Exempt from the requirements (s.41(8))",
        }[self.value]

    @property
    def is_event(self) -> bool:
        """A change P tells the police of: due three days beginning with the day it happened."""
        return self in (NotificationKind.NEW_NAME, NotificationKind.NEW_ADDRESS, NotificationKind.NO_ADDRESS)


class Exemption(enum.StrEnum):
    """Why s.41(2)-(6) do not apply (s.41(8))."""

    OTHER_DAPO = "other_dapo"
    SOA_2003 = "soa_2003"
    SPA_2019 = "spa_2019"

    @property
    def label(self) -> str:
        return {
            "other_dapo": "P is subject to another domestic abuse protection order (s.41(8)(a))",
            "soa_2003": "P is subject to notification requirements under Part 2 of the Sexual Offences Act 2003 "
                        "(s.41(8)(b))",
            "spa_2019": "P is subject to notification requirements under s.9 of the Stalking Protection Act 2019 "
                        "(s.41(8)(b))",
        }[self.value]


class NotificationMethod(enum.StrEnum):
    POLICE_STATION = "police_station"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"police_station": "In person at a police station, orally to an officer or authorised person",
                "other": "Another way (say how)"}[self.value]


def due(kind: NotificationKind, *, made_on: date, changed_on: date | None) -> datetime | None:
    """When the notification stops being on time: the initial one from the day the order is
    made (s.41(2)), a change from the day it happened (s.41(4)-(6)). None for an exemption."""
    if kind is NotificationKind.EXEMPT:
        return None
    if kind is NotificationKind.INITIAL:
        return deadlines.notification_due(made_on)
    if changed_on is None:
        raise ValueError("a change needs the day it happened")
    return deadlines.notification_due(changed_on)


def is_late(notified_at: datetime, due_at: datetime | None) -> bool:
    """Late from the first instant after the three days (`notification_due`), never later."""
    return due_at is not None and notified_at >= due_at


def notification_errors(
    *, kind: NotificationKind | None, exemption: Exemption | None, names: str, address: str, changed_on: date | None,
    notified_at: datetime | None, method: NotificationMethod | None, where: str, taken_by: str, made_on: date,
    now: datetime, has_initial: bool, exempt: bool,
) -> dict[str, str]:
    """Why what was typed cannot be recorded (field to message; empty when it can).

    - an exemption names which of s.41(8)(a) or (b) applies, and is recorded once, before
      any notification (the requirements then do not apply);
    - the initial notification once, with every name (s.41(3)(a)) and the home address, or
      "no home address" said in the address box (s.41(3)(b));
    - a change says the day it happened (not before the order, not in the future) and what
      it was: the new name, the new address; ceasing to have one needs neither;
    - when it was given (not in the future, not before the order was made), how and where,
      and who took it.
    """
    errors: dict[str, str] = {}
    if kind is None:
        return {"kind": "Choose what P notified"}
    if exempt:
        return {"": "P is recorded as exempt from the notification requirements (s.41(8))"}
    if kind is NotificationKind.EXEMPT:
        if has_initial:
            errors[""] = "A notification is already recorded under this order"
        if exemption is None:
            errors["exemption"] = "Choose which exemption in s.41(8) applies"
        if not taken_by.strip():
            errors["taken_by"] = "Enter who checked the exemption (name, rank, number)"
        return errors
    if kind is NotificationKind.INITIAL and has_initial:
        return {"kind": "The initial notification is already recorded: record a change instead"}
    if kind is NotificationKind.INITIAL:
        if not names.strip():
            errors["names"] = "Enter every name P uses (s.41(3)(a))"
        if not address.strip():
            errors["address"] = "Enter P's home address, or say P has none (s.41(3)(b))"
    if kind is NotificationKind.NEW_NAME and not names.strip():
        errors["names"] = "Enter the new name P uses"
    if kind is NotificationKind.NEW_ADDRESS and not address.strip():
        errors["address"] = "Enter P's new home address"
    if kind.is_event:
        if changed_on is None:
            errors["changed_on"] = "Enter the day the change happened"
        elif changed_on < made_on:
            errors["changed_on"] = "A change notified under the order cannot be before the order was made"
        elif notified_at is not None and changed_on > notified_at.astimezone(deadlines.LONDON).date():
            errors["changed_on"] = "P cannot notify a change before it happened"
    if notified_at is None:
        errors["notified_date"] = "Enter when P gave the notification"
    elif notified_at > now:
        errors["notified_date"] = "The notification cannot be in the future"
    elif notified_at < deadlines.london_midnight(made_on):
        errors["notified_date"] = "The notification cannot be before the order was made"
    if method is None:
        errors["method"] = "Say how P gave the notification"
    elif method is NotificationMethod.OTHER and not where.strip():
        errors["where"] = "Say how the notification was given"
    elif method is NotificationMethod.POLICE_STATION and not where.strip():
        errors["where"] = "Enter the police station"
    if not taken_by.strip():
        errors["taken_by"] = "Enter who took the notification (name, rank, number)"
    return errors
