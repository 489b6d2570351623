"""A client for NHS England's Personal Demographics Service FHIR R4 API, application-restricted
access mode (the published OpenAPI specification, NHSDigital/personal-demographics-service-api,
`specification/personal-demographics.yaml`, FHIR R4 v4.0.1).

What it uses, as the specification says:
  - `GET /Patient?family=&given=&gender=&birthdate=eqYYYY-MM-DD&address-postalcode=&_max-results=1`
    (with `_history`, `_fuzzy-match` or `_exact-match`): in application-restricted mode PDS
    returns a single match or none; more than one match is not a list but a 200 with an
    OperationOutcome whose code is TOO_MANY_MATCHES. `_max-results` must be 1 (403 otherwise).
  - `GET /Patient/{nhs_number}`: the record of a number (404 RESOURCE_NOT_FOUND; a superseded
    number answers with the record that superseded it, whose `id` differs).
  - headers: `X-Request-ID` (a UUID, mandatory; the same one when a failed request is re-sent),
    `X-Correlation-ID` (optional), `Authorization: Bearer <token>` (every environment but the
    sandbox), `NHSD-End-User-Organisation-ODS` (when one system serves several organisations).
  - auth: "Application-restricted RESTful API - signed JWT authentication": a JWT signed RS512
    with the key registered for the application (header `kid`), claims iss = sub = the API key,
    aud = the token URL, a unique jti and exp at most 5 minutes ahead, POSTed to the token URL as
    grant_type=client_credentials, client_assertion_type=
    urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion=<jwt>; the answer
    holds access_token, expires_in (seconds, as a string), token_type "Bearer" and issued_at.
  - errors: an OperationOutcome whose details.coding code is PDS's (Spine-ErrorOrWarningCode);
    429 TOO_MANY_REQUESTS (the default limit is 5 transactions a second per application) with
    Retry-After; 408 UNABLE_TO_CALL_SERVICE; 5xx.

Nothing here sleeps or retries: every call has a time-out, and a failure that may pass
(`PdsUnavailable`: time-out, connection, 408, 429, 5xx, and 401/403 which may be a rotated key)
is raised for the background task to schedule again later. Pages never call this module.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from django.conf import settings

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
VERIFICATION_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FHIR_JSON = "application/fhir+json"


class PdsError(Exception):
    """PDS answered, but not with something a trace can use (400 bad search data, say)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code


class PdsUnavailable(PdsError):
    """PDS could not answer now: try again later (after `retry_after` seconds if it said)."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str = "", retry_after: int = 0
    ):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class PdsNotConfigured(PdsUnavailable):
    """No base URL is set: tracing waits until a council configures it."""


@dataclass(frozen=True)
class PdsPatient:
    """What a trace needs of a PDS Patient resource."""

    nhs_number: str
    verification: str  # PDS's NHS NUMBER STATUS INDICATOR for it, "01" verified
    family_name: str
    given_names: tuple[str, ...]
    birth_date: str
    gender: str
    postcode: str
    restricted: bool
    score: float | None = None


@dataclass(frozen=True)
class SearchResult:
    """One match, none, or "more than one" (which application-restricted PDS never lists)."""

    patient: PdsPatient | None
    multiple: bool = False
    note: str = ""


@dataclass
class Credentials:
    """Where PDS is and how Familyhub proves who it is (settings: FAMILYHUB_PDS_*)."""

    base_url: str
    token_url: str = ""
    api_key: str = ""
    key_id: str = ""
    private_key: str = ""
    ods_code: str = ""
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> Credentials:
        return cls(
            base_url=settings.FAMILYHUB_PDS_BASE_URL.rstrip("/"),
            token_url=settings.FAMILYHUB_PDS_TOKEN_URL,
            api_key=settings.FAMILYHUB_PDS_API_KEY or "",
            key_id=settings.FAMILYHUB_PDS_KEY_ID,
            private_key=settings.FAMILYHUB_PDS_PRIVATE_KEY or "",
            ods_code=settings.FAMILYHUB_PDS_ODS_CODE,
            timeout=float(settings.FAMILYHUB_PDS_TIMEOUT_SECONDS),
        )

    @property
    def signs_in(self) -> bool:
        """The sandbox (and a stand-in) need no token; every other environment does."""
        return bool(self.token_url and self.api_key)


def client_assertion(credentials: Credentials, *, now: float | None = None) -> str:
    """The signed JWT the token endpoint asks for (RS512, kid, iss = sub = API key, aud = the
    token URL, jti, exp 5 minutes ahead at most)."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": credentials.api_key,
        "sub": credentials.api_key,
        "aud": credentials.token_url,
        "jti": str(uuid.uuid4()),
        "exp": issued + 300,
    }
    return jwt.encode(
        claims, credentials.private_key, algorithm="RS512", headers={"kid": credentials.key_id}
    )


