from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from familyhub.core.navigation import items_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    nav: list[dict[str, Any]] = list(items_for(user))
    # One item is current: the one whose address is the longest start of this page's address
    # (so "Team caseload" at /casework/team/ does not also light up "My caseload" at /casework/).
    path = request.path
    matching = [
        item["url"]
        for item in nav
        if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
    ]
    current = max(matching, key=len, default=None)
    for item in nav:
        item["active"] = item["url"] == current
    return {
        "service_name": settings.FAMILYHUB_SERVICE_NAME,
        "council_name": settings.FAMILYHUB_COUNCIL_NAME,
        "demo_mode": settings.DEMO,
        "navigation": nav,
    }
