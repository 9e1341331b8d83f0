"""People search shared by the officer's page and the API: one query path.

Exact identifiers (document, phone) go through the blind index, never through clear text; names
by prefix on the Chinese name or its pinyin. Always inside the caller's already-scoped queryset.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from civitas.documents.errors import DocumentError
from civitas.documents.phones import normalise_phone
from civitas.people.choices import SearchField
from civitas.people.identity import document_index, phone_index
from civitas.people.models import Person
from civitas.people.names import has_han, normalise_query

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s-]{7,20}$")
_DOC_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9]{5,20}$")


def classify(query: str) -> str:
    q = query.strip()
    if "*" in q:
        return SearchField.MASKED
    if _ID_LIKE.match(q.replace(" ", "")):
        return SearchField.DOCUMENT
    if _PHONE_LIKE.match(q) and sum(c.isdigit() for c in q) >= 7:
        return SearchField.PHONE
    if _DOC_LIKE.match(q):
        return SearchField.DOCUMENT
    if has_han(q):
        return SearchField.NAME
    return SearchField.PINYIN


def _matching(qs: QuerySet[Person], q: str, field: str) -> QuerySet[Person]:
    if field == SearchField.DOCUMENT:
        return qs.filter(doc_index=document_index(q.replace(" ", "").upper()))
    if field == SearchField.PHONE:
        try:
            e164 = normalise_phone(q)
        except DocumentError:
            return qs.none()
        return qs.filter(phone_index=phone_index(e164))
    if field == SearchField.MASKED:
        return qs.filter(doc_masked=q.replace(" ", "").upper())
    if field == SearchField.NAME:
        return qs.filter(name__startswith=q)
    key = normalise_query(q)
    return qs.filter(name_pinyin__startswith=key) if key else qs.none()


def search_people(qs: QuerySet[Person], query: str, field: str = SearchField.AUTO, limit: int = 50) -> list[Person]:
    """At most `limit` matches, sorted by name. The database is not asked to sort: a prefix range scan on
    the name/pinyin index stops after `limit` rows, where ORDER BY would walk the whole prefix range."""
    q = query.strip()
    if not q:
        return []
    if field == SearchField.AUTO:
        field = classify(q)
    rows = list(_matching(qs, q, field).order_by().select_related("division")[:limit])
    return sorted(rows, key=lambda p: (p.name_pinyin or p.name, p.name, p.pk))
