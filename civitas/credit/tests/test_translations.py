"""The credit catalogues are complete, and the landlord's credit page comes out in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from civitas.testing import po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("lang", po.LANGS)
def test_every_message_of_the_credit_catalogue_is_translated_and_none_is_fuzzy(lang: str) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert len(entries) > 200, "the catalogue holds the credit app's messages"
    assert po.untranslated(header, entries) == []
    assert po.fuzzy(header, entries) == []
    assert po.broken_placeholders(entries) == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_credit_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert po.nplurals(header) == forms and f"Language: {lang}\\n" in header.msgstr[0]
    assert [e.msgid for e in entries if e.msgid_plural is not None and len(e.msgstr) != forms] == []


@pytest.mark.parametrize("lang", ["zh_Hans", "ar", "ru"])
def test_no_credit_message_is_left_in_english(lang: str) -> None:
    _, entries = po.catalogue(LOCALE_DIR, lang)
    assert [e.msgid for e in entries if e.msgstr.get(0) == e.msgid and e.msgid.strip("%") != ""] == []


MINE = {
    "zh-hans": ["我的信用", "记分记录", "暂无记录。", "房东十二分制"],
    "ar": ["ائتماني", "القيود", "لا توجد قيود بعد."],
    "ru": ["Мой кредитный рейтинг", "Записи", "Записей пока нет."],
}
ENGLISH = ["My credit", "No entries yet.", "If you think a deduction is wrong"]


def _client(user: Any, lang: str | None = None) -> Client:
    mo = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run compilemessages (bin/bootstrap does)"
    client = Client(headers={"accept-language": f"{lang},en;q=0.5"} if lang else {})
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(MINE))
def test_the_landlords_credit_page_follows_the_browser_language(personas: dict[str, Any], lang: str) -> None:
    html = _client(personas["landlord"], lang).get(reverse("credit:mine")).content.decode()
    assert f'lang="{lang}"' in html
    assert [text for text in MINE[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
def test_without_a_preference_the_credit_page_speaks_simplified_chinese(personas: dict[str, Any], settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the product default (tests otherwise default to English)
    html = _client(personas["landlord"]).get(reverse("credit:mine")).content.decode()
    assert 'lang="zh-hans"' in html and "我的信用" in html and "My credit" not in html


@pytest.mark.django_db
def test_the_credit_page_chosen_by_cookie_speaks_arabic_right_to_left(personas: dict[str, Any]) -> None:
    client = _client(personas["landlord"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(reverse("credit:mine")).content.decode()
    assert 'dir="rtl"' in html and "ائتماني" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ar", "ru"])
def test_no_credit_page_shows_an_untranslated_sentence(personas: dict[str, Any], record: Any, lang: str) -> None:
    entry = record("household_file_incomplete")
    pages = [
        ("landlord", reverse("credit:mine")),
        ("landlord", reverse("credit:entry", args=[entry.pk])),
        ("police", reverse("credit:landlords")),
        ("police", reverse("credit:landlord", args=[personas["landlord_person"].pk])),
    ]
    sentences = po.source_sentences(LOCALE_DIR)
    problems = []
    for who, url in pages:
        response = _client(personas[who], lang).get(url)
        assert response.status_code == 200, url
        text = po.visible_text(response.content.decode())
        problems += [f"{url}: {s!r}" for s in sentences if s in text]
    assert problems == []
