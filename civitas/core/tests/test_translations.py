"""The project-level catalogues are complete, and pages come out in the visitor's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from civitas.testing import po
from civitas.testing.po import Entry, nplurals, parse_po

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["zh_Hans", "ar", "ru"]


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    return po.catalogue(LOCALE_DIR, lang)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_catalogue_is_translated(lang: str) -> None:
    header, entries = catalogue(lang)
    forms = nplurals(header)
    assert len(entries) > 100, "the foundation catalogue holds the registry's messages"
    untranslated = [
        e.msgid
        for e in entries
        if (sorted(e.msgstr) != list(range(forms if e.msgid_plural is not None else 1))) or not all(e.msgstr.values())
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_entry_of_the_catalogue_is_fuzzy(lang: str) -> None:
    header, entries = catalogue(lang)
    assert [e.msgid or "(header)" for e in [header, *entries] if "fuzzy" in e.flags] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_source(lang: str) -> None:
    _, entries = catalogue(lang)
    broken = []
    for e in entries:
        if e.msgid_plural is None:
            if sorted(po.PLACEHOLDER.findall(e.msgstr[0])) != sorted(po.PLACEHOLDER.findall(e.msgid)):
                broken.append(e.msgid)
        else:
            # A plural form for one number (Arabic "one person", "two persons") may spell the number out.
            allowed = set(po.PLACEHOLDER.findall(e.msgid_plural))
            if any(not set(po.PLACEHOLDER.findall(text)) <= allowed for text in e.msgstr.values()):
                broken.append(e.msgid)
    assert broken == []


def test_the_parser_reads_plural_entries_and_flags() -> None:
    path = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"
    plural = [e for e in parse_po(path) if e.msgid_plural]
    assert plural, "the catalogue has at least one plural message"
    assert len(plural[0].msgstr) == nplurals(parse_po(path)[0])
    assert "python-format" in plural[0].flags


LOGIN_PAGE = {
    "zh-hans": ["登录", "用户名", "密码"],
    "ar": ["تسجيل الدخول", "اسم المستخدم", "كلمة المرور"],
    "ru": ["Войти", "Имя пользователя", "Пароль"],
}
HOME_PAGE = {
    "zh-hans": ["义乌人口服务", "房东码", "人口服务与基层治理"],
    "ar": ["خدمات السكان في ييوو", "رمز المؤجر", "الحوكمة المحلية"],
    "ru": ["услуги населению Иу", "код арендодателя", "низовое управление"],
}
# Source strings that must not leak into a translated page.
ENGLISH = [
    "User name",
    "Password",
    "Staff and landlords: log in",
    "population services and grassroots governance",
]


def _mo_files_present() -> None:
    for lang in TRANSLATED:
        mo = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
        assert mo.exists(), f"{mo} is missing: run bin/bootstrap (it compiles the catalogues)"


def _get(client: Client, url: str, lang: str, *, by_cookie: bool = True) -> str:
    _mo_files_present()
    if by_cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        response = client.get(url)
    else:
        response = client.get(url, headers={"accept-language": f"{lang},en;q=0.5"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(LOGIN_PAGE))
def test_the_login_page_speaks_the_chosen_language(client: Client, lang: str) -> None:
    html = _get(client, "/accounts/login/", lang)
    assert f'lang="{lang}"' in html
    assert [text for text in LOGIN_PAGE[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(HOME_PAGE))
def test_the_home_page_follows_the_browser_language(client: Client, lang: str) -> None:
    html = _get(client, "/", lang, by_cookie=False)
    assert f'lang="{lang}"' in html
    assert [text for text in HOME_PAGE[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_arabic_pages_run_right_to_left(client: Client, url: str) -> None:
    assert 'dir="rtl"' in _get(client, url, "ar")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_other_languages_run_left_to_right(client: Client, lang: str) -> None:
    html = _get(client, "/accounts/login/", lang)
    assert 'dir="ltr"' in html and 'dir="rtl"' not in html


@pytest.mark.django_db
def test_without_a_preference_the_site_speaks_simplified_chinese(client: Client, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the product default (tests otherwise default to English)
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in html and "用户名" in html
