from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from familyhub.core.navigation import items_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    nav: list[dict[str, Any]] = list(items_for(user))
    path = request.path
    for item in nav:
        item["active"] = item["url"] != "/" and path.startswith(item["url"]) or item["url"] == path
    return {
        "service_name": settings.FAMILYHUB_SERVICE_NAME,
        "council_name": settings.FAMILYHUB_COUNCIL_NAME,
        "demo_mode": settings.DEMO,
        "navigation": nav,
    }
