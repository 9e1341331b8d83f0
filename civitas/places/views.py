from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civitas.core.extensions import property_panels
from civitas.people.models import Person
from civitas.places.access import access_division, access_property, properties_visible_to


@login_required
def division_root(request: HttpRequest) -> HttpResponse:
    code = getattr(request.user, "scope_code", None)
    if code is None:
        raise Http404
    return redirect("places:division", code=code)


@login_required
def division(request: HttpRequest, code: str) -> HttpResponse:
    div = access_division(request.user, code)
    children = list(div.children.order_by("code"))
    # One grouped query each (no N+1): residents and let properties per child division.
    n = len(code) + 3 if len(code) < 15 else len(code)
    residents = dict(
        Person.objects.filter(division__code__startswith=code)
        .annotate(child=Substr("division_id", 1, n))
        .values("child")
        .annotate(n=Count("id"))
        .values_list("child", "n")
    )
    props = dict(
        properties_visible_to(request.user)
        .filter(division__code__startswith=code)
        .annotate(child=Substr("division_id", 1, n))
        .values("child")
        .annotate(n=Count("id"))
        .values_list("child", "n")
    )
    rows = [
        {"division": c, "residents": residents.get(c.code, 0), "properties": props.get(c.code, 0)} for c in children
    ]
    properties = None
    if len(code) == 15:
        properties = (
            properties_visible_to(request.user).filter(division_id=code).select_related("building", "landlord")[:200]
        )
    return render(
        request,
        "places/division.html",
        {
            "division": div,
            "ancestors": div.ancestors(),
            "rows": rows,
            "properties": properties,
            "total_residents": sum(residents.values()),
            "total_properties": sum(props.values()),
        },
    )


@login_required
def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prop = access_property(request.user, pk)
    rooms = list(prop.rooms.order_by("floor", "number"))
    return render(
        request,
        "places/property.html",
        {
            "property": prop,
            "rooms": rooms,
            "panels": property_panels(request, prop),
        },
    )
