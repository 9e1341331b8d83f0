"""Agreement signing rules, sealing, the 30-day confirmation rule, follow-up and referral."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civitas.core import sms
from civitas.core.models import DomainEvent
from civitas.mediation import actions
from civitas.mediation.actions import PartyInput
from civitas.mediation.choices import CaseStatus, Performance
from civitas.mediation.models import Mediator
from civitas.mediation.tests.builders import file_case, mediator
from civitas.testing import factories

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
TEXTS = {"ar": "يدفع البائع ٥٠٠٠ يوان", "zh": "卖方退还货款5000元"}


@pytest.fixture
def active_case():
    city = factories.small_city()
    m = mediator(city["t1"], kind="foreign", languages="zh,ar,en")
    merchant = factories.person("陈老板", division=city["g1"])
    case = file_case(
        city["g1"],
        now=NOW,
        claimant_langs="ar,en",
        foreign=True,
        nationality="EGY",
        respondent_person_id=merchant.pk,
    )
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    case.refresh_from_db()
    return case, m


def sign_party(agreement, party, capture):
    with capture(execute=True):
        ch = actions.do_send_signing_code(agreement, party)
    code = re.search(r"\b(\d{6})\b", sms.OUTBOX[-1][1]).group(1)
    return actions.do_sign_as_party(agreement, party, challenge_id=ch.pk, code=code)


def draft(case, m):
    return actions.do_draft_agreement(
        case, texts=TEXTS, amount=Decimal("5000"), perform_by=datetime.date(2026, 3, 20), acting_user=m.user
    )


def test_the_agreement_is_drafted_in_every_partys_language_and_chinese(active_case):
    case, m = active_case
    with pytest.raises(ValidationError, match="ar"):
        actions.do_draft_agreement(case, texts={"zh": "x"}, amount=Decimal(1), perform_by=None, acting_user=m.user)
    agreement = draft(case, m)
    assert agreement.languages == ["ar", "zh"]


def test_an_agreement_without_all_signatures_cannot_be_sealed(active_case, django_capture_on_commit_callbacks):
    case, m = active_case
    agreement = draft(case, m)
    claimant, respondent = case.parties.order_by("role")
    sign_party(agreement, claimant, django_capture_on_commit_callbacks)
    actions.do_sign_as_mediator(agreement, acting_user=m.user)
    with pytest.raises(ValidationError, match="missing"):
        actions.do_seal_agreement(agreement, acting_user=m.user)
    assert not agreement.effective
    sign_party(agreement, respondent, django_capture_on_commit_callbacks)
    actions.do_seal_agreement(agreement, acting_user=m.user, now=NOW)
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.effective and case.status == CaseStatus.SETTLED and case.settled_amount == Decimal("5000")
    assert Mediator.objects.get(pk=m.pk).load == 0


def test_a_wrong_code_does_not_sign_and_only_the_cases_mediator_signs_as_mediator(active_case, personas):
    case, m = active_case
    agreement = draft(case, m)
    party = case.parties.first()
    ch = actions.do_send_signing_code(agreement, party)
    with pytest.raises(ValidationError):
        actions.do_sign_as_party(agreement, party, challenge_id=ch.pk, code="000000x")
    with pytest.raises(PermissionDenied):
        actions.do_sign_as_mediator(agreement, acting_user=personas["mediator"])
    assert agreement.signatures.count() == 0


def test_redrafting_the_text_voids_the_signatures_given_on_the_old_text(
    active_case, django_capture_on_commit_callbacks
):
    case, m = active_case
    agreement = draft(case, m)
    sign_party(agreement, case.parties.first(), django_capture_on_commit_callbacks)
    actions.do_draft_agreement(
        case,
        texts={**TEXTS, "zh": "卖方退还货款4000元"},
        amount=Decimal("4000"),
        perform_by=None,
        acting_user=m.user,
    )
    assert agreement.signatures.count() == 0


def sealed(case, m, django_capture_on_commit_callbacks):
    agreement = draft(case, m)
    for party in case.parties.all():
        sign_party(agreement, party, django_capture_on_commit_callbacks)
    actions.do_sign_as_mediator(agreement, acting_user=m.user)
    return actions.do_seal_agreement(agreement, acting_user=m.user, now=NOW)


def test_judicial_confirmation_is_joint_and_within_30_days_of_sealing(active_case, django_capture_on_commit_callbacks):
    case, m = active_case
    agreement = sealed(case, m, django_capture_on_commit_callbacks)
    ids = list(case.parties.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="30 days"):
        actions.do_request_confirmation(
            agreement,
            court="义乌市人民法院",
            consenting_party_ids=ids,
            acting_user=m.user,
            now=NOW + datetime.timedelta(days=30, minutes=1),
        )
    with pytest.raises(ValidationError):
        actions.do_request_confirmation(
            agreement,
            court="义乌市人民法院",
            consenting_party_ids=ids[:1],
            acting_user=m.user,
            now=NOW + datetime.timedelta(days=29),
        )
    jc = actions.do_request_confirmation(
        agreement,
        court="义乌市人民法院",
        consenting_party_ids=ids,
        acting_user=m.user,
        now=NOW + datetime.timedelta(days=30),
    )
    assert jc.status == "requested"


def test_a_breached_agreement_feeds_the_merchants_credit_once(active_case, django_capture_on_commit_callbacks):
    case, m = active_case
    agreement = sealed(case, m, django_capture_on_commit_callbacks)
    actions.do_record_follow_up(agreement, outcome=Performance.BREACHED, acting_user=m.user)
    actions.do_record_follow_up(agreement, outcome=Performance.BREACHED, acting_user=m.user)
    event = DomainEvent.objects.get(kind="mediation.agreement_breached")
    respondent = case.parties.get(role="respondent")
    assert event.subject_type == "merchant" and event.subject_id == str(respondent.person_id)
    assert event.payload["credit"] == {
        "scheme": "merchant-credit",
        "rule": "agreement_breached",
        "subject_type": "merchant",
        "subject_id": respondent.person_id,
        "note": event.payload["credit"]["note"],
    }


def test_a_landlord_who_breaks_an_agreement_loses_landlord_points():
    city = factories.small_city()
    m = mediator(city["t1"], skills="rental")
    landlord = factories.person("王房东", division=city["g1"])
    respondent = PartyInput(role="respondent", name="王房东", person_id=landlord.pk, landlord=True, phone="13900000009")
    case = file_case(city["g1"], now=NOW, category="rental", respondent=respondent)
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    agreement = actions.do_draft_agreement(
        case, texts={"zh": "退押金"}, amount=Decimal(1500), perform_by=None, acting_user=m.user
    )
    for party in case.parties.all():
        ch = actions.do_send_signing_code(agreement, party)
        from civitas.mediation import otp

        code = "123456"
        ch.code_hash = otp._digest(str(ch.pk) + ch.phone_index, code)
        ch.save()
        actions.do_sign_as_party(agreement, party, challenge_id=ch.pk, code=code)
    actions.do_sign_as_mediator(agreement, acting_user=m.user)
    actions.do_seal_agreement(agreement, acting_user=m.user)
    actions.do_record_follow_up(agreement, outcome=Performance.BREACHED, acting_user=m.user)
    event = DomainEvent.objects.get(kind="mediation.agreement_breached")
    assert event.payload["credit"]["scheme"] == "landlord-12" and event.subject_id == str(landlord.pk)


def test_a_failed_mediation_is_referred_with_the_whole_case_file(active_case):
    case, m = active_case
    actions.do_add_note(case, "双方分歧较大", acting_user=m.user)
    ref = actions.do_refer_case(
        case,
        target="court",
        body="义乌市人民法院",
        reason="调解不成",
        parties_consent=True,
        acting_user=m.user,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    assert ref.case_file["code"] == case.code and ref.case_file["notes"][0]["text"] == "双方分歧较大"
    assert len(ref.case_file["parties"]) == 2 and "+86" in ref.case_file["parties"][0]["phone"]
    assert Mediator.objects.get(pk=m.pk).load == 0


def test_mediation_is_free_no_model_has_a_fee_field():
    from django.apps import apps

    names = [f.name for model in apps.get_app_config("mediation").get_models() for f in model._meta.fields]
    assert not [n for n in names if "fee" in n or "price" in n or "charge" in n]
