from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# How stale a session's expiry may get before a request moves it on: sessions end after
# FAMILYHUB_SESSION_MINUTES without activity, give or take this.
SESSION_TOUCH_SECONDS = 60
_TOUCHED = "_familyhub_touched"


class SessionTouchMiddleware:
    """Keeps the idle timeout without writing the session on every page.

    SESSION_SAVE_EVERY_REQUEST wrote the session row on every request (an UPDATE in its own
    transaction, three statements a page). This marks the session changed, so that Django saves
    it and moves its expiry on, only when the last save is SESSION_TOUCH_SECONDS old: a session
    still ends after the idle time, at most a minute early. An empty session (a visitor not
    signed in) is never created by it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            now = int(timezone.now().timestamp())
            if now - int(session.get(_TOUCHED, 0)) >= SESSION_TOUCH_SECONDS:
                session[_TOUCHED] = now
        return response


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: everything from this origin, inline scripts by nonce.

    Templates put `nonce="{{ request.csp_nonce }}"` on the two inline scripts GOV.UK Frontend needs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{nonce}'; "
                "style-src 'self'; img-src 'self' data:; font-src 'self'; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            )
        return response
