"""Each section of the figures, built from its queries (services/figures_queries) with the
arithmetic of domain/figures. The definitions are the README's ("Figures"): keep them in step.
"""
from __future__ import annotations

from collections import Counter

from app.domain import figures as rules
from app.domain.breach_law import BreachOutcome
from app.domain.dapo_requirements import KINDS
from app.domain.deadlines import STATUTORY_HEARING_HOURS
from app.domain.figures import format_percent
from app.domain.risk import RiskLevel
from app.models import DecisionOutcome, HearingOutcome
from app.services import figures_queries as q
from app.services.figures import Chart, Figure, Filters, Section
from app.services.repeat_people import repeat_people

DEFAULT_ORDER_SERVICE_HOURS = 24  # an order granted before targets were fixed (no target stored)


def notices(f: Filters, decisions: list[tuple]) -> Section:
    decided = Counter()
    for outcome, _risk, n in decisions:
        decided[outcome] += n
    spans = rules.month_spans(f.period)
    by_month = [(label, n) for (label, _, _), n in zip(spans, q.served_by_month(f, spans), strict=True)]
    served = sum(n for _, n in by_month)
    lapsed = q.lapsed_count(f)
    authorised, refused = decided[DecisionOutcome.AUTHORISE], decided[DecisionOutcome.REFUSE]
    return Section("notices", "Notices", f"{authorised} notices authorised and {refused} refused; {served} served; "
                   f"{lapsed} closed as lapsed.", (
                       Figure("authorised", "Notices authorised", authorised),
                       Figure("refused", "Notices refused by the authorising officer", refused),
                       Figure("returned", "Applications returned for more information", decided[DecisionOutcome.RETURN]),
                       Figure("served", "Notices served", served),
                       Figure("lapsed", "Notices closed as lapsed (hearing not begun in time)", lapsed),
                   ), Chart("Notices served by month", tuple(m for m, _ in by_month), tuple(n for _, n in by_month)),
                   ("Authorised, refused and returned count the authorising officers' decisions made in the "
                    "period; served counts notices served in it.",))


def risk(decisions: list[tuple]) -> Section:
    mix = Counter()
    for outcome, level, n in decisions:
        if outcome is DecisionOutcome.AUTHORISE:
            mix[level] += n
    total = sum(mix.values())
    early = mix[RiskLevel.STANDARD] + mix[RiskLevel.MEDIUM]
    early_percent = rules.percent(early, total)
    return Section("risk", "Risk mix of notices", f"{format_percent(early_percent)} of the {total} notices authorised "
                   "were at standard or medium risk.", (
                       Figure("standard", "Standard risk", mix[RiskLevel.STANDARD]),
                       Figure("medium", "Medium risk", mix[RiskLevel.MEDIUM]),
                       Figure("high", "High risk", mix[RiskLevel.HIGH]),
                       Figure("standard_or_medium_percent", "Standard or medium risk", early_percent, "percent"),
                   ), Chart("Notices authorised by DASH risk level", ("Standard", "Medium", "High"),
                            (mix[RiskLevel.STANDARD], mix[RiskLevel.MEDIUM], mix[RiskLevel.HIGH])),
                   ("The DASH risk level recorded on the case, for the notices authorised in the period.",))


