"""What a notice (and the order after it) may prohibit, in the Act's words and in plain words."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ProhibitionKind(enum.StrEnum):
    NO_MOLEST = "no_molest"
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

    def legal_wording(self, victim: str, premises: str, mandatory: str = "You must not molest {victim}.") -> str:
        """The prohibition as the notice states it: CSA 2010 s.24(6)-(7). `mandatory` is the
        regime's wording of the provision every notice contains (Regime.mandatory_prohibition)."""
        return {
            ProhibitionKind.NO_MOLEST: mandatory.format(victim=victim),
            ProhibitionKind.NO_EVICT: f"You must not evict or exclude {victim} from {premises}.",
            ProhibitionKind.NO_ENTER: f"You must not enter {premises}.",
            ProhibitionKind.LEAVE: f"You must leave {premises}.",
            ProhibitionKind.NO_COME_WITHIN: f"You must not come within {self.distance_metres} metres of {premises}.",
        }[self.kind]

    def plain_words(self) -> str:
        """The prohibition in plain words, without naming V or the address (for texts to P)."""
        return {
            ProhibitionKind.NO_MOLEST: "Do not contact, pester or harass the person protected by the order.",
            ProhibitionKind.NO_EVICT: "Do not stop the person protected from living at the address.",
            ProhibitionKind.NO_ENTER: "Do not go into the address named in the order.",
            ProhibitionKind.LEAVE: "You were required to leave the address named in the order: do not go back there.",
            ProhibitionKind.NO_COME_WITHIN: f"Do not go within {self.distance_metres} metres of the address named in the order.",
        }[self.kind]


LABELS = {
    ProhibitionKind.NO_MOLEST: "Not to molest the victim (always included)",
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