@dataclass
class _Token:
    value: str
    expires_at: float


_tokens: dict[str, _Token] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


@dataclass
class PdsClient:
    credentials: Credentials = field(default_factory=Credentials.from_settings)

    # --- the two interactions a trace uses ------------------------------------------------

    def search(
        self,
        *,
        family: str,
        birth_date: str,
        given: str = "",
        gender: str = "",
        postcode: str = "",
        fuzzy: bool = False,
        history: bool = False,
        exact: bool = False,
        request_id: str | None = None,
    ) -> SearchResult:
        """A search for one unique match (application-restricted: `_max-results=1`)."""
        params: list[tuple[str, str]] = [("family", family), ("birthdate", f"eq{birth_date}")]
        if given:
            params.append(("given", given))
        if gender:
            params.append(("gender", gender))
        if postcode:
            params.append(("address-postalcode", postcode))
        if fuzzy:
            params.append(("_fuzzy-match", "true"))
        if history and not fuzzy:  # a fuzzy search always includes history
            params.append(("_history", "true"))
        if exact:
            params.append(("_exact-match", "true"))
        params.append(("_max-results", "1"))
        status, body = self._get("/Patient?" + urllib.parse.urlencode(params), request_id)
        return _search_result(status, body)

    def retrieve(self, nhs_number: str, *, request_id: str | None = None) -> PdsPatient | None:
        """The record PDS holds for a number; None when PDS has no such record (404)."""
        status, body = self._get(f"/Patient/{urllib.parse.quote(nhs_number)}", request_id)
        if status == 404:
            return None
        if body.get("resourceType") != "Patient":
            raise PdsError("PDS did not answer with a Patient", status=status)
        return patient_from_resource(body)

    # --- HTTP -------------------------------------------------------------------------------

    def _headers(self, request_id: str | None) -> dict[str, str]:
        headers = {
            "Accept": FHIR_JSON,
            "X-Request-ID": request_id or str(uuid.uuid4()),
            "X-Correlation-ID": str(uuid.uuid4()),
        }
        if self.credentials.ods_code:
            headers["NHSD-End-User-Organisation-ODS"] = self.credentials.ods_code
        if self.credentials.signs_in:
            headers["Authorization"] = f"Bearer {self._access_token()}"
        return headers

    def _get(self, path: str, request_id: str | None) -> tuple[int, dict[str, Any]]:
        if not self.credentials.base_url:
            raise PdsNotConfigured("FAMILYHUB_PDS_BASE_URL is not set")
        # One id for this request and any re-send of it, as the specification asks.
        request_id = request_id or str(uuid.uuid4())
        request = urllib.request.Request(
            self.credentials.base_url + path, headers=self._headers(request_id), method="GET"
        )
        status, body, headers = self._send(request)
        if status == 401:
            forget_tokens()  # an expired or revoked token: sign in afresh next time
        _raise_for_status(status, body, headers)
        return status, body

    def _send(self, request: urllib.request.Request) -> tuple[int, dict[str, Any], Any]:
        try:
            with urllib.request.urlopen(request, timeout=self.credentials.timeout) as response:
                return response.status, _json(response.read()), response.headers
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read()), error.headers
        except TimeoutError as error:
            raise PdsUnavailable(
                f"PDS did not answer within {self.credentials.timeout:g} s"
            ) from error
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise PdsUnavailable(
                    f"PDS did not answer within {self.credentials.timeout:g} s"
                ) from error
            raise PdsUnavailable(f"PDS could not be reached: {reason}") from error

    def _access_token(self) -> str:
        key = f"{self.credentials.token_url}|{self.credentials.api_key}"
        with _tokens_lock:
            token = _tokens.get(key)
            if token and token.expires_at > time.time() + 30:
                return token.value
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(self.credentials),
            }
        ).encode()
        request = urllib.request.Request(
            self.credentials.token_url,
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        status, body, headers = self._send(request)
        if status != 200 or body.get("token_type") != "Bearer" or not body.get("access_token"):
            _raise_for_status(status if status != 200 else 401, body, headers, signing_in=True)
        try:
            lifetime = int(body.get("expires_in", "0"))
        except (TypeError, ValueError):
            lifetime = 0
        token = _Token(body["access_token"], time.time() + lifetime)
        with _tokens_lock:
            _tokens[key] = token
        return token.value


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def outcome_code(body: dict[str, Any]) -> tuple[str, str]:
    """The first issue's PDS code (Spine-ErrorOrWarningCode) and its diagnostics or display."""
    for issue in body.get("issue") or []:
        codings = (issue.get("details") or {}).get("coding") or [{}]
        code = codings[0].get("code", "") or issue.get("code", "")
        text = issue.get("diagnostics") or codings[0].get("display", "") or ""
        return code, text
    return "", ""


def _retry_after(headers) -> int:
    try:
        return max(0, int((headers or {}).get("Retry-After", "0")))
    except (TypeError, ValueError):
        return 0


def _raise_for_status(status: int, body, headers, *, signing_in: bool = False) -> None:
    if status < 400 or status == 404 and not signing_in:
        return
    code, text = outcome_code(body)
    where = "signing in to PDS" if signing_in else "PDS"
    message = (
        f"{where} answered {status}" + (f" {code}" if code else "") + (f": {text}" if text else "")
    )
    if status in (401, 403, 408, 429) or status >= 500:
        # 401/403: a key rotated or not yet onboarded; worth trying again later, not at once.
        raise PdsUnavailable(message, status=status, code=code, retry_after=_retry_after(headers))
    raise PdsError(message, status=status, code=code)


def _search_result(status: int, body: dict[str, Any]) -> SearchResult:
    if body.get("resourceType") == "OperationOutcome":
        code, text = outcome_code(body)
        if code == "TOO_MANY_MATCHES":
            return SearchResult(None, multiple=True, note="PDS found more than one match")
        return SearchResult(None, note=f"PDS: {text or code}")
    if body.get("resourceType") != "Bundle":
        raise PdsError("PDS did not answer with a search Bundle", status=status)
    entries = body.get("entry") or []
    if len(entries) > 1:  # not in application-restricted mode, but never pick one of several
        return SearchResult(None, multiple=True, note=f"PDS returned {len(entries)} matches")
    if not entries:
        return SearchResult(None)
    entry = entries[0]
    score = (entry.get("search") or {}).get("score")
    return SearchResult(patient_from_resource(entry.get("resource") or {}, score=score))


def patient_from_resource(resource: dict[str, Any], *, score: float | None = None) -> PdsPatient:
    number, verification = str(resource.get("id", "")), ""
    for identifier in resource.get("identifier") or []:
        if identifier.get("system") == NHS_NUMBER_SYSTEM:
            number = str(identifier.get("value") or number)
            for extension in identifier.get("extension") or []:
                if extension.get("url") == VERIFICATION_EXTENSION:
                    codings = (extension.get("valueCodeableConcept") or {}).get("coding") or [{}]
                    verification = str(codings[0].get("code", ""))
    names = [n for n in resource.get("name") or [] if n.get("use", "usual") == "usual"] or list(
        resource.get("name") or [{}]
    )
    name = names[0] if names else {}
    homes = [a for a in resource.get("address") or [] if a.get("use", "home") == "home"]
    security = [s.get("code") for s in (resource.get("meta") or {}).get("security") or []]
    return PdsPatient(
        nhs_number=number,
        verification=verification,
        family_name=str(name.get("family", "")),
        given_names=tuple(name.get("given") or ()),
        birth_date=str(resource.get("birthDate", "")),
        gender=str(resource.get("gender", "")),
        postcode=str(homes[0].get("postalCode", "")) if homes else "",
        restricted="R" in security,
        score=float(score) if score is not None else None,
    )
