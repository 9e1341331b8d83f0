"""Translations: the catalogues are complete and compiled, and every resident page renders with no
untranslated string in Chinese, Arabic and Russian (a missing translation fails here)."""

from __future__ import annotations

import datetime
import gettext
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from civitas.services import actions
from civitas.services.models import ServicePoint, Slot
from civitas.services.residents import link_token
from civitas.services.signing import card_token
from civitas.services.tests.conftest import make_partner, submit
from civitas.testing import po

APP = Path(__file__).resolve().parents[1]
LOCALES = ("zh_Hans", "en", "ar", "ru")
PAGE_LANGS = ("zh-hans", "ar", "ru")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, context, plural, msgstrs, fuzzy (header excluded)."""
    return [
        {
            "msgid": e.msgid,
            "context": e.msgctxt,
            "plural": e.msgid_plural,
            "msgstrs": [e.msgstr[k] for k in sorted(e.msgstr)],
            "fuzzy": e.fuzzy,
        }
        for e in po.parse_po(path)
        if e.msgid
    ]


def unescape(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("lang", LOCALES)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    entries = parse_po(APP / "locale" / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    bad = [e["msgid"] for e in entries if e["fuzzy"] or not e["msgstrs"] or not all(e["msgstrs"])]
    assert bad == [], f"{lang}: untranslated or fuzzy: {bad[:10]}"


@pytest.mark.parametrize("lang", LOCALES)
def test_the_compiled_catalogue_matches_the_po_file(lang):
    directory = APP / "locale" / lang / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in parse_po(directory / "django.po"):
        msgid = unescape(e["msgid"])
        if e["plural"]:
            got = compiled.ngettext(msgid, unescape(e["plural"]), 1)
        elif e["context"] is not None:
            got = compiled.pgettext(unescape(e["context"]), msgid)
        else:
            got = compiled.gettext(msgid)
        if e["plural"] is None and got != unescape(e["msgstrs"][0]):
            stale.append(msgid)
    assert stale == [], f"{lang}: run compilemessages; stale: {stale[:5]}"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings again into a scratch copy and compare with the committed catalogue."""
    copy = tmp_path / "services"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("tests", "locale", "__pycache__", "migrations"))
    (copy / "locale").mkdir()
    admin = Path(sys.executable).with_name("django-admin")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [str(admin), "makemessages", "-l", "en", "--no-location"], cwd=copy, check=True, capture_output=True, env=env
    )
    fresh = {e["msgid"] for e in parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    known = {e["msgid"] for e in parse_po(APP / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    assert sorted(fresh - known) == [], "new strings: run makemessages and translate them"


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attrs = " ".join(re.findall(r'(?:placeholder|alt|aria-label|title)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attrs)


def _english_sentences() -> list[str]:
    """Catalogue msgids that must not show up untranslated: phrases, not single words."""
    out = []
    for e in parse_po(APP / "locale" / "en" / "LC_MESSAGES" / "django.po"):
        text = unescape(e["msgid"])
        if "%(" in text or "{" in text:
            text = re.split(r"%\(|\{", text)[0].strip()
        if len(text) >= 10 and " " in text:
            out.append(text)
    return out


@pytest.fixture
def world(personas, resident, settings):
    """One of each resident page's states: an application waiting for documents, a booking, a card with scans."""
    settings.PUBLIC_BASE_URL = "http://testserver"
    app = submit("visa-extension", resident)
    actions.do_request_documents(app, "photo", acting_user=None)
    point = ServicePoint.objects.get(code="choucheng")
    slot = Slot.objects.create(point=point, starts_at=timezone.now() + datetime.timedelta(days=1))
    appt = actions.do_book_appointment(slot.pk, resident, acting_user=None)
    card = actions.do_issue_card(actions.do_apply_card(resident, acting_user=None), acting_user=None)
    bus, _ = make_partner("Bus", "bus", ["bus"], "bus_scanner")
    actions.do_verify_card(card_token(card), partner=bus, scenario="bus", acting_user=None)
    actions.do_update_profile(resident, acting_user=None, visa_expiry=timezone.localdate() + datetime.timedelta(10))
    return {"app": app, "point": point, "slot": slot, "appt": appt, "card": card, "resident": resident}


def resident_pages(w: dict) -> dict[str, tuple[str, bool]]:
    """name -> (path, needs the resident's passport check first)."""
    return {
        "catalogue": ("/services/", False),
        "search": ("/services/?q=zzzz", False),
        "service (online)": ("/services/s/visa-extension/", False),
        "service (information)": ("/services/s/dispute-help/", False),
        "apply": ("/services/s/visa-extension/apply/", False),
        "status (locked)": (f"/services/status/{link_token('app', w['app'].pk)}/", False),
        "me (identify)": ("/services/me/", False),
        "points": ("/services/points/", False),
        "point": (f"/services/points/{w['point'].pk}/", False),
        "book": (f"/services/points/{w['point'].pk}/book/{w['slot'].pk}/", False),
        "status": (f"/services/status/{link_token('app', w['app'].pk)}/", True),
        "me": ("/services/me/", True),
        "apply (identified)": ("/services/s/residence-permit/apply/", True),
        "booking": (f"/services/booking/{link_token('appt', w['appt'].pk)}/", True),
        "card": (f"/services/card/{link_token('card', w['card'].pk)}/", True),
    }


@pytest.mark.parametrize("lang", PAGE_LANGS)
def test_every_resident_page_renders_with_no_untranslated_string(world, lang):
    actions.do_update_profile(world["resident"], acting_user=None, language=lang)  # reminders in their language
    actions.do_generate_reminders()
    sentences = _english_sentences()
    problems = []
    for name, (path, needs_passport) in resident_pages(world).items():
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        if needs_passport:
            client.post("/services/me/", {"passport": "P1234567", "birth_date": "1985-03-02"})
        resp = client.get(path)
        assert resp.status_code == 200, (name, resp.status_code)
        text = _visible_text(resp.content.decode())
        assert f'lang="{lang}"' in resp.content.decode()
        problems += [f"{name}: {s!r}" for s in sentences if s in text]
    assert problems == []


def test_arabic_pages_are_right_to_left(world):
    page = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/services/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


@pytest.mark.parametrize("lang", ("zh_Hans", "ar", "ru"))
def test_translations_keep_the_placeholders_of_the_source(lang):
    broken = []
    for e in parse_po(APP / "locale" / lang / "LC_MESSAGES" / "django.po"):
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for k, text in enumerate(e["msgstrs"]):
            got = sorted(PLACEHOLDER.findall(text))
            # Arabic's zero, one and two forms may spell the number out; nothing may add an unknown placeholder
            may_omit = e["plural"] is not None and lang == "ar" and k <= 2
            if not set(got) <= set(wanted) or (got != wanted and not may_omit):
                broken.append((e["msgid"], k, text))
    assert broken == []
