"""The accountability figures as an xlsx workbook (one sheet per view)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

COLUMNS = ("inspections", "found", "fixed_on_time", "overdue", "closed", "reinspections", "pass_rate")


def _headers() -> list[str]:
    return [
        _("Inspections"),
        _("Hazards found"),
        _("Fixed on time"),
        _("Overdue"),
        _("Closed"),
        _("Re-inspections"),
        _("Re-inspection pass rate (%)"),
    ]


def accountability_workbook(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    sheets = (
        ("townships", _("By township")),
        ("departments", _("By department")),
        ("officials", _("By official")),
    )
    first = True
    for key, title in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = str(title)[:31]
        ws.append([str(pgettext("inspections", "Name")), *_headers()])
        for row in data[key]:
            ws.append([str(row["label"]), *[row[c] for c in COLUMNS]])
        for cell in ws[1]:
            cell.font = Font(bold=True)
    ws = wb.create_sheet(str(_("Monthly trend"))[:31])
    ws.append([_("Month"), _("Hazards found"), _("Hazards closed")])
    for row in data["trend"]:
        ws.append([row["month"].strftime("%Y-%m"), row["found"], row["closed"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
