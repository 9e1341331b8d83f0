"""Name normalisation for search: Chinese names get toneless pinyin ("张伟" → "zhangwei")."""

from __future__ import annotations

import functools
import re

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u3400-\u9fff]")
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@functools.lru_cache(maxsize=1 << 16)
def pinyin_key(name: str) -> str:
    """Search key: toneless pinyin without spaces for Chinese names, lower-case letters otherwise.

    Pure (pypinyin's dictionaries are never changed at run time here), so cached per name: names repeat, and
    segmenting and converting one costs about 50 µs (a bulk import computes one per declared person)."""
    if has_han(name):
        return "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()
    return _NON_ALNUM.sub("", name.lower())


def normalise_query(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())
