"""The catalogue: seeded services, search in each language, content fallback."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from civitas.services.choices import ServiceKind
from civitas.services.models import Service, ServiceCategory
from civitas.services.texts import localized
from civitas.services.views import search_services

REQUIRED = {
    "accommodation-registration",
    "visa-extension",
    "residence-permit",
    "work-permit",
    "company-registration",
    "fx-account",
    "merchant-card",
    "driving-licence",
    "school-enrolment",
    "hospital-registration",
    "dispute-help",
}


def codes(q: str, lang: str, category: str = "") -> set[str]:
    return {s.code for s in search_services(q, category, lang)}


def test_the_catalogue_is_seeded_with_the_issues_services_in_five_groups(db):
    assert {s.code for s in Service.objects.all()} >= REQUIRED
    assert list(ServiceCategory.objects.values_list("code", flat=True)) == ["live", "work", "trade", "travel", "family"]
    assert Service.objects.filter(kind=ServiceKind.ONLINE).count() == 6
    for s in Service.objects.all():
        for lang in ("zh-hans", "en", "ar", "ru"):
            assert s.name.get(lang) and s.summary.get(lang), (s.code, lang)


def test_search_finds_a_service_in_each_language(db):
    assert "visa-extension" in codes("签证", "zh-hans")
    assert "visa-extension" in codes("visa", "en")
    assert "visa-extension" in codes("تأشيرة", "ar")
    assert "visa-extension" in codes("виз", "ru")
    assert "merchant-card" in codes("商友卡", "zh-hans")
    assert "company-registration" in codes("شركة", "ar")


def test_search_is_case_insensitive_and_combines_with_the_category(db):
    assert "driving-licence" in codes("DRIVING", "en")
    assert codes("visa", "en", "family") == set()
    assert "work-permit" in codes("", "en", "work")


def test_text_falls_back_to_chinese_then_english():
    assert localized({"zh-hans": "中文", "en": "English"}, "ar") == "中文"
    assert localized({"en": "English"}, "ru") == "English"
    assert localized({"zh-hans": "中文", "ar": "عربي"}, "ar") == "عربي"
    with translation.override("ru"):
        assert localized({"ru": "Русский", "en": "English"}) == "Русский"


def test_the_catalogue_page_searches_in_the_visitors_language(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/services/", {"q": "تأشيرة"}).content.decode()
    assert "تمديد الإقامة بالتأشيرة" in page and 'dir="rtl"' in page
    assert "Driving" not in page


def test_the_catalogue_api_answers_in_the_requested_language(db):
    data = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/api/services/catalogue", {"q": "виз"}).json()
    names = {d["code"]: d["name"] for d in data}
    assert names["visa-extension"] == "Продление срока пребывания по визе"
