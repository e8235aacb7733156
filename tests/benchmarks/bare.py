"""The reference the dashboard is judged against: a bare Flask + Jinja render of the same rows.

`register(app)` adds GET /_bench/bare-rows to a benchmark's app (never to the real one): the
same page of live cases the dashboard shows (same order, same page size, the same user's
scope), read in one query with the perpetrator's name and the officer's, plus the count,
and rendered by an inline Jinja template into the same six cells per row. It passes
through the app's own request hooks (session, log-in, security headers), so what the
dashboard costs beyond it is the dashboard's own work: clocks, relations, banners, layout.
"""
from __future__ import annotations

BARE_PATH = "/_bench/bare-rows"
BARE_TEMPLATE = """<table><caption>{{ total }} live cases</caption><tbody>
{% for r in rows %}<tr><td><a href="/cases/{{ r.id }}">{{ r.reference }}</a></td><td>{{ r.perpetrator or '' }}</td>
<td>{{ r.state.label }}</td><td>{{ r.urgency_at.astimezone(london).strftime('%a %d %b %Y, %H:%M') if r.urgency_at else '' }}</td>
<td>{{ r.officer }}</td><td>{{ r.area }}</td></tr>
{% endfor %}</tbody></table>"""


def register(app) -> None:
    from flask import abort
    from flask_login import current_user
    from sqlalchemy import and_, func, select

    from app.domain.calendar import LONDON
    from app.extensions import db
    from app.models import Case, CaseState, Person, PersonKind, User
    from app.services.access import visible_cases

    template = app.jinja_env.from_string(BARE_TEMPLATE)

    def bare_rows():
        if not current_user.is_authenticated:
            abort(401)
        live = visible_cases(current_user).where(Case.state.in_(CaseState.live()))
        total = db.session.scalar(select(func.count()).select_from(live.subquery()))
        page = live.subquery()
        rows = db.session.execute(
            select(page.c.id, page.c.reference, page.c.state, page.c.area, page.c.urgency_at,
                   Person.full_name.label("perpetrator"), User.full_name.label("officer"))
            .outerjoin(Person, and_(Person.case_id == page.c.id, Person.kind == PersonKind.PERPETRATOR,
                                    Person.position == 0))
            .join(User, User.id == page.c.officer_in_case_id)
            .order_by(page.c.urgency_rank, page.c.urgency_at, page.c.created_at.desc(), page.c.id)
            .limit(app.config["DASHBOARD_PAGE_SIZE"])
        ).all()
        return template.render(rows=rows, total=total, london=LONDON)

    app.add_url_rule(BARE_PATH, "bench_bare_rows", bare_rows)
