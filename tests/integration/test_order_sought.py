"""What the police ask a DAPO to include (DAA 2021 s.36(2)-(3), s.37(2)-(4), s.41), recorded on
the court page and printed in the hearing papers."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import AuditEntry, OrderSought, Role
from tests.integration.factories import served_case

PROGRAMME = {"positive-0-kind": "behaviour_programme", "positive-0-wording": "",
             "positive-0-supervisor": "Northshire Probation, Change Programme team",
             "positive-0-suitability_evidence": "Assessment of 20 Nov: suitable; places available weekly."}
MONITORING = {"monitoring": "yes", "monitoring_kind": "exclusion_zone", "monitoring_detail": "500 m around 4 Elm Road",
              "p_expected_present": "yes", "third_party_consent": "yes", "available_in_area": "not_known"}


def test_requirements_sought_need_a_supervisor_and_evidence_and_print(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer, regime=RegimeCode.DAPN)
    url = f"/cases/{case.id}/court/order-sought"
    assert "What the order should include" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    html = client.post(url, data={"csrf_token": token, "positive-0-kind": "behaviour_programme",
                                  "positive-0-supervisor": "", "positive-0-suitability_evidence": "",
                                  "monitoring": "yes", "monitoring_kind": "curfew"}).get_data(as_text=True)
    assert "s.36(2)" in html and "s.36(3)" in html and "Describe the exclusion zone or the curfew address" in html
    assert "Answer for the bench" in html
    assert re.search(r'<option selected value="behaviour_programme">', html)  # what was typed is kept
    assert client.post(url, data={"csrf_token": token, **PROGRAMME, **MONITORING}).status_code == 302
    sought = db.session.scalars(select(OrderSought)).one()
    assert sought.positive[0]["supervisor"] == "Northshire Probation, Change Programme team"
    assert sought.monitoring["available_in_area"] == "not_known"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "order.sought_saved")).one()
    assert entry.detail["positive"] == ["behaviour_programme"] and "Probation" not in str(entry.detail)
    # Shown again with what was saved.
    assert "Northshire Probation" in client.get(url).get_data(as_text=True)

    printout = " ".join(client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True).split())
    assert "The DAPO sought" in printout
    assert "To attend a behaviour change programme" in printout and "Northshire Probation" in printout
    assert "Assessment of 20 Nov: suitable" in printout
    assert "An exclusion zone" in printout and "500 m around 4 Elm Road" in printout
    assert "monitoring available in the area, as notified by the Secretary of State (s.37(4)): <strong>Not known yet" in printout
    assert "within the period of three days beginning with the day it is made" in printout


def test_a_dvpn_case_has_no_order_sought_page_and_prints_no_dapo_section(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    assert client.get(f"/cases/{case.id}/court/order-sought").status_code == 404
    assert "The DVPO sought" not in client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)


def test_only_officers_record_what_is_sought(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = served_case(officer, regime=RegimeCode.DAPN)
    _, token = login_as(Role.SUPERVISOR)
    assert client.get(f"/cases/{case.id}/court/order-sought").status_code == 403
    assert client.post(f"/cases/{case.id}/court/order-sought",
                       data={"csrf_token": token, **PROGRAMME}).status_code == 403


def test_the_grant_form_offers_the_requirements_sought(client, login_as):
    from app.services import court

    officer, token = login_as(Role.OFFICER)
    case = served_case(officer, regime=RegimeCode.DAPN)
    assert client.post(f"/cases/{case.id}/court/order-sought", data={"csrf_token": token, **PROGRAMME,
                                                                       "monitoring": "no"}).status_code == 302
    from datetime import timedelta

    from app.services.calendar import load_calendar
    court.list_hearing(officer, case, court_name="Northfield Magistrates", starts_at=case.served_at + timedelta(hours=20),
                       late_reason="", calendar=load_calendar())
    html = client.get(f"/cases/{case.id}/court/outcome").get_data(as_text=True)
    assert "Northshire Probation, Change Programme team" in html
