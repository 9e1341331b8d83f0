from typing import Any

from django.http import HttpRequest

from civitas.core.navigation import items_for
from civitas.core.sms import dev_outbox_enabled


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": items_for(request.user)}


def dev_sms_outbox(request: HttpRequest) -> dict[str, Any]:
    return {"dev_sms_outbox": dev_outbox_enabled()}
