"""Officer views: a declaration, the review queue, residents now or on a date, lists, counts, watch list."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.places.access import access_division
from civitas.residence import actions
from civitas.residence.access import (
    COUNT_ROLES,
    access_declaration,
    declarations_visible_to,
    is_landlord,
    is_officer,
    require,
    residencies_visible_to,
    reviewable_by,
    role_of,
    watch_list_visible_to,
)
from civitas.residence.choices import DeclarationStatus
from civitas.residence.counts import counts_by_township
from civitas.residence.filters import from_query, parse_date
from civitas.residence.forms import CheckOutForm, DecideForm, ReasonForm, WatchListForm


@login_required
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    decl = access_declaration(request.user, pk)
    officer = is_officer(request.user)
    return render(
        request,
        "residence/declaration.html",
        {
            "decl": decl,
            "members": decl.members.select_related("person").order_by("id"),
            "results": decl.results.filter(current=True) if officer or is_landlord(request.user) else [],
            "officer": officer,
            "landlord": is_landlord(request.user),
            "decide_form": DecideForm() if officer and decl.can_officer_decide() else None,
            "reject_form": ReasonForm(),
            "checkout_form": CheckOutForm(),
            "rooms": decl.property.rooms.exclude(pk=decl.room_id).order_by("number"),
        },
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(is_officer(request.user))
    qs = from_query(request.GET.dict()).apply(reviewable_by(request.user)).prefetch_related("members__person")
    page = Paginator(qs.prefetch_related("results"), 50).get_page(request.GET.get("page"))
    return render(request, "residence/officer/review.html", {"page": page})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_officer(request.user))
    decl = access_declaration(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("residence:declaration", pk=pk)
    try:
        decl = actions.do_decide(
            decl,
            form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            corrections=form.corrections(),
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("residence:declaration", pk=pk)
    messages.success(
        request,
        _("Declaration {number}: {status}.").format(number=decl.number, status=decl.get_status_display()),
    )
    return redirect("residence:review")


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    """Residents of a division subtree now, or on a past date."""
    require(is_officer(request.user))
    code = request.GET.get("division") or getattr(request.user, "scope_code", None) or ""
    division = access_division(request.user, code)
    on = parse_date(request.GET.get("on"))
    qs = residencies_visible_to(request.user).filter(division__code__startswith=division.code)
    qs = qs.on(on) if on else qs.current()
    qs = qs.select_related("person", "property__building", "room", "declaration").order_by("property_id", "room_id")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "residence/officer/residents.html",
        {
            "division": division,
            "on": on,
            "page": page,
            "today": timezone.localdate(),
        },
    )


@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    """Declarations in the jurisdiction, filtered: late, flagged, by status, by division or property."""
    require(is_officer(request.user))
    flt = from_query(request.GET.dict())
    qs = flt.apply(declarations_visible_to(request.user)).prefetch_related("members__person")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "residence/officer/declarations.html",
        {
            "page": page,
            "filter": flt,
            "statuses": DeclarationStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    require(role_of(request.user) in COUNT_ROLES)
    from civitas.residence.models import Declaration

    day = parse_date(request.GET.get("day")) or timezone.localdate()
    period = request.GET.get("period", "day")
    since = day - datetime.timedelta(days=6) if period == "week" else day
    qs = Declaration.objects.in_scope(getattr(request.user, "scope_code", None) or "")
    return render(
        request,
        "residence/officer/counts.html",
        {
            "rows": counts_by_township(qs, since, day),
            "day": day,
            "since": since,
            "period": period,
        },
    )


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    require(role_of(request.user) in {"police", "city_admin"})
    form = WatchListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_to_watch_list(
                form.cleaned_data["doc_number"], form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Added to the watch list."))
            return redirect("residence:watch-list")
    entries = watch_list_visible_to(request.user).filter(active=True).select_related("added_by").order_by("-added_at")
    return render(request, "residence/officer/watch_list.html", {"form": form, "entries": entries[:200]})


@login_required
@require_POST
def watch_list_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(watch_list_visible_to(request.user), pk=pk)
    actions.do_remove_from_watch_list(entry, acting_user=request.user)
    messages.success(request, _("Removed from the watch list."))
    return redirect("residence:watch-list")
