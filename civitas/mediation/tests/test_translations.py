"""The mediation catalogues are complete, and the pages a party uses come out in the party's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from civitas.mediation.views import SESSION_INTAKE
from civitas.testing import po
from civitas.testing.po import Entry, nplurals

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGS = ["zh_Hans", "en", "ar", "ru"]


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    return po.catalogue(LOCALE_DIR, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_mediation_catalogue_is_translated(lang: str) -> None:
    header, entries = catalogue(lang)
    forms = nplurals(header)
    assert len(entries) > 400, "the catalogue holds the mediation app's messages"
    untranslated = [
        e.msgid
        for e in entries
        if sorted(e.msgstr) != list(range(forms if e.msgid_plural is not None else 1)) or not all(e.msgstr.values())
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_entry_of_the_mediation_catalogue_is_fuzzy(lang: str) -> None:
    header, entries = catalogue(lang)
    assert [e.msgid or "(header)" for e in [header, *entries] if "fuzzy" in e.flags] == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = catalogue(lang)
    assert nplurals(header) == forms
    # The app counts with "{n}" in plain messages today; any plural message added later has every form.
    assert [e.msgid for e in entries if e.msgid_plural is not None and len(e.msgstr) != forms] == []


@pytest.mark.parametrize("lang", LANGS)
def test_mediation_translations_keep_the_placeholders_of_the_source(lang: str) -> None:
    _, entries = catalogue(lang)
    broken = []
    for e in entries:
        if e.msgid_plural is None:
            if sorted(po.PLACEHOLDER.findall(e.msgstr[0])) != sorted(po.PLACEHOLDER.findall(e.msgid)):
                broken.append(e.msgid)
        else:
            allowed = set(po.PLACEHOLDER.findall(e.msgid_plural))
            if any(not set(po.PLACEHOLDER.findall(text)) <= allowed for text in e.msgstr.values()):
                broken.append(e.msgid)
    assert broken == []


def test_the_english_catalogue_repeats_the_source() -> None:
    _, entries = catalogue("en")
    assert [e.msgid for e in entries if e.msgid_plural is None and e.msgstr[0] != e.msgid] == []


# Pages a party reaches without an account: what each must say in each language.
INTAKE = "/mediation/file/"
STATUS = "/mediation/status/"
PAGES = {
    INTAKE: {
        "zh-hans": ["我要调解", "调解不收费。会说您语言的调解员将与您联系。", "您的手机号", "发送验证码"],
        "ar": ["حلّ نزاع", "الوساطة مجانية. سيتواصل معك وسيط يتحدث لغتك.", "رقم هاتفك المحمول", "أرسل لي رمزًا"],
        "ru": [
            "Урегулировать спор",
            "Примирение бесплатно. С вами свяжется медиатор, говорящий на вашем языке.",
            "Ваш мобильный телефон",
            "Отправить мне код",
        ],
    },
    STATUS: {
        "zh-hans": ["我的纠纷", "案件码", "您的手机号"],
        "ar": ["نزاعي", "رمز القضية", "رقم هاتفك المحمول"],
        "ru": ["Мой спор", "Код дела", "Ваш мобильный телефон"],
    },
}
# The dispute step of the intake page, once the phone is checked.
DISPUTE_STEP = {
    "zh-hans": ["验证码已发送至尾号 1234 的手机。", "纠纷类型", "纠纷发生地", "共同申请人数", "提交纠纷"],
    "ar": ["أرسلنا رمزًا إلى الهاتف المنتهي بـ 1234.", "ما موضوع النزاع؟", "أين وقع؟", "قدّم النزاع"],
    "ru": [
        "Мы отправили код на телефон, оканчивающийся на 1234.",
        "О чём спор?",
        "Где это произошло?",
        "Сколько человек обращаются вместе?",
        "Подать спор",
    ],
}
# Source strings of those pages that must not leak into a translated page.
ENGLISH = [
    "Resolve a dispute",
    "Mediation is free.",
    "Your mobile phone",
    "Send me a code",
    "My dispute",
    "Case code",
    "What is the dispute about?",
    "Where did it happen?",
    "File the dispute",
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
def test_party_pages_speak_the_chosen_language(client: Client, url: str, lang: str) -> None:
    html = _get(client, url, lang)
    assert f'lang="{lang}"' in html
    assert [text for text in PAGES[url][lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(DISPUTE_STEP))
def test_the_dispute_form_speaks_the_chosen_language(client: Client, lang: str) -> None:
    session = client.session
    session[SESSION_INTAKE] = {"challenge": 0, "phone": "1234"}
    session.save()
    html = _get(client, INTAKE, lang)
    assert [text for text in DISPUTE_STEP[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PAGES))
def test_arabic_party_pages_run_right_to_left(client: Client, url: str) -> None:
    assert 'dir="rtl"' in _get(client, url, "ar")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ru"])
def test_other_languages_run_left_to_right_on_the_intake_page(client: Client, lang: str) -> None:
    html = _get(client, INTAKE, lang)
    assert 'dir="ltr"' in html and 'dir="rtl"' not in html
