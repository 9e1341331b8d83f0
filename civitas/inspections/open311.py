"""Public hazard reports through Open311 GeoReport v2 (JSON and XML).

    GET  open311/v2/services.{fmt}            hazard categories
    GET  open311/v2/services/{code}.{fmt}     a category's definition (its attributes)
    POST open311/v2/requests.{fmt}            report a hazard (location required; photo: `media` or media_url)
    GET  open311/v2/requests.{fmt}            reports, filterable by id, code, dates, status
    GET  open311/v2/requests/{id}.{fmt}       one report: the reporter follows its status by id

Errors use the spec's format: a list of {code, description} (`<errors><error>…` in XML) with the same
HTTP status. No account is needed; the reporter's contact details are stored encrypted and never returned.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civitas.inspections import actions
from civitas.inspections.choices import LeadStatus, TaskStatus
from civitas.inspections.models import Lead, ReportService, Task

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RESULTS = 1000
DEFAULT_WINDOW_DAYS = 90
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "values": "value",
    "attributes": "attribute",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _xml_fill(ET.SubElement(el, ITEM_TAGS.get(tag, "item")), item)
    elif isinstance(value, dict):
        _xml_fill(el, value)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def _xml_fill(el: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        _xml_value(el, key, value)


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        if isinstance(data, list):
            el = ET.Element(root)
            for item in data:
                _xml_fill(ET.SubElement(el, ITEM_TAGS[root]), item)
        else:
            el = ET.Element(root)
            _xml_fill(el, data)
        body = ET.tostring(el, encoding="utf-8", xml_declaration=True)
        return HttpResponse(body, content_type=FORMATS["xml"], status=status)
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FORMATS["json"], status=status)


def errors(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        fmt if fmt in FORMATS else "json",
        "errors",
        [{"code": status, "description": description}],
        status=status,
    )


def _guard(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return errors("json", 404, _("Unknown format: use .json or .xml."))
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return errors(fmt, exc.status, exc.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _service_row(service: ReportService) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name_in(),
        "description": service.description_in(),
        "metadata": True,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


@_guard
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    rows = [_service_row(s) for s in ReportService.objects.filter(active=True)]
    return render(fmt, "services", rows)


@_guard
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    service = ReportService.objects.filter(code=code, active=True).first()
    if service is None:
        raise Open311Error(404, _("Unknown service_code: {code}").format(code=code))
    attributes = [
        {
            "variable": True,
            "code": "indoor",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": _("Where is the hazard?"),
            "values": [
                {"key": "indoor", "name": _("Inside a building")},
                {"key": "outdoor", "name": _("Outside (street, yard, stairway)")},
            ],
        }
    ]
    return render(fmt, "service_definition", {"service_code": service.code, "attributes": attributes})


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def lead_status(lead: Lead) -> str:
    if lead.status == LeadStatus.DISMISSED:
        return "closed"
    tasks = list(lead.tasks.all())
    if lead.status == LeadStatus.TASKED and tasks and all(t.status != TaskStatus.OPEN for t in tasks):
        return "closed"
    return "open"


def _request_row(lead: Lead, request: HttpRequest) -> dict[str, Any]:
    status = lead_status(lead)
    notes = lead.status_notes
    if status == "closed" and lead.status == LeadStatus.TASKED:
        notes = _("Inspected; any hazard found is followed up until a re-inspection passes.")
    media = lead.media_url or (request.build_absolute_uri(lead.photo.url) if lead.photo else "")
    return {
        "service_request_id": str(lead.pk),
        "status": status,
        "status_notes": notes,
        "service_name": lead.service.name_in(),
        "service_code": lead.service.code,
        "description": lead.description,
        "agency_responsible": lead.division.name if lead.division else "",
        "service_notice": "",
        "requested_datetime": _iso(lead.requested_at),
        "updated_datetime": _iso(lead.updated_at),
        "expected_datetime": None,
        "address": lead.address_string,
        "address_id": "",
        "zipcode": "",
        "lat": float(lead.latitude) if lead.latitude is not None else None,
        "long": float(lead.longitude) if lead.longitude is not None else None,
        "media_url": media,
    }


def _leads() -> QuerySet[Lead]:
    return Lead.objects.select_related("service", "division").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.only("id", "status", "lead_id"))
    )


def _coordinate(value: str, name: str, limit: int) -> Decimal | None:
    if value in ("", None):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, _("{name} must be a decimal number (WGS84).").format(name=name))
    if not number.is_finite() or abs(number) > limit:
        raise Open311Error(400, _("{name} is out of range.").format(name=name))
    return number.quantize(Decimal("0.000001"))


def _parse_time(value: str, name: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, _("{name} must be an ISO 8601 date and time.").format(name=name))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    service = ReportService.objects.filter(code=code, active=True).first()
    if service is None:
        raise Open311Error(400, _("Unknown service_code: {code}").format(code=code))
    lat = _coordinate(data.get("lat", ""), "lat", 90)
    lng = _coordinate(data.get("long", ""), "long", 180)
    address = data.get("address_string", "").strip()
    if (lat is None or lng is None) and not address:
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    media_url = data.get("media_url", "").strip()
    if media_url and not media_url.startswith(("http://", "https://")):
        raise Open311Error(400, _("media_url must be an http(s) URL."))
    contact = {k: data.get(k, "").strip() for k in ("email", "phone", "first_name", "last_name") if data.get(k)}
    try:
        lead = actions.do_submit_report(
            service=service,
            latitude=lat,
            longitude=lng,
            address_string=address,
            description=data.get("description", ""),
            media_url=media_url,
            photo=request.FILES.get("media"),
            contact=json.dumps(contact, ensure_ascii=False) if contact else "",
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(str(m) for m in exc.messages))
    notice = _("Thank you. Follow your report with its id.")
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": str(lead.pk), "service_notice": notice, "account_id": None}],
        status=201,
    )


@_guard
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, _("Use GET or POST."))
    qs = _leads()
    ids = request.GET.get("service_request_id", "").strip()
    if ids:
        wanted = [i for i in (p.strip() for p in ids.split(",")) if i]
        if not all(i.isdigit() for i in wanted):
            raise Open311Error(400, _("service_request_id must be a list of numbers."))
        qs = qs.filter(pk__in=wanted)
    else:
        end = _parse_time(request.GET["end_date"], "end_date") if request.GET.get("end_date") else timezone.now()
        start = (
            _parse_time(request.GET["start_date"], "start_date")
            if request.GET.get("start_date")
            else end - datetime.timedelta(days=DEFAULT_WINDOW_DAYS)
        )
        qs = qs.filter(requested_at__gte=start, requested_at__lte=end)
        codes = [c for c in request.GET.get("service_code", "").split(",") if c]
        if codes:
            qs = qs.filter(service__code__in=codes)
    rows = [_request_row(lead, request) for lead in qs.order_by("-requested_at")[:MAX_RESULTS]]
    status = request.GET.get("status", "").strip()
    if status:
        if status not in ("open", "closed"):
            raise Open311Error(400, _("status must be open or closed."))
        rows = [r for r in rows if r["status"] == status]
    return render(fmt, "service_requests", rows)


@_guard
def request_detail(request: HttpRequest, pk: str, *, fmt: str) -> HttpResponse:
    lead = _leads().filter(pk=pk).first() if pk.isdigit() else None
    if lead is None:
        raise Open311Error(404, _("No service request with id {id}.").format(id=pk))
    return render(fmt, "service_requests", [_request_row(lead, request)])
