from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from civitas.people import actions
from civitas.people.access import access_person, may_see_full_identity, people_visible_to
from civitas.people.forms import PersonSearchForm, RevealForm
from civitas.people.models import Person
from civitas.people.search import search_people
from civitas.places.models import RentalProperty


def _require_search_role(request: HttpRequest) -> None:
    from civitas.accounts.choices import PEOPLE_SEARCH_ROLES

    if getattr(request.user, "role", None) not in PEOPLE_SEARCH_ROLES:
        raise PermissionDenied


def _properties(request: HttpRequest, person: Person) -> list[RentalProperty]:
    """The person's let properties that the viewer may see (never addresses outside the jurisdiction)."""
    from civitas.places.access import properties_visible_to

    return list(properties_visible_to(request.user).filter(landlord=person).select_related("building")[:50])


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _require_search_role(request)
    # POST, so identity and phone numbers never land in URLs, access logs, history or Referer headers.
    form = PersonSearchForm(request.POST or None)
    results = None
    if form.is_valid():
        results = search_people(
            people_visible_to(request.user), form.cleaned_data["q"], form.cleaned_data.get("field") or "auto"
        )
    return render(request, "people/search.html", {"form": form, "results": results})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(request.user, pk)
    context = {
        "person": person,
        "reveal_form": RevealForm(),
        "may_reveal": may_see_full_identity(request.user),
        "revealed": None,
        "properties": _properties(request, person),
    }
    from civitas.core.extensions import person_panels

    context["panels"] = person_panels(request, person)
    return render(request, "people/detail.html", context)


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person(request.user, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = actions.do_reveal_identity(
                person, acting_user=request.user, purpose=form.cleaned_data["purpose"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    from civitas.core.extensions import person_panels

    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "reveal_form": form,
            "may_reveal": may_see_full_identity(request.user),
            "revealed": revealed,
            "properties": _properties(request, person),
            "panels": person_panels(request, person),
        },
    )
