"""The demo city's declaration history: mostly verified, some late and flagged, pending for the demo landlord."""

import time

import pytest
from django.db.models import Count

from civitas.core.models import DomainEvent
from civitas.residence import synthetic
from civitas.residence.choices import DeclarationStatus
from civitas.residence.history import residence_periods
from civitas.residence.models import Declaration, Residency
from civitas.synthetic.city import generate

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_tenant_gets_a_realistic_history(capsys):
    ctx = generate(seed=11, residents=1500, populate_apps=False, log=lambda m: None)
    t = time.perf_counter()
    synthetic.populate(ctx)
    took = time.perf_counter() - t
    current = Residency.objects.current()
    assert set(current.values_list("person_id", flat=True)) == set(ctx.tenant_rooms)
    statuses = dict(Declaration.objects.values_list("status").annotate(n=Count("id")))
    total = sum(statuses.values())
    assert statuses[DeclarationStatus.VERIFIED] / total > 0.6
    assert statuses.get(DeclarationStatus.FLAGGED, 0) > 0 and statuses.get(DeclarationStatus.CHECKED_OUT, 0) > 0
    assert Declaration.objects.filter(foreign=True).exists()
    assert DomainEvent.objects.filter(kind="residence.declaration_late").exists()
    demo = Declaration.objects.filter(property__landlord_id=ctx.landlord_ids[0]).pending_landlord()
    assert demo.exists()
    some_tenant = next(iter(ctx.tenant_rooms))
    assert residence_periods(some_tenant)[-1].end is None
    with capsys.disabled():
        print(f"\nresidence populate: {took:.1f}s for {len(ctx.tenant_rooms)} tenants, {statuses}")


def test_a_large_city_gets_its_history_from_set_based_sql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the large-city history is PostgreSQL SQL")
    ctx = generate(seed=12, residents=1200, populate_apps=False, log=lambda m: None)
    ctx.large = True  # as for > 200,000 residents, on a city small enough for a test
    synthetic.populate(ctx)
    decls = Declaration.objects.all()
    assert decls.count() > 500
    assert not decls.annotate(n=Count("members")).exclude(n=1).exists()
    assert not decls.annotate(n=Count("results")).exclude(n=6).exists()
    current = Residency.objects.current()
    assert current.count() == decls.filter(status=DeclarationStatus.VERIFIED).count()
    assert len(set(current.values_list("person_id", flat=True))) == current.count()  # one home each
    earlier = decls.filter(status=DeclarationStatus.CHECKED_OUT).first()
    assert earlier is not None and earlier.move_out is not None and earlier.move_out >= earlier.move_in
    assert residence_periods(earlier.members.get().person_id)
