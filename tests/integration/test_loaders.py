"""The case and referral a URL names: loaded once, only if readable, and only after the role check."""
from sqlalchemy import event

from app.extensions import db
from app.models import Role
from tests.integration.factories import open_case, sent_referral, served_case, support_service

MISSING = 999_999


def test_a_role_without_access_gets_403_even_for_a_case_that_does_not_exist(client, login_as):
    login_as(Role.CASEWORKER)
    for url in (f"/cases/{MISSING}", f"/cases/{MISSING}/court", f"/cases/{MISSING}/referrals",
                f"/cases/{MISSING}/referrals/{MISSING}/edit", f"/cases/{MISSING}/texts"):
        assert client.get(url).status_code == 403, url


def test_an_inspector_gets_403_not_404_on_an_officer_only_page(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = open_case(officer, area="South")
    login_as(Role.INSPECTOR)
    assert client.get(f"/cases/{case.id}/serve").status_code == 403
    assert client.get(f"/cases/{MISSING}/serve").status_code == 403


def test_a_case_out_of_sight_is_404(client, login_as, make_user):
    south = open_case(make_user(Role.OFFICER, area="South"), area="South")
    login_as(Role.OFFICER, area="North")
    for url in (f"/cases/{south.id}", f"/cases/{south.id}/court", f"/cases/{south.id}/application",
                f"/cases/{south.id}/texts", f"/cases/{south.id}/referrals", f"/cases/{MISSING}"):
        assert client.get(url).status_code == 404, url


def test_a_referral_must_belong_to_the_case_in_the_url(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service("Loader Support")
    case_a, referral_a = sent_referral(officer, service)
    case_b = served_case(officer)
    login_as(Role.OFFICER)
    assert client.get(f"/cases/{case_a.id}/referrals/{referral_a.id}/marac").status_code in (200, 302)
    assert client.get(f"/cases/{case_b.id}/referrals/{referral_a.id}/marac").status_code == 404


def test_a_caseworker_reads_only_their_own_services_referrals(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    theirs, other = support_service("Theirs"), support_service("Other")
    _, referral = sent_referral(officer, other)
    login_as(Role.CASEWORKER, service_id=theirs.id)
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    assert client.get(f"/referrals/{MISSING}").status_code == 404


def test_the_case_is_read_once_per_request(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case_id = served_case(officer).id
    login_as(Role.OFFICER)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM case_file" in statement and "case_file.id =" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/cases/{case_id}/court").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