def hearings(f: Filters) -> Section:
    outcomes = Counter({outcome: n for outcome, n in q.hearing_outcomes(f)})
    granted, refused = outcomes[HearingOutcome.GRANTED], outcomes[HearingOutcome.REFUSED]
    withdrawn, adjourned = outcomes[HearingOutcome.WITHDRAWN], outcomes[HearingOutcome.ADJOURNED]
    decided = granted + refused + withdrawn
    grant_rate = rules.percent(granted, decided)
    notices = q.service_to_hearing(f)
    in_time, complete = notices.in_time, notices.bundle_complete
    median = _median_hours(notices.middle_micros)
    return Section("hearings", "Hearings and outcomes", f"{granted} of {decided} applications decided were granted "
                   f"({format_percent(grant_rate)}); median {_hours(median)} from service to the "
                   "hearing.", (
                       Figure("listed", "Hearings listed", sum(outcomes.values())),
                       Figure("granted", "Orders granted", granted),
                       Figure("refused", "Orders refused", refused),
                       Figure("adjourned", "Adjourned", adjourned),
                       Figure("withdrawn", "Applications withdrawn", withdrawn),
                       Figure("awaiting_outcome", "Outcome not yet recorded", outcomes[None]),
                       Figure("grant_rate", "Grant rate (granted of granted, refused and withdrawn)", grant_rate,
                              "percent"),
                       Figure("median_hours_service_to_hearing", "Median time from service to the hearing",
                              median, "hours"),
                       Figure("heard_within_limit", f"Hearing begun within the {STATUTORY_HEARING_HOURS}-hour limit "
                              "(Sundays and bank holidays not counted)", in_time),
                       Figure("heard_within_limit_percent", "Begun within the limit, of notices with a hearing",
                              rules.percent(in_time, notices.heard), "percent"),
                       Figure("served_without_hearing", "Notices served with no hearing listed", notices.served - notices.heard),
                       Figure("bundle_complete_at_listing", "Bundles complete when the hearing was listed", complete),
                       Figure("bundle_complete_percent", "Bundles complete at listing, of notices with a hearing",
                              rules.percent(complete, notices.heard), "percent"),
                   ), Chart("Hearing outcomes", ("Granted", "Refused", "Adjourned", "Withdrawn"),
                            (granted, refused, adjourned, withdrawn)),
                   ("Outcomes count hearings listed to start in the period; an adjournment is not a decision, so "
                    "the grant rate leaves it out.",
                    "Time to the hearing is from service to the first hearing's recorded start (or its listed start), "
                    "for notices served in the period.",
                    "A bundle is complete at listing when every required item was done before the first hearing was "
                    "listed; an item unticked later no longer counts (an untick removes the tick's record)."))


def _median_hours(middle_micros: tuple[int | None, int | None]) -> float | None:
    """The median in hours from the two middle durations the database picked (domain/figures
    rounds it as it rounds any median); None when there were none."""
    if middle_micros[0] is None:
        return None
    return rules.median_hours(q.hours_of(m) for m in middle_micros)


def _hours(value: float | None) -> str:
    return "no hearings" if value is None else f"{value:g} hours"


def breaches(f: Filters, areas: tuple[str, ...]) -> Section:
    total, of_orders, arrests = 0, 0, 0
    by_area: Counter = Counter({a: 0 for a in (areas if f.area is None else (f.area,))})
    outcomes: Counter = Counter()
    for area, of_order, arrested, outcome, n in q.breaches(f):
        total += n
        of_orders += n if of_order else 0
        arrests += n if arrested else 0
        by_area[area] += n
        outcomes[outcome] += n
    criminal = Counter({(step, value): n for step, value, n in q.criminal_outcomes(f)})
    in_force = q.orders_in_force(f)
    per_order = rules.ratio(of_orders, in_force)
    area_figures = tuple(Figure(f"area_{area}", f"Breaches in {area}", n) for area, n in sorted(by_area.items()))
    return Section("breaches", "Breaches", f"{total} breaches, {of_orders} of orders ({per_order if per_order is not None else 'no'} "
                   f"per order in force); {arrests} arrests.", (
                       Figure("total", "Breaches", total),
                       Figure("of_notices", "Breaches of notices", total - of_orders),
                       Figure("of_orders", "Breaches of orders", of_orders),
                       Figure("orders_in_force", "Orders in force during the period", in_force),
                       Figure("per_order", "Breaches of orders per order in force", per_order, "per_order"),
                       Figure("arrests", "Arrests for breach", arrests),
                       Figure("proved", "Proved (contempt or breach of the notice)", outcomes[BreachOutcome.PROVED]),
                       Figure("not_proved", "Not proved", outcomes[BreachOutcome.NOT_PROVED]),
                       Figure("brought_before_court", "Brought before the court at the hearing of the application",
                              outcomes[BreachOutcome.BROUGHT_BEFORE_COURT]),
                       Figure("no_outcome", "No court outcome recorded (awaiting the court, or a DAPO breach "
                              "on its criminal path)", outcomes[None] + outcomes[BreachOutcome.ADJOURNED]),
                       Figure("dapo_charged", "DAPO breaches charged", criminal[("charge", q.CHARGED)]),
                       Figure("dapo_convicted", "DAPO breaches convicted", criminal[("verdict", q.CONVICTED)]),
                       Figure("dapo_contempt", "DAPO breaches punished as a contempt",
                              sum(n for (step, _), n in criminal.items() if step == "contempt")),
                       *area_figures,
                   ), Chart("Breaches by area", tuple(sorted(by_area)), tuple(by_area[a] for a in sorted(by_area))),
                   ("Breaches that happened in the period, by the case's area; orders in force are those made by the "
                    "period's last day and not ended before its first.",))


