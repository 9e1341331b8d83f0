"""The demo year of credit data: built through the actions, consistent with the ledger, fast enough."""

from __future__ import annotations

import time

import pytest
from django.db.models import Sum

from civitas.credit import synthetic
from civitas.credit.models import Appeal, Balance, LedgerEntry, MerchantFile, Scheme
from civitas.synthetic.city import generate

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_year_is_consistent_and_quick() -> None:
    ctx = generate(seed=11, residents=3000, populate_apps=False, log=lambda m: None)
    t = time.perf_counter()
    synthetic.populate(ctx)
    elapsed = time.perf_counter() - t
    assert LedgerEntry.objects.filter(subject_type="landlord").count() > 100
    assert set(LedgerEntry.objects.values_list("cycle", flat=True)) == {ctx.today.year - 1, ctx.today.year}
    assert MerchantFile.objects.exists() and LedgerEntry.objects.filter(subject_type="merchant").exists()
    assert Appeal.objects.filter(entry__subject_id=ctx.landlord_ids[0]).exists()
    for scheme in Scheme.objects.all():
        for b in Balance.objects.filter(scheme=scheme)[:200]:
            total = LedgerEntry.objects.filter(scheme=scheme, subject_id=b.subject_id, cycle=b.cycle).aggregate(
                s=Sum("points")
            )["s"]
            assert b.points == scheme.starting_balance + total
    assert elapsed < 60, f"credit demo data took {elapsed:.1f}s"
