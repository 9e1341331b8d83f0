"""The residence catalogues are complete, the landlord's pages come out in the visitor's language, and the
credit notes residence sends with its events are written in the site's language."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import DomainEvent
from civitas.residence.tests.builders import chinese, declare, rooms
from civitas.testing import po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("lang", po.LANGS)
def test_every_message_of_the_residence_catalogue_is_translated_and_none_is_fuzzy(lang: str) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert len(entries) > 300, "the catalogue holds the residence app's messages"
    assert po.untranslated(header, entries) == []
    assert po.fuzzy(header, entries) == []
    assert po.broken_placeholders(entries) == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_residence_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert po.nplurals(header) == forms and f"Language: {lang}\\n" in header.msgstr[0]
    plural = [e for e in entries if e.msgid_plural is not None]
    assert plural and all(len(e.msgstr) == forms for e in plural)


@pytest.mark.parametrize("lang", ["zh_Hans", "ar", "ru"])
def test_no_residence_message_is_left_in_english(lang: str) -> None:
    _, entries = po.catalogue(LOCALE_DIR, lang)
    assert [e.msgid for e in entries if e.msgstr.get(0) == e.msgid] == []


WORKBENCH = {
    "zh-hans": ["房东工作台", "待您确认", "您的出租房屋", "暂无待确认事项。"],
    "ar": ["لوحة عمل المؤجر", "بانتظار تأكيدك", "عقاراتك"],
    "ru": ["Рабочее место арендодателя", "Ожидают вашего подтверждения", "Ваши объекты"],
}
ENGLISH = ["Landlord workbench", "Waiting for your confirmation", "Your properties", "Nothing to confirm."]


def _client(user: Any, lang: str | None = None) -> Client:
    mo = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run compilemessages (bin/bootstrap does)"
    client = Client(headers={"accept-language": f"{lang},en;q=0.5"} if lang else {})
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(WORKBENCH))
def test_the_landlord_workbench_follows_the_browser_language(personas: dict[str, Any], lang: str) -> None:
    html = _client(personas["landlord"], lang).get(reverse("residence:workbench")).content.decode()
    assert f'lang="{lang}"' in html
    assert [text for text in WORKBENCH[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
def test_without_a_preference_the_property_page_speaks_simplified_chinese(personas: dict[str, Any], settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the product default (tests otherwise default to English)
    declare(rooms(personas)[0], chinese("住户一"), source="landlord", acting_user=personas["landlord"])
    url = reverse("residence:landlord-property", args=[personas["property"].pk])
    html = _client(personas["landlord"]).get(url).content.decode()
    assert 'lang="zh-hans"' in html
    assert [t for t in ["房东码", "当前租客", "历史租客", "住户一"] if t not in html] == []
    assert "Current tenants" not in html


@pytest.mark.django_db
def test_the_credit_note_of_a_late_declaration_is_in_the_sites_language(personas: dict[str, Any], settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the active language stays English: the note does not follow it
    late = declare(
        rooms(personas)[1],
        chinese("赵六"),
        source="landlord",
        acting_user=personas["landlord"],
        move_in=timezone.localdate() - datetime.timedelta(days=5),
    )
    note = DomainEvent.objects.get(kind="residence.declaration_late").payload["credit"]["note"]
    assert note == f"租客逾期 2 天申报（{late.number}）。"


@pytest.mark.django_db
def test_a_declaration_names_its_verification_rules_in_chinese(personas: dict[str, Any]) -> None:
    decl = declare(rooms(personas)[0], chinese("住户一"), source="landlord", acting_user=personas["landlord"])
    url = reverse("residence:declaration", args=[decl.pk])
    html = _client(personas["landlord"], "zh-hans").get(url).content.decode()
    assert [t for t in ["自动核验", "身份证件有效", "房间未超核定人数", "不在重点人员名单上"] if t not in html] == []
    assert "within_capacity" not in html and "document_valid" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ar", "ru"])
def test_no_residence_page_shows_an_untranslated_sentence(personas: dict[str, Any], lang: str) -> None:
    late = declare(
        rooms(personas)[0],
        chinese("住户一"),
        source="landlord",
        acting_user=personas["landlord"],
        move_in=timezone.localdate() - datetime.timedelta(days=6),
    )
    pending = declare(rooms(personas)[1], chinese("住户二"))
    pages = [
        ("landlord", reverse("residence:workbench")),
        ("landlord", reverse("residence:landlord-property", args=[personas["property"].pk])),
        ("landlord", reverse("residence:declaration", args=[pending.pk])),
        ("police", reverse("residence:declaration", args=[late.pk])),
        ("police", reverse("residence:review")),
        ("police", reverse("residence:declarations")),
        ("police", reverse("residence:residents")),
        ("police", reverse("residence:counts")),
    ]
    sentences = po.source_sentences(LOCALE_DIR)
    problems = []
    for who, url in pages:
        response = _client(personas[who], lang).get(url)
        assert response.status_code == 200, url
        text = po.visible_text(response.content.decode())
        problems += [f"{url}: {s!r}" for s in sentences if s in text]
    assert problems == []
