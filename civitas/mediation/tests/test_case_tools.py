"""What the mediator and the dispatcher work with on a case: evidence files, the party's number to call,
dispatch decisions in words, early warnings they can mark as handled, ratings both ways, statistics,
and the intake channels (officer, hotline, grid worker, court)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from civitas.core.models import AuditEvent
from civitas.mediation import actions
from civitas.mediation.choices import CaseStatus, RatingDirection
from civitas.mediation.models import Alert, Case, Mediator, Rating
from civitas.mediation.policy import Policy
from civitas.mediation.tests.builders import file_case, mediator

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def accepted(personas):
    m = mediator(personas["t1"], rating="5.00")
    case = file_case(personas["g1"], now=NOW)
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    case.refresh_from_db()
    return case, m


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _settle(case: Case, m: Mediator) -> None:
    agreement = actions.do_draft_agreement(
        case, texts={"zh": "卖方退款"}, amount=Decimal("3000"), perform_by=None, acting_user=m.user
    )
    for party in case.parties.all():
        actions.do_record_paper_signature(agreement, party, acting_user=m.user)
    actions.do_sign_as_mediator(agreement, acting_user=m.user)
    actions.do_seal_agreement(agreement, acting_user=m.user, now=NOW + datetime.timedelta(hours=5))
    case.refresh_from_db()


# --- evidence ---------------------------------------------------------------------------------------


def test_the_mediator_uploads_evidence_on_the_case_page_and_downloads_it(accepted, personas):
    case, m = accepted
    c = _client(m.user)
    upload = SimpleUploadedFile("invoice.txt", b"invoice 2026-001: 5000 CNY", content_type="text/plain")
    c.post(f"/mediation/cases/{case.pk}/do/evidence", {"file": upload, "description": "发票"})
    ev = case.evidence.get()
    assert ev.description == "发票" and ev.size == 26
    page = c.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert f"/mediation/cases/{case.pk}/evidence/{ev.pk}" in page
    resp = c.get(f"/mediation/cases/{case.pk}/evidence/{ev.pk}")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"invoice 2026-001: 5000 CNY"
    assert resp["Content-Disposition"].startswith("attachment")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="mediation.evidence_opened").count() == 1
    # A dispatcher may open it; police who can read the case page may not, nor another case's mediator.
    assert _client(personas["mediator"]).get(f"/mediation/cases/{case.pk}/evidence/{ev.pk}").status_code == 200
    assert _client(personas["police"]).get(f"/mediation/cases/{case.pk}/evidence/{ev.pk}").status_code == 404
    other = mediator(personas["t1"])
    assert _client(other.user).get(f"/mediation/cases/{case.pk}/evidence/{ev.pk}").status_code == 404


def test_evidence_of_another_case_is_not_served_through_this_case(accepted, personas):
    case, m = accepted
    other = file_case(personas["g1"], now=NOW, claimant_langs="sw")
    ev = actions.do_add_evidence(other, SimpleUploadedFile("a.txt", b"x", content_type="text/plain"))
    assert _client(m.user).get(f"/mediation/cases/{case.pk}/evidence/{ev.pk}").status_code == 404


def test_an_upload_of_the_wrong_type_or_too_large_is_refused_with_the_rule(accepted):
    case, _m = accepted
    with pytest.raises(ValidationError, match="photo, PDF"):
        actions.do_add_evidence(case, SimpleUploadedFile("x.html", b"<script>", content_type="text/html"))
    big = SimpleUploadedFile("big.pdf", b"%PDF", content_type="application/pdf")
    big.size = 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="10 MB"):
        actions.do_add_evidence(case, big)
    assert not case.evidence.exists()


def test_an_upload_without_a_file_says_so(accepted):
    case, m = accepted
    resp = _client(m.user).post(f"/mediation/cases/{case.pk}/do/evidence", {"description": "x"}, follow=True)
    assert "Choose a file to upload." in resp.content.decode()


# --- the party's number -----------------------------------------------------------------------------


def test_the_mediator_sees_a_partys_full_number_to_call_and_the_view_is_recorded(accepted):
    case, m = accepted
    party = case.parties.get(role="claimant")
    page = _client(m.user).post(f"/mediation/cases/{case.pk}/parties/{party.pk}/phone", follow=True)
    text = page.content.decode()
    assert "13800000001" in text
    event = AuditEvent.objects.get(action="mediation.phone_revealed")
    assert event.new == {"party": party.pk} and "13800000001" not in json.dumps(event.new)
    # The page itself keeps the number masked.
    assert "13800000001" not in _client(m.user).get(f"/mediation/cases/{case.pk}/").content.decode()


def test_nobody_but_the_cases_mediator_or_a_dispatcher_sees_the_full_number(accepted, personas):
    case, m = accepted
    party = case.parties.first()
    assert "data-reveal=" in _client(m.user).get(f"/mediation/cases/{case.pk}/").content.decode()
    assert "data-reveal=" not in _client(personas["police"]).get(f"/mediation/cases/{case.pk}/").content.decode()
    with pytest.raises(PermissionDenied):
        actions.reveal_party_phone(case, party, acting_user=personas["police"])
    assert _client(personas["police"]).post(f"/mediation/cases/{case.pk}/parties/{party.pk}/phone").status_code == 404
    assert actions.reveal_party_phone(case, party, acting_user=personas["mediator"]).endswith("0001")


def test_after_the_case_closes_the_numbers_stay_masked(accepted):
    case, m = accepted
    _settle(case, m)
    with pytest.raises(ValidationError, match="closed"):
        actions.reveal_party_phone(case, case.parties.first(), acting_user=m.user)


# --- decisions and warnings in words ----------------------------------------------------------------


def test_the_case_page_names_the_candidates_and_the_reasons_in_words(personas):
    m = mediator(personas["t1"], rating="5.00", name="王调解")
    case = file_case(personas["g1"], now=NOW)
    queued = file_case(personas["g1"], now=NOW, claimant_langs="sw")
    c = _client(personas["mediator"])
    page = c.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert "王调解" in page and "rating +10" in page and f"#{m.pk}" not in page
    queued_page = c.get(f"/mediation/cases/{queued.pk}/").content.decode()
    assert "no on-duty mediator shares a language with every party" in queued_page
    assert "no_shared_language" not in queued_page
    actions.do_offer_manually(queued, [m], acting_user=personas["mediator"], now=NOW)
    manual = c.get(f"/mediation/cases/{queued.pk}/").content.decode()
    assert "no shared language (party 1 speaks Swahili)" in manual and "party 1: sw" not in manual


def test_a_dispatcher_reads_a_warning_in_words_and_marks_it_handled(personas):
    p = Policy()
    for _ in range(p.repeat_party_cases):
        file_case(personas["g1"], now=NOW, company="华丰饰品行")
    alert = Alert.objects.get(kind="repeat_party")
    c = _client(personas["mediator"])
    console = c.get("/mediation/console/").content.decode()
    assert "respondent in 3 disputes within 90 days" in console and "{&#x27;" not in console
    assert c.post(f"/mediation/alerts/{alert.pk}/handled").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert f'data-alert="{alert.pk}"' not in c.get("/mediation/console/").content.decode()
    with pytest.raises(ValidationError, match="already"):
        actions.do_acknowledge_alert(alert, acting_user=personas["mediator"])
    assert AuditEvent.objects.filter(action="mediation.alert_acknowledged").count() == 1


def test_a_category_spike_is_shown_by_its_category_not_its_codes(personas):
    alert = Alert.objects.create(
        kind="category_spike",
        key="spike:x",
        division=personas["t1"],
        subject=f"{personas['t1'].code} wages",
        detail={"category": "wages", "today": 6, "trailing_mean": 0.5, "factor": 3},
    )
    assert alert.headline == "unpaid wages"
    assert alert.summary == "6 cases today against a daily mean of 0.5 over the trailing days"


# --- ratings both ways and statistics ---------------------------------------------------------------


def test_a_party_rates_the_mediator_once_after_the_case_closes_and_the_average_follows(accepted):
    case, m = accepted
    claimant, respondent = case.parties.order_by("role")
    with pytest.raises(ValidationError, match="closed"):
        actions.do_rate_mediator(case, claimant, stars=5)
    _settle(case, m)
    with pytest.raises(ValidationError, match="1 to 5"):
        actions.do_rate_mediator(case, claimant, stars=6)
    actions.do_rate_mediator(case, claimant, stars=5)
    actions.do_rate_mediator(case, respondent, stars=2)
    with pytest.raises(ValidationError, match="already"):
        actions.do_rate_mediator(case, claimant, stars=1)
    m.refresh_from_db()
    assert m.rating == Decimal("3.50") and m.rating_count == 2


def test_the_mediator_rates_each_party_and_may_revise_it_but_not_for_another_case(accepted, personas):
    case, m = accepted
    party = case.parties.first()
    actions.do_rate_party(case, party, stars=2, acting_user=m.user)
    actions.do_rate_party(case, party, stars=4, comment="配合", acting_user=m.user)
    rating = Rating.objects.get(case=case, direction=RatingDirection.OF_PARTY)
    assert rating.stars == 4 and rating.party == party
    other = file_case(personas["g1"], now=NOW, claimant_langs="sw")
    with pytest.raises(ValidationError):
        actions.do_rate_party(case, other.parties.first(), stars=3, acting_user=m.user)
    with pytest.raises(PermissionDenied):
        actions.do_rate_party(case, party, stars=3, acting_user=mediator(personas["t1"]).user)


def test_the_mediator_rates_a_party_on_the_case_page(accepted):
    case, m = accepted
    party = case.parties.get(role="respondent")
    c = _client(m.user)
    assert 'id="rate-parties"' in c.get(f"/mediation/cases/{case.pk}/").content.decode()
    c.post(f"/mediation/cases/{case.pk}/do/rate_party", {"party": party.pk, "stars": "2", "comment": "不配合"})
    rating = Rating.objects.get(case=case, direction=RatingDirection.OF_PARTY)
    assert (rating.party, rating.stars, rating.comment) == (party, 2, "不配合")
    assert "不配合" in c.get(f"/mediation/cases/{case.pk}/").content.decode()


def test_statistics_give_the_settled_rate_time_to_settle_and_amount_per_mediator(accepted, personas):
    case, m = accepted
    _settle(case, m)
    c = _client(personas["analyst"])
    mine = next(r for r in c.get("/api/mediation/statistics").json()["mediators"] if r["mediator_id"] == m.pk)
    assert mine["cases"] == 1 and mine["settled"] == 1 and mine["settled_rate"] == 1.0
    assert mine["median_hours_to_settle"] == 5.0 and Decimal(mine["amount_settled"]) == 3000
    page = c.get("/mediation/statistics/").content.decode()
    assert "100 %" in page and "trade and contracts" in page and "people&#x27;s mediator" in page


# --- intake channels --------------------------------------------------------------------------------


def test_a_court_referral_and_a_grid_worker_file_through_their_own_channels(personas):
    mediator(personas["t1"])
    court = file_case(personas["g1"], now=NOW, channel="court")
    assert court.channel == "court" and court.status == CaseStatus.OFFERED
    c = _client(personas["grid"])
    data = {
        "name": "李工",
        "languages": ["zh"],
        "phone": "13800000011",
        "nationality": "CHN",
        "category": "wages",
        "division": personas["v1"].code,
        "other_name": "王老板",
        "other_company": "",
        "other_languages": ["zh"],
        "other_phone": "13900000012",
        "amount": "6000",
        "claimants": "1",
        "description": "拖欠三个月工资",
        "evidence": SimpleUploadedFile("payslip.png", b"\x89PNG....", content_type="image/png"),
    }
    resp = c.post("/mediation/cases/new/", data, follow=True)
    case = Case.objects.exclude(pk=court.pk).get()
    assert resp.status_code == 200 and case.channel == "grid" and case.category == "wages"
    assert case.code in resp.content.decode()  # the case lies outside the grid: the code is the receipt
    assert case.evidence.get().content_type == "image/png"  # the file given at the counter is kept
