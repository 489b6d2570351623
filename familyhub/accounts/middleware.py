from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from familyhub.accounts.models import is_two_factor_verified
from familyhub.accounts.roles import Role

# Pages a signed-in person may reach before completing two-factor sign-in: signing in itself,
# and the public service directory (its search, service pages and Open Referral API are open to
# anyone, so a half-signed-in member of staff is no different from the public there).
_OPEN_BEFORE_2FA = (
    "accounts:",
    "core:health",
    "directory:find",
    "directory:service",
    "directory:api-",
)


class TwoFactorRequiredMiddleware:
    """Outside the demo, a signed-in account must verify a TOTP device before anything else.

    Accounts without a device are sent to set one up; accounts with one are asked for a code.
    API requests authenticated by token are machine clients and are not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.FAMILYHUB_REQUIRE_2FA
            and request.path.startswith("/api/")
            and request.user.is_authenticated
            and not is_two_factor_verified(request.user)
        ):
            # A browser session must finish two-factor sign-in before using the API too; token
            # clients are not signed in at this point (DRF authenticates them later).
            return JsonResponse({"detail": "Two-factor sign-in is required."}, status=403)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.FAMILYHUB_REQUIRE_2FA:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_two_factor_verified(user):
            return None
        if user.role == Role.FAMILY:
            # A family account has no authenticator app: it signs in each time with a one-time
            # code sent to its email or phone (familyhub.portal.signin), and reaches no staff page.
            return None
        match = request.resolver_match
        name = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
        if any(name.startswith(prefix) for prefix in _OPEN_BEFORE_2FA):
            return None
        if request.path.startswith("/api/"):
            return None  # answered in __call__
        return redirect("accounts:two-factor")
