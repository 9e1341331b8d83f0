"""The permits catalogues are complete, and the resident-facing pages come out in the visitor's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from civitas.testing import po
from civitas.testing.po import Entry, nplurals

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGS = ["zh_Hans", "en", "ar", "ru"]


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    return po.catalogue(LOCALE_DIR, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_permits_catalogue_is_translated(lang: str) -> None:
    header, entries = catalogue(lang)
    forms = nplurals(header)
    assert len(entries) > 300, "the catalogue holds the permits app's messages"
    untranslated = [
        e.msgid
        for e in entries
        if sorted(e.msgstr) != list(range(forms if e.msgid_plural is not None else 1)) or not all(e.msgstr.values())
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_entry_of_the_permits_catalogue_is_fuzzy(lang: str) -> None:
    header, entries = catalogue(lang)
    assert [e.msgid or "(header)" for e in [header, *entries] if "fuzzy" in e.flags] == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = catalogue(lang)
    assert nplurals(header) == forms
    plural = [e for e in entries if e.msgid_plural is not None]
    assert plural and all(len(e.msgstr) == forms for e in plural)


@pytest.mark.parametrize("lang", LANGS)
def test_permits_translations_keep_the_placeholders_of_the_source(lang: str) -> None:
    _, entries = catalogue(lang)
    broken = []
    for e in entries:
        if e.msgid_plural is None:
            if sorted(po.PLACEHOLDER.findall(e.msgstr[0])) != sorted(po.PLACEHOLDER.findall(e.msgid)):
                broken.append(e.msgid)
        else:
            # A form for one number (Arabic "one application") may spell the number out.
            allowed = set(po.PLACEHOLDER.findall(e.msgid_plural))
            if any(not set(po.PLACEHOLDER.findall(text)) <= allowed for text in e.msgstr.values()):
                broken.append(e.msgid)
    assert broken == []


# Resident-facing pages, reachable without an account: what each must say in each language.
PAGES = {
    "/permits/verify/?t=not-a-credential": {
        "zh-hans": ["核验居住证", "无效", "凭证（扫描所得二维码内容）"],
        "ar": ["التحقق من تصريح إقامة", "غير صالح", "بيانات الاعتماد (محتوى رمز QR الممسوح)"],
        "ru": ["Проверить вид на жительство", "НЕДЕЙСТВИТЕЛЕН", "Удостоверение (содержимое"],
    },
    "/permits/me/start/": {
        "zh-hans": ["我的居住证", "身份证件号码", "发送验证码"],
        "ar": ["تصريح إقامتي", "رقم وثيقة الهوية", "أرسل لي رمزًا"],
        "ru": ["Мой вид на жительство", "Номер документа, удостоверяющего личность", "Отправить мне код"],
    },
    "/permits/services/": {
        "zh-hans": ["居住证能带来什么", "义务教育", "查看我能否申领"],
        "ar": ["ما يمنحه تصريح الإقامة", "التعليم الإلزامي", "تحقق مما إذا كان بإمكاني التقديم"],
        "ru": ["Что даёт вид на жительство", "Обязательное образование", "Проверить, могу ли я подать"],
    },
}
# Source strings of those pages that must not leak into a translated page.
ENGLISH = [
    "Verify a residence permit",
    "Credential (scanned QR content)",
    "My residence permit",
    "Send me a code",
    "What a residence permit gives",
    "Check whether I can apply",
]
CASES = [(url, lang) for url, texts in PAGES.items() for lang in texts]


def _get(client: Client, url: str, lang: str) -> str:
    mo = LOCALE_DIR / {"zh-hans": "zh_Hans"}.get(lang, lang) / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run compilemessages (bin/bootstrap does)"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "lang"), CASES)
def test_resident_pages_speak_the_chosen_language(client: Client, url: str, lang: str) -> None:
    html = _get(client, url, lang)
    assert f'lang="{lang}"' in html
    assert [text for text in PAGES[url][lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PAGES))
def test_arabic_resident_pages_run_right_to_left(client: Client, url: str) -> None:
    assert 'dir="rtl"' in _get(client, url, "ar")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_other_languages_run_left_to_right_on_the_verify_page(client: Client, lang: str) -> None:
    html = _get(client, "/permits/verify/", lang)
    assert 'dir="ltr"' in html and 'dir="rtl"' not in html
