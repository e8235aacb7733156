"""Who may read which case. Every query for cases goes through here."""
from __future__ import annotations

from sqlalchemy import Exists, Select, false, or_, select

from app.models import Case, Role, User

# Caseworkers see referrals, never case files; admins run the system, not cases.
CASE_READER_ROLES = (Role.OFFICER, Role.INSPECTOR, Role.SUPERINTENDENT, Role.SUPERVISOR)


def visible_cases(user: User) -> Select:
    """A SELECT of the cases `user` may read.

    Officers with an area see that area's cases and any case they are officer in; officers
    with no area, inspectors, superintendents and supervisors see the whole force.
    """
    query = select(Case)
    if user.role not in CASE_READER_ROLES:
        return query.where(false())
    if user.role is Role.OFFICER and user.area:
        return query.where(or_(Case.area == user.area, Case.officer_in_case_id == user.id))
    return query


def visible_case_ids(user: User) -> Select:
    """The ids of the cases `user` may read, as a subquery of its own: uncorrelated even where
    the enclosing query also selects from `case_file`."""
    return visible_cases(user).with_only_columns(Case.id).correlate(None)


def case_is(case_query: Select, case_id, *where) -> Exists:
    """EXISTS: the case `case_id` names (a column of the enclosing query) is one of
    `case_query`'s and meets `where`. A task query that reads its own table in an index's
    order tests the case row by row this way, instead of starting from every case the user
    may read and sorting what they have."""
    return case_query.with_only_columns(Case.id).where(Case.id == case_id, *where).correlate_except(Case).exists()


def can_create_cases(user: User) -> bool:
    return user.role is Role.OFFICER


def visible_referrals(user: User) -> Select:
    """A SELECT of the referrals `user` may read.

    A caseworker reads only referrals sent to their own service (and never one still with
    police, or declined); police read the referrals of the cases they may read.
    """
    from app.models import Referral, ReferralStatus

    query = select(Referral)
    if user.role is Role.CASEWORKER:
        if user.service_id is None:
            return query.where(false())
        return query.where(Referral.service_id == user.service_id, Referral.status.in_(ReferralStatus.with_service()))
    if user.role not in CASE_READER_ROLES:
        return query.where(false())
    return query.where(Referral.case_id.in_(visible_cases(user).with_only_columns(Case.id).scalar_subquery()))