def orders(f: Filters) -> Section:
    started, served, in_target = q.order_service(f, DEFAULT_ORDER_SERVICE_HOURS)
    made, victims, told = q.orders_and_victims_told(f)
    return Section("orders", "Orders served and victims told", f"{in_target} of {made} orders served on P within the "
                   f"target; {told} of {victims} victims told of their order.", (
                       Figure("made", "Orders made", made),
                       Figure("served_on_p", "Served on P", served),
                       Figure("served_within_target", "Served on P within the target (24 hours unless the force set "
                              "another)", in_target),
                       Figure("served_within_target_percent", "Served within the target, of orders made",
                              rules.percent(in_target, started), "percent"),
                       Figure("not_served", "Not yet recorded as served on P", started - served),
                       Figure("victims", "Victims protected by the orders", victims),
                       Figure("victims_told", "Victims told of the order", told),
                       Figure("victims_told_percent", "Victims told, of victims protected",
                              rules.percent(told, victims), "percent"),
                   ), None, ("Orders made in the period (granted, or recorded as made elsewhere); the target is the one "
                             "fixed on each order at its grant (ORDER_SERVICE_HOURS).",))


def dapo(f: Filters) -> Section:
    kinds = Counter({kind: n for kind, n in q.dapo_requirements(f)})
    positive = sum(n for kind, n in kinds.items() if KINDS[kind].positive)
    monitoring, complied, failed, on_time, late, exempt = q.dapo_records(f)
    return Section("dapo", "DAPO requirements, notifications and monitoring",
                   f"{sum(kinds.values())} requirements on DAPOs made; {on_time} of {on_time + late} notifications "
                   f"on time; {monitoring} electronic monitoring requirements.", (
                       Figure("requirements", "Requirements imposed", sum(kinds.values())),
                       Figure("prohibitions", "Prohibitions", sum(kinds.values()) - positive),
                       Figure("positive_requirements", "Requirements to do something (programmes, substance misuse)",
                              positive),
                       Figure("monitoring", "Electronic monitoring requirements", monitoring),
                       Figure("reports_complied", "Compliance reports: complied", complied),
                       Figure("reports_failed", "Compliance reports: failed to comply", failed),
                       Figure("notifications_on_time", "Notifications given on time (s.41)", on_time),
                       Figure("notifications_late", "Notifications given late", late),
                       Figure("notifications_on_time_percent", "On time, of notifications given",
                              rules.percent(on_time, on_time + late), "percent"),
                       Figure("exemptions", "Exempt from notification (s.41(8))", exempt),
                   ), None, ("Requirements and monitoring on DAPOs made in the period; reports and notifications "
                             "recorded in it.",))


