"""Reading gettext catalogues (.po files) in tests, without polib.

Every translation test parses its catalogues with this one parser: entries keep their PO escapes
(enough to test emptiness, flags and placeholders), obsolete (#~) entries are left out, and the header
(msgid "") comes first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

CIVITAS = Path(__file__).resolve().parents[1]
# Catalogue directory names of settings.LANGUAGES (zh-hans → zh_Hans).
LANGS = ("zh_Hans", "en", "ar", "ru")
# Placeholders that must survive translation: %(name)s, %s, {name}, {}.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (first), obsolete (#~) ones left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        match = _LINE.match(line)
        opens = line.startswith("#") or (match is not None and match.group(1) in ("msgctxt", "msgid"))
        # A comment, msgctxt or msgid after a finished entry (one with a msgstr) opens the next entry.
        if opens and (current is None or current.msgstr):
            current, key = Entry(line=number), None
            entries.append(current)
        assert current is not None
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match:
            index = match.group(2)
            key = ("msgstr", int(index)) if index is not None else (match.group(1), 0)
            _append(current, key, match.group(3))
        elif line.startswith('"') and line.endswith('"') and key is not None:
            _append(current, key, line[1:-1])
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    return entries


def _append(entry: Entry, key: tuple[str, int], text: str) -> None:
    word, index = key
    if word == "msgid":
        entry.msgid += text
    elif word == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif word == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif word == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text


def unescape(text: str) -> str:
    """A PO string as the program sees it."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def po_path(locale_dir: Path, lang: str) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / "django.po"


def catalogue(locale_dir: Path, lang: str) -> tuple[Entry, list[Entry]]:
    """The header and the messages of one language's catalogue under `locale_dir`."""
    entries = parse_po(po_path(locale_dir, lang))
    assert entries and entries[0].msgid == "" and entries[0].msgctxt is None, "the catalogue starts with its header"
    return entries[0], entries[1:]


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals=(\d+);", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def untranslated(header: Entry, entries: list[Entry]) -> list[str]:
    """Messages missing a translation or one of their language's plural forms."""
    forms = nplurals(header)
    return [
        e.msgid
        for e in entries
        if sorted(e.msgstr) != list(range(forms if e.msgid_plural is not None else 1)) or not all(e.msgstr.values())
    ]


def fuzzy(header: Entry, entries: list[Entry]) -> list[str]:
    """Fuzzy messages; a fuzzy header (Django would then ignore its Plural-Forms) shows as "(header)"."""
    return [e.msgid or "(header)" for e in [header, *entries] if e.fuzzy]


def broken_placeholders(entries: list[Entry]) -> list[str]:
    """Messages whose translation drops or invents a placeholder.

    A plural form for one number (Arabic "one person", "two persons") may spell the number out, so plural
    forms need only use placeholders of the source.
    """
    broken = []
    for e in entries:
        if e.msgid_plural is None:
            if sorted(PLACEHOLDER.findall(e.msgstr.get(0, ""))) != sorted(PLACEHOLDER.findall(e.msgid)):
                broken.append(e.msgid)
        else:
            allowed = set(PLACEHOLDER.findall(e.msgid_plural)) | set(PLACEHOLDER.findall(e.msgid))
            if any(not set(PLACEHOLDER.findall(text)) <= allowed for text in e.msgstr.values()):
                broken.append(e.msgid)
    return broken


def locale_dirs(root: Path = CIVITAS) -> dict[str, Path]:
    """Every catalogue directory under civitas/: "project" (civitas/locale) and each app with a locale/ dir."""
    found = {"project": root / "locale"} if (root / "locale").is_dir() else {}
    for directory in sorted(root.glob("*/locale")):
        if directory.is_dir():
            found[directory.parent.name] = directory
    return found


def source_sentences(locale_dir: Path, min_length: int = 10) -> list[str]:
    """The catalogue's source phrases (not single words) as a page would show them, up to any placeholder:
    none may appear on a page rendered in another language."""
    out = set()
    for e in catalogue(locale_dir, "en")[1]:
        for text in filter(None, (e.msgid, e.msgid_plural)):
            text = re.split(r"%\(|\{", unescape(text).replace("%%", "%"))[0].strip()
            if len(text) >= min_length and " " in text:
                out.add(text)
    return sorted(out)


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: text and the placeholder, alt, aria-label and title attributes."""
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    attrs = " ".join(re.findall(r'(?:placeholder|alt|aria-label|title)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attrs)
