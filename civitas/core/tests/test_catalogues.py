"""The catalogues agree with one another.

Django merges every catalogue (civitas/locale and each app's locale/) into one gettext domain, so a
message translated one way in one app and another way in a second app is shown with whichever wins the
merge, on both apps' pages. A message whose meaning differs between apps ("Open" cases vs "Open" hazards)
gets a context (pgettext / {% translate ... context ... %}) in one of them; otherwise the apps agree on one
translation.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from civitas.testing import po

CATALOGUES = po.locale_dirs()
Key = tuple[str | None, str]  # (msgctxt, msgid)


def translations(lang: str) -> dict[Key, dict[tuple[str, ...], list[str]]]:
    """msgctxt and msgid → each distinct translation (all plural forms) → the catalogues that give it."""
    found: dict[Key, dict[tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, directory in CATALOGUES.items():
        path = po.po_path(directory, lang)
        if not path.exists():
            continue
        _, entries = po.catalogue(directory, lang)
        for e in entries:
            forms = tuple(e.msgstr[k] for k in sorted(e.msgstr))
            if e.fuzzy or not any(forms):  # not used at run time: gettext falls back to the msgid
                continue
            found[(e.msgctxt, e.msgid)][forms].append(name)
    return found


def collisions(lang: str) -> list[str]:
    out = []
    for (context, msgid), variants in sorted(
        translations(lang).items(), key=lambda item: (item[0][1], item[0][0] or "")
    ):
        if len(variants) > 1:
            label = f"{context}|{msgid}" if context else msgid
            listed = "; ".join(f"{' / '.join(forms)!s} ({', '.join(names)})" for forms, names in variants.items())
            out.append(f"{label!r}: {listed}")
    return out


def test_the_catalogues_of_the_project_and_the_apps_are_found() -> None:
    assert {"project", "credit", "residence", "insight", "permits", "mediation"} <= set(CATALOGUES)


@pytest.mark.parametrize("lang", po.LANGS)
def test_no_message_is_translated_two_ways_in_two_catalogues(lang: str) -> None:
    """Were this to fail, give the message a context in the app where it means something else, or agree."""
    problems = collisions(lang)
    assert problems == [], f"{lang}: one message, several translations:\n" + "\n".join(problems)


PO_SAMPLE = r"""# header comment
msgid ""
msgstr ""
"Language: ru\n"
"Plural-Forms: nplurals=4; plural=0;\n"

#: models.py:1
msgid "name"
msgstr "имя"

#: views.py:2
msgctxt "framework"
msgid "Name"
msgstr "Название"

#, fuzzy, python-format
msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s день"
msgstr[1] "%(n)s дня"
msgstr[2] "%(n)s дней"
msgstr[3] ""
"%(n)s дня"

#~ msgid "old"
#~ msgstr "старый"
"""


def test_the_shared_parser_reads_contexts_plurals_flags_and_continuations(tmp_path: Path) -> None:
    path = tmp_path / "ru" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(PO_SAMPLE, encoding="utf-8")
    header, entries = po.catalogue(tmp_path, "ru")
    assert po.nplurals(header) == 4
    assert [(e.msgctxt, e.msgid) for e in entries] == [(None, "name"), ("framework", "Name"), (None, "%(n)s day")]
    plural = entries[2]
    assert plural.msgid_plural == "%(n)s days" and plural.msgstr[3] == "%(n)s дня"
    assert plural.fuzzy and "python-format" in plural.flags
    assert po.fuzzy(header, entries) == ["%(n)s day"]
    assert po.untranslated(header, entries) == [] and po.broken_placeholders(entries) == []


def test_a_collision_between_two_catalogues_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for app, word in (("one", "Открытые"), ("two", "В работе")):
        path = tmp_path / app / "locale" / "ru" / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True)
        path.write_text(
            f'msgid ""\nmsgstr "Plural-Forms: nplurals=4; plural=0;\\n"\n\nmsgid "Open"\nmsgstr "{word}"\n\n'
            f'msgctxt "x"\nmsgid "Open"\nmsgstr "{word}"\n',
            encoding="utf-8",
        )
    monkeypatch.setattr(__name__ + ".CATALOGUES", po.locale_dirs(tmp_path))
    assert collisions("ru") == [
        "'Open': Открытые (one); В работе (two)",
        "'x|Open': Открытые (one); В работе (two)",
    ]
