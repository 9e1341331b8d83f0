"""The demo data: every kind of mediator, foreign mediators qualified, a case history built by the actions."""

import time

import pytest

from civitas.mediation import synthetic
from civitas.mediation.models import Agreement, Case, Mediator
from civitas.synthetic.city import generate

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_mediators_of_every_kind_a_case_history_and_accounts():
    ctx = generate(seed=11, residents=1500, populate_apps=False, log=lambda m: None)
    t0 = time.perf_counter()
    synthetic.populate(ctx)
    print(f"mediation populate: {time.perf_counter() - t0:.1f}s for {Case.objects.count()} cases")
    kinds = set(Mediator.objects.values_list("kind", flat=True))
    assert kinds == {"peoples", "foreign", "hometown", "lawyer"}
    foreign = Mediator.objects.filter(kind="foreign")
    assert foreign.count() == 17 and len(set(foreign.values_list("nationality", flat=True))) == 14
    for m in foreign:
        m.full_clean()
    helpers = set(Mediator.objects.filter(kind="hometown").values_list("home_province", flat=True))
    assert helpers == {"36", "34", "52", "41", "51", "43"}
    assert Case.objects.count() >= 40
    assert Case.objects.filter(status="settled").exists() and Case.objects.filter(status="queued").exists()
    assert Case.objects.filter(parties__foreign=True, mediator__kind="foreign").exists()
    assert all(a.effective for a in Agreement.objects.all())
    usernames = {a.username for a in ctx.accounts}
    assert {"mediator", "mediator_foreign", "dispatcher"} <= usernames
    for username in ("mediator", "mediator_foreign"):  # their workbench opens on a live case and a meeting
        live = Case.objects.filter(mediator__user__username=username, status="active", sessions__held=False)
        assert live.exists()
    foreign_cases = Case.objects.filter(mediator__user__username="mediator_foreign", status="active")
    assert any("ar" in c.parties.get(role="claimant").languages for c in foreign_cases)
