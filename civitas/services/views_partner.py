"""Scenario partners scan merchant cards: each sees only what its scenario needs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civitas.services import actions
from civitas.services.access import partner_of
from civitas.services.forms import ScanForm


@login_required
def scan(request: HttpRequest, code: str = "") -> HttpResponse:
    partner = partner_of(request.user)
    initial = {"code": code} if code else {}
    form = ScanForm(request.POST or None, initial=initial, scenarios=partner.scenarios)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = actions.do_verify_card(
            form.cleaned_data["code"], partner=partner, scenario=form.cleaned_data["scenario"], acting_user=request.user
        )
        form = ScanForm(initial={"scenario": form.cleaned_data["scenario"]}, scenarios=partner.scenarios)
    recent = partner.scans.select_related("card")[:10]
    return render(
        request, "services/partner/scan.html", {"partner": partner, "form": form, "outcome": outcome, "recent": recent}
    )
