"""A family account stays on the family side: every other page answers it with the family home.

The rule is here, once, rather than on each staff view, so a staff page added later is closed to
family accounts without anyone remembering to: familyhub/portal/tests/test_boundary.py walks
every URL pattern as a family account.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from familyhub.portal.decorators import is_family_account

# What a family account may reach outside /family/: static files and the health probes.
_OPEN_TO_FAMILY = ("/family/", "/healthz", "/health/", settings.STATIC_URL)


class FamilyAccountsStayOnTheFamilySide:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_family_account(request.user) and not request.path.startswith(_OPEN_TO_FAMILY):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Family accounts cannot use the API."}, status=403)
            return redirect("portal:home")
        return self.get_response(request)
