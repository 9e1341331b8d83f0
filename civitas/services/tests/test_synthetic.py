"""The demo data builds through the actions on a small synthetic city."""

from __future__ import annotations

import datetime
import random

from civitas.services import synthetic
from civitas.services.models import Application, CardVerification, MerchantCard, Partner, Reminder, ResidentProfile
from civitas.synthetic.context import SeedContext
from civitas.testing import factories


def test_populate_creates_applications_in_every_state_cards_partners_and_accounts(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nat = ["YEM", "RUS", "EGY", "IND", "KAZ", "SYR"]
    people = [factories.foreigner(f"TRADER {i}", nationality=nat[i % 6], division=city["g1"]) for i in range(70)]
    ctx = SeedContext(seed=1, residents=100, today=datetime.date.today(), rng=random.Random(1))
    ctx.foreigner_ids = [p.pk for p in people]
    synthetic.populate(ctx)
    assert ResidentProfile.objects.count() == 70
    assert ResidentProfile.objects.filter(language="ar").exists()
    assert set(Application.objects.values_list("status", flat=True)) == {
        "submitted",
        "accepted",
        "more_documents",
        "approved",
        "refused",
    }
    assert set(MerchantCard.objects.values_list("status", flat=True)) == {"active", "suspended", "revoked"}
    assert Partner.objects.count() == 7 and CardVerification.objects.exists() and Reminder.objects.exists()
    assert {"services", "services_station", "partner_seller"} <= {a.username for a in ctx.accounts}