def referrals(counts: q.ReferralCounts) -> Section:
    """`counts` from q.referrals: lateness is to the sending or refusal, or to now while unsent."""
    in_time, late, declined, sent = counts.sent_in_time, counts.late, counts.declined, counts.sent
    pending, overdue, made = counts.pending, counts.overdue, counts.referrals
    due = made - pending
    return Section("referrals", "Victims' Code referrals", f"{in_time} of {made} referrals sent within the Code's "
                   f"working days; {late + overdue} late; {declined} declined by the victim.", (
                       Figure("referrals", "Referrals made", made),
                       Figure("sent_in_time", "Sent within the working days (Right 4)", in_time),
                       Figure("sent", "Sent to a support service", sent),
                       Figure("declined", "Declined by the victim (recorded, not sent)", declined),
                       Figure("late", "Sent or declined after the due time", late),
                       Figure("overdue_unsent", "Not yet sent and past the due time", overdue),
                       Figure("not_yet_due", "Not yet sent, not yet due", pending),
                       Figure("in_time_percent", "Settled in time, of those due", rules.percent(due - late - overdue, due),
                              "percent"),
                       Figure("median_hours_late", "Median lateness", _median_hours(counts.late_middle_micros), "hours"),
                       Figure("max_hours_late", "Longest lateness", rules.max_hours(
                           [] if counts.late_max_micros is None else [q.hours_of(counts.late_max_micros)]), "hours"),
                   ), Chart("Referrals by timeliness", ("Sent in time", "Declined", "Late", "Overdue"),
                            (in_time, declined, late, overdue)),
                   ("Referrals whose trigger (the notice served, or refused) fell in the period; lateness is in clock "
                    "hours past the due time, to sending or recording the refusal, or to now while still unsent.",))


SUPPORT_FOLLOW_UP_NOT_RECORDED = ("A follow-up call planned with a victim who engaged is a date cleared once the call "
                                  "is logged, so how many were planned is not kept")


def contact(counts: q.ReferralCounts) -> Section:
    referred, engaged, declined = counts.with_service, counts.engaged, counts.declined_support
    rate = rules.percent(engaged, referred)
    return Section("contact", "Caseworker contact", f"{engaged} of {referred} victims referred engaged with the "
                   f"service ({format_percent(rate)}).", (
                       Figure("referred", "Referrals sent to a service", referred),
                       Figure("engaged", "Victim engaged", engaged),
                       Figure("declined", "Victim declined support", declined),
                       Figure("no_contact", "No contact made", referred - engaged - declined),
                       Figure("engaged_percent", "Engaged, of referrals sent", rate, "percent"),
                       Figure("follow_ups_due", "Follow-up calls near the order's end (victim declined, agreed to "
                              "one)", counts.follow_ups_due),
                       Figure("follow_ups_done", "Those follow-up calls made", counts.follow_ups_done),
                       Figure("support_follow_ups", "Follow-up calls planned with victims who engaged", None,
                              not_recorded=SUPPORT_FOLLOW_UP_NOT_RECORDED),
                   ), Chart("Caseworker contact", ("Engaged", "Declined", "No contact"),
                            (engaged, declined, referred - engaged - declined)),
                   ("Referrals sent whose trigger fell in the period: engaged if any contact attempt engaged the "
                    "victim, declined if she declined and never engaged.",))


def welfare(f: Filters) -> Section:
    fences, alerts, visits, done, p_present, arrests = q.welfare(f)
    return Section("welfare", "Geofences and welfare visits", f"{fences} geofences made, {alerts} alerts, {visits} "
                   f"visits; {p_present} possible breaches found and {arrests} arrests.", (
                       Figure("geofences", "Geofences made", fences),
                       Figure("alerts", "Geofence alerts raised", alerts),
                       Figure("visits", "Welfare visits", visits),
                       Figure("visits_done", "Visits with the victim seen and spoken to", done),
                       Figure("possible_breaches", "Visits at which P was present (possible breach)", p_present),
                       Figure("arrests", "Arrests for breaches found on an officer's visit", arrests),
                   ), Chart("Geofences and welfare visits", ("Geofences", "Alerts", "Visits", "Possible breaches",
                                                            "Arrests"), (fences, alerts, visits, p_present, arrests)),
                   ("Arrests count breaches recorded as found on an officer's visit with an arrest in the period: a "
                    "breach records where it came from, not which visit.",))


def repeats(f: Filters) -> Section:
    found = repeat_people(f.period.start, f.period.end, f.area, f.regime)
    return Section("repeats", "Repeat victims and perpetrators", f"{found.victims} repeat victims and "
                   f"{found.perpetrators} repeat perpetrators had a case in the period.", (
                       Figure("victims", "Repeat victims", found.victims),
                       Figure("perpetrators", "Repeat perpetrators", found.perpetrators),
                   ), None, ("People on a case whose incident fell in the period who were on an earlier case in the "
                             "same role (the same person as officers confirmed it).",))
