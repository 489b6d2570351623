"""Who is calling the FHIR API: a system with a bearer token (OAuth 2.0 client credentials,
RFC 6749 section 4.4), or a member of staff signed in to Familyhub (for browsing).

A token is issued to an ApiClient for some of its scopes and reads as the client's service
account: the access layer decides what that account may see, exactly as for the person, and
the access log records every read under its name. Scopes (SMART App Launch v1 style) narrow
which resource types a token may read: `patient/*.read` or `system/*.read` for all of them,
`patient/Observation.read` for one. A signed-in member of staff reads every type, still only
through the access layer.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from familyhub.fhir.models import AccessToken, ApiClient, token_digest
from familyhub.fhir.profiles import RESOURCE_PROFILES

SCOPE = re.compile(r"^(patient|system|user)/(\*|[A-Za-z]+)\.(read|rs|r|\*)$")


class NotSignedIn(Exception):
    """401: no credentials, or a token that is unknown, expired or revoked."""

    def __init__(self, message: str, *, token_error: bool = False) -> None:
        super().__init__(message)
        self.token_error = token_error


class ScopeRefused(Exception):
    """403: the token's scopes do not cover this resource type."""


@dataclass
class Caller:
    user: Any
    # None for a signed-in member of staff (every type, through the access layer).
    scopes: list[str] | None = None
    client: ApiClient | None = None

    def check_scope(self, resource_type: str) -> None:
        if self.scopes is None:
            return
        if not any(scope_covers(scope, resource_type) for scope in self.scopes):
            raise ScopeRefused(
                f"This token's scopes ({' '.join(self.scopes)}) do not include reading "
                f"{resource_type}: ask for patient/{resource_type}.read"
            )


def scope_is_valid(scope: str) -> bool:
    match = SCOPE.match(scope)
    if match is None:
        return False
    return match.group(2) == "*" or match.group(2) in RESOURCE_PROFILES


def scope_covers(scope: str, resource_type: str) -> bool:
    match = SCOPE.match(scope)
    return match is not None and match.group(2) in ("*", resource_type)


def bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer":
        return None
    return value.strip() or None


def caller_for(request) -> Caller:
    raw = bearer(request)
    if raw is None:
        if request.META.get("HTTP_AUTHORIZATION"):
            raise NotSignedIn("Send the token as 'Authorization: Bearer <token>'", token_error=True)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return Caller(user)
        raise NotSignedIn("Get a token from /fhir/token (client credentials) and send it")
    token = (
        AccessToken.objects.filter(digest=token_digest(raw))
        .select_related("client__service_account")
        .first()
    )
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise NotSignedIn("The token is unknown, expired or revoked", token_error=True)
    client = token.client
    if not client.is_active or not client.service_account.is_active:
        raise NotSignedIn("The client or its service account is switched off", token_error=True)
    return Caller(client.service_account, scopes=token.scope_list, client=client)


class TokenRefused(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def client_from(request) -> ApiClient:
    """The client named by client_id and client_secret (form fields, or HTTP Basic)."""
    client_id = request.POST.get("client_id", "")
    secret = request.POST.get("client_secret", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise TokenRefused(
                "invalid_client", "The Basic credentials are not readable", 401
            ) from None
    client = ApiClient.objects.filter(client_id=client_id).select_related("service_account").first()
    if client is None or not client.secret_matches(secret):
        raise TokenRefused("invalid_client", "Unknown client or wrong secret", 401)
    if not client.is_active or not client.service_account.is_active:
        raise TokenRefused("invalid_client", "This client is switched off", 401)
    return client


def issue_token(request) -> dict:
    """POST /fhir/token with grant_type=client_credentials: a bearer token for the scopes asked
    (all the client's, if none are asked), each of which the client must hold."""
    if request.POST.get("grant_type") != "client_credentials":
        raise TokenRefused("unsupported_grant_type", "grant_type must be client_credentials")
    client = client_from(request)
    allowed = client.allowed_scopes
    asked = request.POST.get("scope", "").split() or allowed
    refused = [
        scope
        for scope in asked
        if not scope_is_valid(scope) or not any(_within(scope, held) for held in allowed)
    ]
    if refused:
        raise TokenRefused("invalid_scope", f"Not a scope this client holds: {' '.join(refused)}")
    minutes = settings.FAMILYHUB_FHIR_TOKEN_MINUTES
    _, raw = AccessToken.issue(client, asked, minutes)
    return {
        "access_token": raw,
        "token_type": "bearer",
        "expires_in": minutes * 60,
        "scope": " ".join(asked),
    }


def _within(asked: str, held: str) -> bool:
    """Whether a scope the client holds covers one it asks for (patient/*.read covers
    patient/Observation.read; a context must match)."""
    a, h = SCOPE.match(asked), SCOPE.match(held)
    if not a or not h:
        return False
    return a.group(1) == h.group(1) and h.group(2) in ("*", a.group(2))
