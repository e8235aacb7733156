"""The header's navigation and each role's landing page, from one table.

Who sees an entry is not written here: it is whoever the entry's view lets in, as its
@roles_required recorded on the view (`allowed_roles`). A role lands on the first entry it
may see, so adding a page for a role and giving it a place in the table is one decision.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from app.models import Role

FALLBACK_ENDPOINT = "auth.account"
SEARCH_ENDPOINT = "search.search"


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str | None  # None: a landing page only, not shown in the header
    only_for: frozenset[Role] | None = None  # narrower than the view allows, when the header should not offer it to all


NAV: tuple[NavEntry, ...] = (
    NavEntry("authorisation.queue", "Awaiting decision"),
    NavEntry("cases.dashboard", "Dashboard"),
    NavEntry("handovers.my_cases", "My cases"),
    NavEntry("patrol.index", "Patrol"),
    NavEntry("search.case_list", "All cases"),
    NavEntry("cases.new_case", "New case"),
    NavEntry("referrals.code_breaches", "Referral breaches"),
    NavEntry("patrol.tasking", "Welfare tasking"),
    # Admins may open the trial page too, but reach it from their Texts and Administration pages.
    NavEntry("texts_admin.trial", "Text trial", only_for=frozenset({Role.SUPERVISOR})),
    NavEntry("trial_evaluation.evaluation", "Trial evaluation", only_for=frozenset({Role.SUPERVISOR})),
    NavEntry("casework.inbox", "Referrals"),
    NavEntry("admin.index", None),  # the administration page: admins land there (and the header's name takes them there)
    NavEntry("admin.users", "Users"),
    # Admins may use it too, but reach it from their Administration page.
    NavEntry("handovers.leaver", "Hand over cases", only_for=frozenset({Role.SUPERVISOR})),
    NavEntry("admin.calendar", "Bank holidays"),
    NavEntry("texts_admin.index", "Texts"),
    NavEntry("admin.services", "Support services"),
    # Supervisors and admins (issue 17); last, so neither lands on it.
    NavEntry("figures.page", "Figures"),
)


def _may_see(entry: NavEntry, role: Role) -> bool:
    view = current_app.view_functions[entry.endpoint]
    allowed = getattr(view, "allowed_roles", None) or frozenset()
    return role in allowed and (entry.only_for is None or role in entry.only_for)


def entries_for(role: Role) -> list[NavEntry]:
    return [entry for entry in NAV if _may_see(entry, role)]


def nav_items(role: Role) -> list[tuple[str, str]]:
    """(url, label) for each header link `role` sees, in order."""
    return [(url_for(entry.endpoint), entry.label) for entry in entries_for(role) if entry.label]


def may_search(role: Role) -> bool:
    """Whether the header shows the search box: the roles the search page lets in."""
    return role in current_app.view_functions[SEARCH_ENDPOINT].allowed_roles


def home_endpoint(role: Role) -> str:
    """Where `role` lands after logging in: the first entry it may see."""
    return next((entry.endpoint for entry in entries_for(role)), FALLBACK_ENDPOINT)


def home_url(role: Role) -> str:
    return url_for(home_endpoint(role))
