"""The insight catalogues are complete, and the dashboards and the index framework come out in the visitor's
language (the framework's names are data in Chinese and English; Arabic and Russian come from the catalogue)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from civitas.insight import actions
from civitas.insight.tests.conftest import small_framework_records
from civitas.testing import po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# Messages that read the same in every language.
SAME_EVERYWHERE = {"%"}


@pytest.mark.parametrize("lang", po.LANGS)
def test_every_message_of_the_insight_catalogue_is_translated_and_none_is_fuzzy(lang: str) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert len(entries) > 300, "the catalogue holds the insight app's messages"
    assert po.untranslated(header, entries) == []
    assert po.fuzzy(header, entries) == []
    assert po.broken_placeholders(entries) == []


@pytest.mark.parametrize(("lang", "forms"), [("zh_Hans", 1), ("en", 2), ("ar", 6), ("ru", 4)])
def test_the_insight_catalogues_keep_the_plural_forms_of_their_language(lang: str, forms: int) -> None:
    header, entries = po.catalogue(LOCALE_DIR, lang)
    assert po.nplurals(header) == forms and f"Language: {lang}\\n" in header.msgstr[0]
    plural = [e for e in entries if e.msgid_plural is not None]
    assert plural and all(len(e.msgstr) == forms for e in plural)


@pytest.mark.parametrize("lang", ["zh_Hans", "ar", "ru"])
def test_no_insight_message_is_left_in_english(lang: str) -> None:
    _, entries = po.catalogue(LOCALE_DIR, lang)
    assert [e.msgid for e in entries if e.msgstr.get(0) == e.msgid and e.msgid not in SAME_EVERYWHERE] == []


PUBLIC = {
    "zh-hans": ["我们镇街的社会治理", "尚未发布任何内容。"],
    "ar": ["الحوكمة الاجتماعية في نواحينا", "لم يُنشر شيء بعد."],
    "ru": ["Социальное управление в наших волостях", "Пока ничего не опубликовано."],
}
# The template framework's dimensions and groups, as an analyst sees them.
FRAMEWORK = {
    "zh-hans": ["县域社会治理指数（浙大框架）", "社会管理", "出租房屋安全", "按时申报率", "节点", "权重"],
    "ar": ["الإدارة الاجتماعية", "سلامة المساكن المؤجرة", "التصاريح في موعدها", "العقدة", "الوزن"],
    "ru": ["Социальное управление", "Безопасность арендного жилья", "Регистрации в срок", "Узел", "Вес"],
}
ENGLISH = ["Social governance in our townships", "Nothing has been published yet.", "Social management", "Save weights"]


def _client(lang: str | None = None, user: Any = None) -> Client:
    mo = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run compilemessages (bin/bootstrap does)"
    client = Client(headers={"accept-language": f"{lang},en;q=0.5"} if lang else {})
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(PUBLIC))
def test_the_public_dashboard_follows_the_browser_language(lang: str) -> None:
    html = _client(lang).get(reverse("insight:public")).content.decode()
    assert f'lang="{lang}"' in html
    assert [text for text in PUBLIC[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
def test_without_a_preference_the_public_dashboard_speaks_simplified_chinese(settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the product default (tests otherwise default to English)
    html = _client().get(reverse("insight:public")).content.decode()
    assert 'lang="zh-hans"' in html and "我们镇街的社会治理" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(FRAMEWORK))
def test_the_template_framework_is_named_in_the_chosen_language(city: dict[str, Any], lang: str) -> None:
    framework = actions.do_install_template(acting_user=city["analyst"])
    html = _client(lang, city["analyst"]).get(reverse("insight:framework", args=[framework.pk])).content.decode()
    assert [text for text in FRAMEWORK[lang] if text not in html] == []
    assert [text for text in ENGLISH if text in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "ar", "ru"])
def test_no_insight_page_shows_an_untranslated_sentence(city: dict[str, Any], lang: str) -> None:
    framework = actions.do_install_template(acting_user=city["analyst"])
    small = actions.do_create_framework(
        "small", {"en": "Small"}, small_framework_records(), acting_user=city["analyst"]
    )
    run = actions.do_compute_run(
        small,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 1),
        options={"treat": False},
        mc_runs=20,
        seed=2,
        publish=True,
    )
    unit = run.scores.values_list("division__code", flat=True).first()
    pages = [
        reverse("insight:run", args=[run.pk]),
        reverse("insight:unit", args=[run.pk, unit]),
        reverse("insight:dashboard"),
        reverse("insight:runs"),
        reverse("insight:frameworks"),
        reverse("insight:framework", args=[framework.pk]),
        reverse("insight:import"),
        reverse("insight:public"),
    ]
    sentences = po.source_sentences(LOCALE_DIR)
    problems = []
    for url in pages:
        response = _client(lang, city["analyst"]).get(url)
        assert response.status_code == 200, url
        text = po.visible_text(response.content.decode())
        problems += [f"{url}: {s!r}" for s in sentences if s in text]
    assert problems == [], "\n".join(problems)
