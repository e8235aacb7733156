"""The two statutory regimes as data: DVPN/DVPO and its successor DAPN/DAPO.

Pages and services read these facts instead of branching on the regime, so the DAPN pilot
changes words, ranks, ages and the checklist without a second copy of any page.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class RegimeCode(enum.StrEnum):
    DVPN = "dvpn"
    DAPN = "dapn"


class Conduct(enum.StrEnum):
    VIOLENCE = "violence"
    THREAT_OF_VIOLENCE = "threat_of_violence"
    ABUSE = "abuse"

    @property
    def label(self) -> str:
        return {
            Conduct.VIOLENCE: "Violence",
            Conduct.THREAT_OF_VIOLENCE: "Threat of violence",
            Conduct.ABUSE: "Other abusive behaviour (for example controlling or coercive, economic, psychological)",
        }[self]


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    citation: str


@dataclass(frozen=True)
class Regime:
    code: RegimeCode
    notice: str
    notice_name: str
    order: str
    order_name: str
    act: str
    notice_section: str
    # Roles (by value) that may authorise a notice under this regime.
    authorising_roles: frozenset[str]
    authorising_rank: str
    min_perpetrator_age: int
    min_victim_age: int | None
    conduct: tuple[Conduct, ...]
    conduct_test: str
    # The same test addressed to P, as the notice states it.
    conduct_test_to_p: str
    # The provision every notice must contain (CSA 2010 s.24(6); DAA 2021 s.22(2)), with {victim}.
    mandatory_prohibition: str
    hearing_section: str
    # How long the notice lasts, as the notice tells P (CSA 2010 s.25(1)(d); DAA 2021 s.25(2)(d)).
    notice_lasts: str
    # What a magistrates' court may include in the order, as the notice must tell P
    # (CSA 2010 s.25(1)(e); DAA 2021 s.25(2)(e)): sentences with {victim}.
    order_may_include: tuple[str, ...]
    order_min_days: int | None
    order_max_days: int | None
    checklist: tuple[ChecklistItem, ...]
    # Provisions (ProhibitionKind values) the Act allows only where P lives in premises that
    # V also lives in, and the subsections that say so for the notice and for the order
    # (see prohibitions.premises_provisions_refused).
    shared_premises_provisions: frozenset[str] = frozenset()
    notice_premises_basis: str = ""
    order_premises_basis: str = ""
    # The distance provision: how the notice words it ({distance}, {premises}, {victim}) and
    # how forms label it. Under a DVPN it is a distance from the shared premises (CSA 2010
    # s.24(8)(d)); under a DAPN from any premises in England or Wales where V lives, shared
    # or not (DAA 2021 s.23(1)(b)).
    distance_wording: str = "You must not come within {distance} metres of {premises}."
    distance_label: str = "Not to come within a stated distance of the premises"
    # Provisions beyond the common five that this regime's notice may contain
    # (prohibitions.EXTRA_PROVISIONS): a DAPN's "may not contact" (DAA 2021 s.23(1)(a)).
    extra_provisions: frozenset[str] = frozenset()
    # Whether the notice's giver must try to tell a service person's commanding officer
    # (DAA 2021 s.25(5)-(6); see service_persons.commanding_officer_duty).
    commanding_officer_rule: bool = False

    def hearing_basis(self, hours: int, enacted_change: str = "") -> str:
        """The law a case's hearing window comes from, as notices and printouts cite it.

        Both Acts set 48 hours: CSA 2010 s.27(3) ("not later than 48 hours after the DVPN
        was served") and DAA 2021 s.29(2) ("not later than 48 hours after the notice was
        given to P"). Any other window exists only if an enactment changed the Act, and
        then that enactment (`enacted_change`, the force's HEARING_WINDOW_LEGAL_BASIS) is
        what is cited; without one there is no lawful basis to show (ValueError).
        """
        if hours == 48:
            return f"{self.act}, {self.hearing_section}"
        if not enacted_change.strip():
            raise ValueError(f"a {hours}-hour hearing window has no basis in the {self.act}")
        return enacted_change.strip()


_CSA = "Crime and Security Act 2010"
_DAA = "Domestic Abuse Act 2021"

DVPN = Regime(
    code=RegimeCode.DVPN,
    notice="DVPN",
    notice_name="Domestic Violence Protection Notice",
    order="DVPO",
    order_name="Domestic Violence Protection Order",
    act=_CSA,
    notice_section="section 24",
    authorising_roles=frozenset({"superintendent"}),
    authorising_rank="superintendent",
    min_perpetrator_age=18,
    min_victim_age=None,
    conduct=(Conduct.VIOLENCE, Conduct.THREAT_OF_VIOLENCE),
    conduct_test="has been violent towards, or has threatened violence towards, an associated person",
    conduct_test_to_p="have been violent towards, or have threatened violence towards, an associated person",
    mandatory_prohibition="You must not molest {victim}.",
    hearing_section="section 27",
    notice_lasts="until the court has decided the application for a Domestic Violence Protection Order",
    # CSA 2010 s.28(6)-(8) (what the order contains), s.28(9) (arrest) and s.28(10) (14 to 28 days).
    order_may_include=(
        "The order must prohibit you from molesting {victim}.",
        "If you live in premises where {victim} also lives, it may also prohibit you from evicting or excluding "
        "{victim} from the premises, prohibit you from entering them, require you to leave them, or prohibit you "
        "from coming within a distance of them that the order specifies.",
        "An order lasts at least 14 and at most 28 days from the day it is made, and a constable may arrest you "
        "without warrant if they have reasonable grounds for believing that you are in breach of it.",
    ),
    order_min_days=14,
    order_max_days=28,
    checklist=(
        ChecklistItem("perpetrator_adult", "The perpetrator (P) is aged 18 or over.", f"{_CSA} s.24(2)"),
        ChecklistItem(
            "violence",
            "There are reasonable grounds for believing that P has been violent towards, or has "
            "threatened violence towards, an associated person (V).",
            f"{_CSA} s.24(2)(a)",
        ),
        ChecklistItem(
            "necessity",
            "There are reasonable grounds for believing that the DVPN is necessary to protect V from "
            "violence or a threat of violence by P.",
            f"{_CSA} s.24(2)(b)",
        ),
        ChecklistItem(
            "children",
            "I have considered the welfare of any person under 18 whose interests are relevant.",
            f"{_CSA} s.24(3)(a)",
        ),
        ChecklistItem(
            "victim_opinion",
            "I have considered the opinion of V (V's consent is not required), after reasonable steps "
            "to discover it.",
            f"{_CSA} s.24(3)(b), (4)",
        ),
        ChecklistItem(
            "representations",
            "I have considered any representations P has made about the issuing of the DVPN.",
            f"{_CSA} s.24(3)(c)",
        ),
        ChecklistItem(
            "other_occupant",
            "Where the DVPN covers premises lived in by P and V, I have considered the opinion of any "
            "other associated person who lives there, after reasonable steps to discover it.",
            f"{_CSA} s.24(3)(d), (4)",
        ),
        ChecklistItem(
            "proportionality",
            "The DVPN and its prohibitions are necessary and proportionate, having regard to the rights "
            "of P and V, and no charge, caution, remand or bail already protects V.",
            "Home Office DVPO guidance; Human Rights Act 1998 sch.1 art.8",
        ),
    ),
    # CSA 2010 s.24(8)(a)-(d) (notice) and s.28(8)(a)-(d) (order): "If P lives in premises
    # which are also lived in by [V]", evicting or excluding, entering, leaving, and a distance
    # of the premises.
    shared_premises_provisions=frozenset({"no_evict", "no_enter", "leave", "no_come_within"}),
    notice_premises_basis=f"{_CSA} s.24(8)",
    order_premises_basis=f"{_CSA} s.28(8)",
)

DAPN = Regime(
    code=RegimeCode.DAPN,
    notice="DAPN",
    notice_name="Domestic Abuse Protection Notice",
    order="DAPO",
    order_name="Domestic Abuse Protection Order",
    act=_DAA,
    notice_section="section 22",
    authorising_roles=frozenset({"inspector", "superintendent"}),
    authorising_rank="inspector",
    min_perpetrator_age=18,
    min_victim_age=16,
    conduct=(Conduct.VIOLENCE, Conduct.THREAT_OF_VIOLENCE, Conduct.ABUSE),
    conduct_test="has been abusive towards a person aged 16 or over to whom P is personally connected",
    conduct_test_to_p="have been abusive towards a person aged 16 or over to whom you are personally connected",
    mandatory_prohibition="You must not be abusive towards {victim}.",
    hearing_section="section 29",
    # DAA 2021 s.25(2)(d); s.29(7): it continues while the hearing is adjourned.
    notice_lasts="until the court has decided the application for a Domestic Abuse Protection Order, or the "
                 "application is withdrawn",
    # DAA 2021 s.35(1) and (4) (any requirement the court considers necessary; the examples),
    # s.36 (requirements to do something; electronic monitoring), s.39 (breach is an offence).
    order_may_include=(
        "The order may impose any requirements the court considers necessary to protect {victim} from domestic "
        "abuse or the risk of domestic abuse, including prohibitions and restrictions.",
        "For example, that you may not contact {victim}, may not come within a specified distance of any premises "
        "in England or Wales where {victim} lives, or of other specified premises; it may also require you to do "
        "something, such as attend a programme, and your compliance may be electronically monitored.",
        "The order lasts for the period the court specifies, or until the court orders otherwise. Breaching it "
        "without reasonable excuse is a criminal offence.",
    ),
    order_min_days=None,
    order_max_days=None,
    checklist=(
        ChecklistItem("perpetrator_adult", "The perpetrator (P) is aged 18 or over.", f"{_DAA} s.22(6)"),
        ChecklistItem("victim_16", "The person to be protected (V) is aged 16 or over.", f"{_DAA} s.22(3)"),
        ChecklistItem(
            "abuse",
            "There are reasonable grounds for believing that P has been abusive towards V, to whom P "
            "is personally connected.",
            f"{_DAA} s.22(3)",
        ),
        ChecklistItem(
            "necessity",
            "There are reasonable grounds for believing that the DAPN is necessary to protect V from "
            "domestic abuse, or the risk of domestic abuse, carried out by P.",
            f"{_DAA} s.22(4)",
        ),
        ChecklistItem(
            "children",
            "I have considered the welfare of any child whose interests are relevant.",
            f"{_DAA} s.24",
        ),
        ChecklistItem(
            "victim_opinion",
            "I have considered the opinion of V (V's consent is not required), after reasonable steps "
            "to discover it.",
            f"{_DAA} s.24",
        ),
        ChecklistItem(
            "representations",
            "I have considered any representations P has made about the giving of the DAPN.",
            f"{_DAA} s.24",
        ),
        ChecklistItem(
            "other_occupant",
            "Where the DAPN covers premises lived in by P and V, I have considered the opinion of any "
            "other person who lives there and is personally connected to P, after reasonable steps to "
            "discover it.",
            f"{_DAA} s.24",
        ),
        ChecklistItem(
            "proportionality",
            "The DAPN and its provisions are necessary and proportionate, having regard to the rights "
            "of P and V.",
            "Statutory guidance on the Domestic Abuse Act 2021; Human Rights Act 1998 sch.1 art.8",
        ),
    ),
    # DAA 2021 s.23(2)(a)-(c): "If P lives in premises in England or Wales in which [V] also
    # lives": evicting or excluding, entering, leaving. The distance provision is s.23(1)(b),
    # which needs no shared premises. The order follows the same rule here (see docs/law.md:
    # s.35(1) lets the court impose any requirement it considers necessary).
    shared_premises_provisions=frozenset({"no_evict", "no_enter", "leave"}),
    notice_premises_basis=f"{_DAA} s.23(2)",
    order_premises_basis=f"{_DAA} s.23(2) (applied to the order)",
    distance_wording="You must not come within {distance} metres of any premises in England or Wales in which "
                     "{victim} lives.",
    distance_label="Not to come within a stated distance of any premises in England or Wales where the victim lives",
    # DAA 2021 s.23(1)(a): "may not contact the person for whose protection the notice is given".
    extra_provisions=frozenset({"no_contact"}),
    commanding_officer_rule=True,
)

REGIMES: dict[RegimeCode, Regime] = {DVPN.code: DVPN, DAPN.code: DAPN}


def regime(code: str | RegimeCode) -> Regime:
    return REGIMES[RegimeCode(code)]
