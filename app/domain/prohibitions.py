"""What a notice (and the order after it) may prohibit, in the Act's words and in plain words."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.regimes import Regime


class ProhibitionKind(enum.StrEnum):
    NO_MOLEST = "no_molest"
    # DAA 2021 s.23(1)(a): "may not contact the person for whose protection the notice is
    # given". A DAPN (and DAPO) provision only: the CSA 2010 has none (Regime.extra_provisions).
    NO_CONTACT = "no_contact"
    NO_EVICT = "no_evict"
    NO_ENTER = "no_enter"
    LEAVE = "leave"
    NO_COME_WITHIN = "no_come_within"


# The order the Act lists them in, which is the order every page prints them in.
ORDER = tuple(ProhibitionKind)
# CSA 2010 s.24(6): a DVPN must prohibit molestation; it is never optional.
MANDATORY = ProhibitionKind.NO_MOLEST
MAX_DISTANCE_METRES = 5000


@dataclass(frozen=True)
class Prohibition:
    kind: ProhibitionKind
    justification: str = ""
    distance_metres: int | None = None

    def legal_wording(self, victim: str, premises: str, mandatory: str = "You must not molest {victim}.",
                      distance: str = "You must not come within {distance} metres of {premises}.") -> str:
        """The prohibition as the notice states it: CSA 2010 s.24(6)-(8). `mandatory` is the
        regime's wording of the provision every notice contains (Regime.mandatory_prohibition);
        `distance` its wording of the distance provision (Regime.distance_wording: under a
        DAPN any premises where V lives, DAA 2021 s.23(1)(b))."""
        return {
            ProhibitionKind.NO_MOLEST: mandatory.format(victim=victim),
            ProhibitionKind.NO_CONTACT: f"You must not contact {victim}.",
            ProhibitionKind.NO_EVICT: f"You must not evict or exclude {victim} from {premises}.",
            ProhibitionKind.NO_ENTER: f"You must not enter {premises}.",
            ProhibitionKind.LEAVE: f"You must leave {premises}.",
            ProhibitionKind.NO_COME_WITHIN: distance.format(distance=self.distance_metres, premises=premises, victim=victim),
        }[self.kind]

    def plain_words(self) -> str:
        """The prohibition in plain words, without naming V or the address (for texts to P)."""
        return {
            ProhibitionKind.NO_MOLEST: "Do not contact, pester or harass the person protected by the order.",
            ProhibitionKind.NO_CONTACT: "Do not contact the person protected by the order in any way.",
            ProhibitionKind.NO_EVICT: "Do not stop the person protected from living at the address.",
            ProhibitionKind.NO_ENTER: "Do not go into the address named in the order.",
            ProhibitionKind.LEAVE: "You were required to leave the address named in the order: do not go back there.",
            ProhibitionKind.NO_COME_WITHIN: f"Do not go within {self.distance_metres} metres of the address named in the order.",
        }[self.kind]


LABELS = {
    ProhibitionKind.NO_MOLEST: "Not to molest the victim (always included)",
    ProhibitionKind.NO_CONTACT: "Not to contact the victim",
    ProhibitionKind.NO_EVICT: "Not to evict or exclude the victim from the premises",
    ProhibitionKind.NO_ENTER: "Not to enter the premises",
    ProhibitionKind.LEAVE: "To leave the premises",
    ProhibitionKind.NO_COME_WITHIN: "Not to come within a stated distance of the premises",
}


def prohibitions_from_data(data: dict) -> list[Prohibition]:
    """The proposed prohibitions in an application's saved section, molestation first."""
    chosen = {ProhibitionKind(k) for k in data.get("kinds", [])} | {MANDATORY}
    justifications = data.get("justifications", {})
    return [
        Prohibition(
            kind=kind,
            justification=justifications.get(kind.value, ""),
            distance_metres=data.get("distance_metres") if kind is ProhibitionKind.NO_COME_WITHIN else None,
        )
        for kind in ORDER
        if kind in chosen
    ]


def label(kind: ProhibitionKind, regime: Regime) -> str:
    """A provision's label on forms under `regime` (the distance provision differs)."""
    return regime.distance_label if kind is ProhibitionKind.NO_COME_WITHIN else LABELS[kind]


def premises_provisions_refused(kinds: Iterable[str | ProhibitionKind], *, shared_premises: bool | None,
                                regime: Regime) -> list[ProhibitionKind]:
    """The provisions among `kinds` that the Act allows only where P and V live in the same
    premises, if they do not (or it has not been said that they do), in the Act's order;
    empty when every provision may be included.

    - DVPN: CSA 2010 s.24(8) ("If P lives in premises which are also lived in by V"):
      (a) not to evict or exclude V, (b) not to enter, (c) to leave, (d) not to come within a
      distance of the premises. The same for the DVPO: s.28(8)(a)-(d).
    - DAPN: DAA 2021 s.23(2) ("If P lives in premises in England or Wales in which [V] also
      lives"): (a) evict or exclude, (b) enter, (c) leave. The distance provision is
      s.23(1)(b), "any premises in England or Wales in which [V] lives": no shared premises
      needed, so it is never refused here.

    `shared_premises` is the application's answer (None: not answered): only True allows
    them, the safe side. Unknown kinds are ignored (the caller refuses them).
    """
    if shared_premises is True:
        return []
    chosen = {str(k) for k in kinds}
    return [k for k in ORDER if k.value in chosen and k.value in regime.shared_premises_provisions]


def premises_refusal(refused: list[ProhibitionKind], regime: Regime, basis: str, advice: str = "") -> str:
    """The message for `premises_provisions_refused`'s answer; `basis` cites the subsection
    (Regime.notice_premises_basis for the notice, order_premises_basis for the order) and
    `advice` says what to do next."""
    names = ", ".join(f"'{label(k, regime)}'" for k in refused)
    message = f"{names} can be included only where the perpetrator and the victim live in the same premises ({basis})"
    return f"{message}. {advice}" if advice else message


def available(regime: Regime) -> list[ProhibitionKind]:
    """The provisions a notice (and the order after it) may contain under `regime`, in the
    Act's order: the common five, and the regime's own (a DAPN's no-contact provision, DAA
    2021 s.23(1)(a); the CSA 2010 s.24(6)-(8) has none)."""
    return [k for k in ORDER if k.value not in EXTRA_PROVISIONS or k.value in regime.extra_provisions]


def not_available(kinds: Iterable[str | ProhibitionKind], regime: Regime) -> list[ProhibitionKind]:
    """The provisions among `kinds` that `regime` does not have (unknown kinds ignored)."""
    chosen = {str(k) for k in kinds}
    allowed = set(available(regime))
    return [k for k in ORDER if k.value in chosen and k not in allowed]


def not_available_message(kinds: list[ProhibitionKind], regime: Regime) -> str:
    names = ", ".join(f"'{LABELS[k]}'" for k in kinds)
    return (f"{names} is not a provision a {regime.notice} or {regime.order} may contain under the {regime.act}: "
            "it is a Domestic Abuse Act 2021 s.23(1)(a) provision (DAPN only)")


# Provisions only some regimes have (Regime.extra_provisions says which).
EXTRA_PROVISIONS = frozenset({ProhibitionKind.NO_CONTACT.value})
