"""Open311 GeoReport v2: services, service definitions and requests in JSON and XML, errors in the spec's format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from civitas.inspections import actions
from civitas.inspections.models import Lead
from civitas.inspections.tests.builders import photo

BASE = "/inspections/open311/v2"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _xml(resp: Any) -> Any:
    assert resp["Content-Type"].startswith("text/xml")
    assert resp.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(resp.content)


def _post(fmt: str = "json", **data: Any) -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", data)


@pytest.fixture
def located(personas: Any) -> Any:
    building = personas["property"].building
    building.latitude, building.longitude = Decimal("29.306800"), Decimal("120.075100")
    building.save(update_fields=["latitude", "longitude"])
    return personas


def test_services_json_lists_the_hazard_categories_with_every_spec_field(db: Any) -> None:
    resp = Client().get(f"{BASE}/services.json")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    rows = resp.json()
    assert {r["service_code"] for r in rows} >= {"ebike_charging", "escape_blocked", "living_in_shop"}
    assert all(list(r) == SERVICE_FIELDS for r in rows)
    assert rows[0]["metadata"] is True and rows[0]["type"] == "realtime"


def test_services_xml_has_a_services_root_with_service_elements(db: Any) -> None:
    root = _xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("metadata") == "true"


def test_a_service_definition_lists_its_attributes_in_json_and_xml(db: Any) -> None:
    data = Client().get(f"{BASE}/services/ebike_charging.json").json()
    assert data["service_code"] == "ebike_charging"
    attr = data["attributes"][0]
    assert attr["datatype"] == "singlevaluelist" and {v["key"] for v in attr["values"]} == {"indoor", "outdoor"}
    root = _xml(Client().get(f"{BASE}/services/ebike_charging.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "indoor"


def test_an_unknown_service_definition_is_a_404_in_the_error_format(db: Any) -> None:
    resp = Client().get(f"{BASE}/services/nope.json")
    assert resp.status_code == 404 and resp.json()[0]["code"] == 404


def test_posting_a_request_with_coordinates_creates_a_located_lead(located: Any) -> None:
    resp = _post(
        service_code="escape_blocked",
        lat="29.3069",
        long="120.0752",
        description="窗户被防盗窗封死",
        email="a@example.com",
    )
    assert resp.status_code == 201
    body = resp.json()
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    lead = Lead.objects.get(pk=int(body[0]["service_request_id"]))
    assert lead.division_id == located["g1"].code and lead.contact_enc and "example" not in lead.contact_enc


def test_posting_in_xml_answers_in_xml(db: Any) -> None:
    resp = _post("xml", service_code="gas_danger", address_string="稠城街道工人路12号")
    assert resp.status_code == 201
    root = _xml(resp)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()


def test_a_request_may_carry_an_uploaded_photo(db: Any) -> None:
    resp = Client().post(
        f"{BASE}/requests.json", {"service_code": "ebike_charging", "address_string": "x路1号", "media": photo()}
    )
    assert resp.status_code == 201
    lead = Lead.objects.get()
    assert str(lead.photo.name).startswith("inspections/leads/")
    detail = Client().get(f"{BASE}/requests/{lead.pk}.json").json()[0]
    assert detail["media_url"].startswith("http://testserver/")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_without_a_location_is_refused_with_400_in_the_error_format(db: Any, fmt: str) -> None:
    resp = _post(fmt, service_code="escape_blocked", description="somewhere")
    assert resp.status_code == 400
    if fmt == "json":
        assert resp.json() == [{"code": 400, "description": "A location is required: lat and long, or address_string."}]
    else:
        root = _xml(resp)
        assert root.tag == "errors" and root.find("error/code").text == "400"
        assert "location is required" in root.find("error/description").text
    assert not Lead.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_refused_with_400(db: Any, fmt: str) -> None:
    resp = _post(fmt, service_code="potholes", lat="29.3", long="120.1")
    assert resp.status_code == 400
    text = resp.json()[0]["description"] if fmt == "json" else _xml(resp).find("error/description").text
    assert "Unknown service_code: potholes" in text


def test_bad_coordinates_are_refused(db: Any) -> None:
    resp = _post(service_code="escape_blocked", lat="north", long="120.1")
    assert resp.status_code == 400 and "lat" in resp.json()[0]["description"]


def test_the_reporter_follows_the_status_until_the_report_is_dismissed(personas: Any) -> None:
    lead_id = _post(service_code="overcrowding", address_string="工人路3号").json()[0]["service_request_id"]
    row = Client().get(f"{BASE}/requests/{lead_id}.json").json()[0]
    assert list(row) == REQUEST_FIELDS and row["status"] == "open"
    actions.do_dismiss_lead(
        Lead.objects.get(pk=lead_id), reason="同一地址已检查，无群租", acting_user=personas["admin"]
    )
    root = _xml(Client().get(f"{BASE}/requests/{lead_id}.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == REQUEST_FIELDS
    assert request.findtext("status") == "closed" and request.findtext("status_notes") == "同一地址已检查，无群租"


def test_a_tasked_report_closes_when_the_inspection_is_done(personas: Any) -> None:
    from civitas.inspections.tests.builders import inspect, rental_premises

    lead_id = _post(service_code="escape_blocked", address_string="x").json()[0]["service_request_id"]
    premises = rental_premises(personas)
    task = actions.do_task_from_lead(Lead.objects.get(pk=lead_id), premises=premises, acting_user=personas["admin"])
    assert Client().get(f"{BASE}/requests/{lead_id}.json").json()[0]["status"] == "open"
    inspect(premises, personas["inspector"], task=task)
    assert Client().get(f"{BASE}/requests/{lead_id}.json").json()[0]["status"] == "closed"


def test_requests_can_be_listed_by_id_and_by_status(db: Any) -> None:
    ids = [
        _post(service_code="gas_danger", address_string=f"路{i}号").json()[0]["service_request_id"] for i in range(3)
    ]
    rows = Client().get(f"{BASE}/requests.json", {"service_request_id": ",".join(ids[:2])}).json()
    assert sorted(r["service_request_id"] for r in rows) == sorted(ids[:2])
    assert len(Client().get(f"{BASE}/requests.json", {"status": "open"}).json()) == 3
    assert Client().get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert Client().get(f"{BASE}/requests.json", {"status": "maybe"}).status_code == 400


def test_an_unknown_request_id_is_a_404_in_the_error_format(db: Any) -> None:
    resp = Client().get(f"{BASE}/requests/99999.xml")
    assert resp.status_code == 404 and _xml(resp).find("error/code").text == "404"


def test_an_unknown_format_is_a_404(db: Any) -> None:
    resp = Client().get(f"{BASE}/services.csv")
    assert resp.status_code == 404 and json.loads(resp.content)[0]["code"] == 404
