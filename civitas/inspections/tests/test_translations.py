"""The inspections catalogues are complete, and the public and owner-facing pages come out in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from civitas.inspections import actions
from civitas.inspections.models import Notice
from civitas.inspections.tests.builders import T0, hazard
from civitas.testing import po
from civitas.testing.po import Entry, nplurals

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGS = ["zh_Hans", "en", "ar", "ru"]
# Messages that read the same in every language.
SAME_EVERYWHERE = {"SHA-256"}


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    return po.catalogue(LOCALE_DIR, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_of_the_inspections_catalogue_is_translated(lang: str) -> None:
    header, entries = catalogue(lang)
    forms = nplurals(header)
    assert len(entries) > 300, "the catalogue holds the inspections app's messages"
    untranslated = [
        e.msgid
        for e in entries
        if sorted(e.msgstr) != list(range(forms if e.msgid_plural is not None else 1)) or not all(e.msgstr.values())
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_entry_of_the_inspections_catalogue_is_fuzzy(lang: str) -> None:
    header, entries = catalogue(lang)
    assert [e.msgid or "(header)" for e in [header, *entries] if "fuzzy" in e.flags] == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_inspections_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = catalogue(lang)
    assert nplurals(header) == forms
    assert f"Language: {lang}\\n" in header.msgstr[0]
    assert all(len(e.msgstr) == forms for e in entries if e.msgid_plural is not None)


@pytest.mark.parametrize("lang", ["zh_Hans", "ar", "ru"])
def test_no_message_is_left_in_english_in_another_language(lang: str) -> None:
    _, entries = catalogue(lang)
    assert [e.msgid for e in entries if e.msgstr.get(0) == e.msgid and e.msgid not in SAME_EVERYWHERE] == []


@pytest.mark.parametrize("lang", LANGS)
def test_inspections_translations_keep_the_placeholders_of_the_source(lang: str) -> None:
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


def _client(lang: str, user: Any = None) -> Client:
    mo = LOCALE_DIR / {"zh-hans": "zh_Hans"}.get(lang, lang) / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run compilemessages (bin/bootstrap does)"
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


# The Open311 service definition (public, JSON): its question and answers in each language.
OPEN311_DEFINITION = "/inspections/open311/v2/services/ebike_charging.json"
DEFINITION_TEXTS = {
    "zh-hans": ("隐患在哪里？", "建筑物内", "室外（街道、院子、楼梯间）"),
    "ar": ("أين يوجد الخطر؟", "داخل مبنى", "في الخارج (شارع، فناء، درج)"),
    "ru": ("Где находится опасность?", "В здании", "Снаружи (улица, двор, лестница)"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(DEFINITION_TEXTS))
def test_the_open311_service_definition_asks_in_the_chosen_language(lang: str) -> None:
    response = _client(lang).get(OPEN311_DEFINITION)
    assert response.status_code == 200
    attribute = response.json()["attributes"][0]
    question, inside, outside = DEFINITION_TEXTS[lang]
    assert attribute["description"] == question
    assert [v["name"] for v in attribute["values"]] == [inside, outside]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh-hans", "未知的 service_code：nope"),
        ("ar", "service_code غير معروف: nope"),
        ("ru", "Неизвестный service_code: nope"),
    ],
)
def test_open311_errors_are_described_in_the_chosen_language(lang: str, text: str) -> None:
    response = _client(lang).get("/inspections/open311/v2/services/nope.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": text}]


# The landlord's page of safety hazards, with one hazard under a rectification notice.
OWNER_TEXTS = {
    "zh-hans": ["我的场所的安全隐患", "已下达整改通知书", "整改通知书", "整改期限"],
    "ar": ["مخاطر السلامة في منشآتي", "صدر إشعار تصحيح", "إشعار تصحيح", "المهلة"],
    "ru": ["Нарушения безопасности на моих объектах", "выдано предписание", "Предписание об устранении нарушения"],
}
ENGLISH = ["Safety hazards at my premises", "rectification notice issued", "Rectification notice", "Safety inspections"]


@pytest.fixture
def notice(personas: Any) -> Notice:
    return actions.do_issue_notice(hazard(personas), acting_user=personas["inspector"], now=T0)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(OWNER_TEXTS))
def test_the_landlords_hazard_page_speaks_the_chosen_language(personas: Any, notice: Notice, lang: str) -> None:
    response = _client(lang, personas["landlord"]).get("/inspections/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{lang}"' in html and notice.number in html
    assert [text for text in OWNER_TEXTS[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
def test_the_landlords_hazard_page_runs_right_to_left_in_arabic(personas: Any, notice: Notice) -> None:
    assert 'dir="rtl"' in _client("ar", personas["landlord"]).get("/inspections/").content.decode()
    html = _client("ru", personas["landlord"]).get("/inspections/").content.decode()
    assert 'dir="ltr"' in html and 'dir="rtl"' not in html


@pytest.mark.django_db
def test_the_owner_reports_the_fix_in_the_chosen_language(personas: Any, notice: Notice) -> None:
    html = _client("zh-hans", personas["landlord"]).get(f"/inspections/hazards/{notice.hazard_id}/").content.decode()
    assert "报告整改完成" in html and "隐患已整改" in html and "Report the fix" not in html


@pytest.mark.django_db
def test_the_notice_has_a_chinese_page_and_a_right_to_left_arabic_page(notice: Notice) -> None:
    from civitas.inspections.notices import notice_html

    notice.owner_language = "ar"
    html = notice_html(notice)
    chinese, arabic = html.split('<section lang="ar"')
    assert "经安全检查，发现你方场所存在下列隐患" in chinese and "逾期未整改的" in chinese
    assert arabic.startswith(' dir="rtl"')
    assert "خلال تفتيش للسلامة رُصد الخطر التالي في منشأتك" in arabic and "التصحيح قبل" in arabic
    assert "During a safety inspection" not in html
