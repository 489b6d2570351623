"""A local stand-in for the Personal Demographics Service FHIR R4 API (application-restricted),
answering as the published API and its sandbox do, for the tests and the demo.

It follows NHSDigital/personal-demographics-service-api: the OpenAPI specification and the
sandbox's own mock (karate-tests/src/test/java/mocks/sandbox: get-patient-search.js,
get-patient-retrieve.js, supporting-functions.js). Its sandbox patients and error
OperationOutcomes are that repository's, copied unchanged under `sandbox/` (MIT licence, Crown
copyright). Like the sandbox it checks the X-Request-ID header (400 MISSING_VALUE or
INVALID_VALUE), a malformed Authorization header (401 ACCESS_DENIED), unknown parameters (400
ADDITIONAL_PROPERTIES), dates (400 INVALID_VALUE), the minimum search (family and birthdate) and
NHS numbers' check digit (400 INVALID_RESOURCE_ID); unknown numbers are 404 RESOURCE_NOT_FOUND.
Unlike the sandbox, which answers fixed scenarios, it searches the patients it holds (the sandbox
ones plus any a test or the demo adds) the way the specification describes: names and postcodes
case-insensitive with `*` wildcards after two characters, postcodes ignoring spaces, birthdate
eq/ge/le, `_fuzzy-match` by Soundex, `_exact-match` keeping scores of 1; in application-restricted
mode `_max-results` must be 1 (403 INVALID_VALUE) and more than one match is a 200
OperationOutcome TOO_MANY_MATCHES.

It can be told to refuse (`refuse(401|403|429|500|503, times=n)`) or to hang (`hang(seconds)`),
and can require a signed-JWT token from its `/oauth2/token` endpoint (`require_token`), checking
the client assertion as the platform does (RS512, kid, iss = sub = API key, aud, exp <= 5 min).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jellyfish
import jwt

from familyhub.people.identifiers import is_valid_nhs_number, nhs_check_digit

SANDBOX = Path(__file__).resolve().parent / "sandbox"
PREFIX = "/personal-demographics/FHIR/R4"
TOKEN_PATH = "/oauth2/token"
VALID_SEARCH_PARAMS = {
    "_fuzzy-match",
    "_exact-match",
    "_history",
    "_max-results",
    "family",
    "given",
    "gender",
    "birthdate",
    "death-date",
    "history",
    "address-postcode",
    "address-postalcode",
    "general-practitioner",
    "email",
    "phone",
}
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
DATE_RE = re.compile(r"^(eq|ge|le)?(\d{4}-\d{2}-\d{2})$")
SPINE = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode"


def _sandbox(name: str) -> dict[str, Any]:
    return json.loads((SANDBOX / name).read_text())


def outcome(name: str, diagnostics: str = "") -> dict[str, Any]:
    """One of the sandbox's OperationOutcomes, its diagnostics filled in (or dropped)."""
    body = _sandbox(f"{name}.json")
    for issue in body["issue"]:
        if diagnostics:
            issue["diagnostics"] = diagnostics
        elif str(issue.get("diagnostics", "")).startswith("#("):
            issue.pop("diagnostics")
        for coding in (issue.get("details") or {}).get("coding") or []:
            if str(coding.get("display", "")).startswith("#("):
                coding["display"] = "Access Denied - Unauthorised"
    return body


def _spine_outcome(code: str, display: str, diagnostics: str, *, issue_code: str = "value"):
    """The live proxy's own errors (rate limits, 5xx) in the same OperationOutcome shape."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": issue_code,
                "details": {
                    "coding": [{"system": SPINE, "version": "1", "code": code, "display": display}]
                },
                "diagnostics": diagnostics,
            }
        ],
    }


REFUSALS = {
    401: lambda: outcome("ACCESS_DENIED", "Invalid Access Token"),
    403: lambda: outcome("ACCESS_DENIED", "Access Denied - Forbidden"),
    429: lambda: _spine_outcome(
        "TOO_MANY_REQUESTS",
        "Too many requests",
        "Your application has exceeded its quota and is being rate limited.",
    ),
    408: lambda: _spine_outcome(
        "UNABLE_TO_CALL_SERVICE",
        "Unable to call service",
        "The downstream domain processing has not completed within the configured timeout period.",
        issue_code="timeout",
    ),
}


def make_patient(
    nhs_number: str,
    *,
    family: str,
    given: str,
    birth_date: str,
    gender: str = "unknown",
    postcode: str = "",
    verification: str = "01",
    restricted: bool = False,
) -> dict[str, Any]:
    """A Patient resource shaped like the sandbox's search_patient_9000000009.json."""
    resource = copy.deepcopy(_SANDBOX_SEARCH["9000000009"])
    resource["id"] = nhs_number
    identifier = resource["identifier"][0]
    identifier["value"] = nhs_number
    identifier["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] = verification
    resource["name"] = [{"use": "usual", "given": given.split(), "family": family}]
    resource["gender"] = gender
    resource["birthDate"] = birth_date
    resource.pop("deceasedDateTime", None)
    resource.pop("telecom", None)
    resource.pop("contact", None)
    if restricted:
        resource["meta"]["security"] = [
            {
                "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                "code": "R",
                "display": "restricted",
            }
        ]
        resource.pop("address", None)
    elif postcode:
        resource["address"] = [
            {"use": "home", "line": ["1 Example Street"], "postalCode": postcode}
        ]
    return resource


_SANDBOX_SEARCH = {
    "9000000009": _sandbox("search_patient_9000000009.json"),
    "9000000017": _sandbox("search_patient_9000000017.json"),
    "9000000025": _sandbox("search_patient_9000000025.json")["entry"][0]["resource"],
}


def sandbox_patients() -> dict[str, dict[str, Any]]:
    """The sandbox's known patients: 9000000009 Jane Smith, 9000000017 Jayne Smyth (both born
    2010-10-22 at LS1 6AE) and 9000000025 Janet Smythe (restricted: no address)."""
    patients = {number: copy.deepcopy(resource) for number, resource in _SANDBOX_SEARCH.items()}
    patients["9000000009"] = _sandbox("patient_9000000009.json")
    return patients


def made_up_number(seed: str) -> str:
    """A valid NHS number (check digit included) from a seed, the same one each time."""
    value = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    while True:
        first_nine = f"{value % 10**9:09d}"
        check = nhs_check_digit(first_nine)
        if check is not None and first_nine[0] != "0":
            return first_nine + str(check)
        value //= 7


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _matches_text(wanted: str, held: str, *, fuzzy: bool) -> bool:
    wanted, held = _fold(wanted), _fold(held)
    if "*" in wanted and not fuzzy:
        return held.startswith(wanted.split("*", 1)[0])
    if wanted == held:
        return True
    return fuzzy and bool(held) and jellyfish.soundex(wanted) == jellyfish.soundex(held)


def _matches_date(wanted: list[str], held: str) -> bool:
    for value in wanted:
        found = DATE_RE.match(value)
        if not found:
            return False
        op, date = found.group(1) or "eq", found.group(2)
        if op == "eq" and held != date or op == "ge" and held < date or op == "le" and held > date:
            return False
    return True


def _postcode(value: str) -> str:
    return value.replace(" ", "").casefold()


@dataclass
class Refusal:
    status: int
    times: int | None = None  # None: until told otherwise
    retry_after: int = 1


class StandIn:
    """The server. `with StandIn() as pds:` starts it on a free port in a thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        require_token: bool = False,
        api_key: str = "",
        key_id: str = "",
        public_key: str = "",
        with_sandbox_patients: bool = True,
    ):
        self.patients: dict[str, dict[str, Any]] = (
            sandbox_patients() if with_sandbox_patients else {}
        )
        self.superseded: dict[str, str] = {}
        self.require_token = require_token
        self.api_key, self.key_id, self.public_key = api_key, key_id, public_key
        self.tokens: set[str] = set()
        self.requests: list[dict[str, Any]] = []
        self._refusal: Refusal | None = None
        self._hang_seconds = 0.0
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- running ------------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + PREFIX

    @property
    def token_url(self) -> str:
        return self.origin + TOKEN_PATH

    def start(self) -> StandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._released.set()  # let any hanging answer go
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what it holds and how it behaves --------------------------------------------------

    def add_patient(self, nhs_number: str, **details: Any) -> dict[str, Any]:
        resource = make_patient(nhs_number, **details)
        with self._lock:
            self.patients[nhs_number] = resource
        return resource

    def supersede(self, old: str, new: str) -> None:
        with self._lock:
            self.superseded[old] = new

    def refuse(self, status: int, *, times: int | None = None, retry_after: int = 1) -> None:
        with self._lock:
            self._refusal = Refusal(status, times, retry_after)

    def hang(self, seconds: float) -> None:
        with self._lock:
            self._hang_seconds = seconds
            self._released.clear()

    def behave(self) -> None:
        """Answer normally again."""
        with self._lock:
            self._refusal, self._hang_seconds = None, 0.0
        self._released.set()

    def take_refusal(self) -> Refusal | None:
        with self._lock:
            refusal = self._refusal
            if refusal is None:
                return None
            if refusal.times is not None:
                refusal.times -= 1
                if refusal.times <= 0:
                    self._refusal = None
            return refusal

    def wait_if_hanging(self) -> None:
        seconds = self._hang_seconds
        if seconds:
            self._released.wait(seconds)

    # --- the API --------------------------------------------------------------------------

    def search(self, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        names = set(params)
        if not names:
            return 400, outcome("UNSUPPORTED_SERVICE")
        unknown = sorted(names - VALID_SEARCH_PARAMS)
        if unknown:
            return 400, outcome(
                "ADDITIONAL_PROPERTIES",
                "Invalid request with error - Additional properties are not allowed "
                f"('{unknown[0]}' was unexpected)",
            )
        for name in ("birthdate", "death-date"):
            for value in params.get(name, []):
                if not DATE_RE.match(value):
                    return 400, outcome(
                        "INVALID_VALUE", f"Invalid value - '{value}' in field '{name}'"
                    )
        if "birthdate" not in names:
            return 400, outcome(
                "MISSING_VALUE",
                "Missing value - 'birth_date/birth_date_range_start/birth_date_range_end'",
            )
        if "family" not in names:
            return 400, outcome(
                "INVALID_SEARCH_DATA",
                "Invalid search data provided - 'No searches were performed as the search "
                "criteria did not meet the minimum requirements'",
            )
        max_results = params.get("_max-results", ["1"])[0]
        if max_results != "1":
            return 403, outcome(
                "INVALID_VALUE",
                f"Invalid value - '{max_results}' in field '_max-results'",
            )
        found = self._find(params)
        if len(found) > 1:
            return 200, outcome("TOO_MANY_MATCHES")
        entries = [
            {
                "fullUrl": f"https://api.service.nhs.uk{PREFIX}/Patient/{resource['id']}",
                "search": {"score": score},
                "resource": _search_view(resource),
            }
            for resource, score in found
        ]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "total": len(entries),
        }
        if entries:
            bundle["entry"] = entries
        return 200, bundle

    def _find(self, params: dict[str, list[str]]) -> list[tuple[dict[str, Any], float]]:
        fuzzy = params.get("_fuzzy-match", ["false"])[0] == "true"
        exact = params.get("_exact-match", ["false"])[0] == "true"
        family = params["family"][0]
        given = params.get("given", [])
        gender = params.get("gender", [""])[0]
        postcode = (params.get("address-postalcode") or params.get("address-postcode") or [""])[0]
        with self._lock:
            held = list(self.patients.values())
        found = []
        for resource in held:
            name = (resource.get("name") or [{}])[0]
            if not _matches_text(family, name.get("family", ""), fuzzy=fuzzy):
                continue
            first_given = (name.get("given") or [""])[0]
            if given and not _matches_text(given[0], first_given, fuzzy=fuzzy):
                continue
            if gender and resource.get("gender") != gender:
                continue
            if not _matches_date(params["birthdate"], resource.get("birthDate", "")):
                continue
            homes = [a.get("postalCode", "") for a in resource.get("address") or []]
            if postcode and not any(_wanted_postcode(postcode, home) for home in homes):
                continue  # (a restricted patient has no address, so is never found by postcode)
            same = _fold(family) == _fold(name.get("family", "")) and (
                not given or _fold(given[0]) == _fold(first_given)
            )
            score = 1.0 if same else (0.9 if fuzzy else 0.95)
            if exact and score < 1:
                continue
            found.append((resource, score))
        return found

    def retrieve(self, nhs_number: str) -> tuple[int, dict[str, Any]]:
        if not is_valid_nhs_number(nhs_number):
            return 400, outcome("INVALID_RESOURCE_ID")
        with self._lock:
            number = self.superseded.get(nhs_number, nhs_number)
            resource = self.patients.get(number)
        if resource is None:
            return 404, outcome("RESOURCE_NOT_FOUND")
        return 200, resource

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """The platform's token endpoint for the signed-JWT pattern."""

        def refused(message: str):
            return 401, {"error": "invalid_request", "error_description": message}

        if form.get("grant_type") != ["client_credentials"]:
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant_type is missing or not client_credentials",
            }
        if form.get("client_assertion_type") != [
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ]:
            return 400, {
                "error": "invalid_request",
                "error_description": "Missing or invalid client_assertion_type",
            }
        assertion = (form.get("client_assertion") or [""])[0]
        try:
            header = jwt.get_unverified_header(assertion)
            if header.get("alg") != "RS512" or header.get("kid") != self.key_id:
                return refused("Invalid 'kid' or 'alg' header in JWT")
            claims = jwt.decode(
                assertion, self.public_key, algorithms=["RS512"], audience=self.token_url
            )
        except jwt.PyJWTError as error:
            return refused(f"Invalid JWT: {error}")
        if claims.get("iss") != self.api_key or claims.get("sub") != self.api_key:
            return refused("Invalid iss/sub claims in JWT")
        if not claims.get("jti") or int(claims.get("exp", 0)) - time.time() > 300:
            return refused("Invalid exp claim in JWT - more than 5 minutes in future")
        token = uuid.uuid4().hex + "A"
        with self._lock:
            self.tokens.add(token)
        return 200, {
            "access_token": token,
            "expires_in": "599",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
        }

    def check_authorization(self, header: str | None) -> tuple[int, dict[str, Any]] | None:
        if not header:
            if self.require_token:
                return 401, outcome("ACCESS_DENIED", "Missing access token")
            return None  # authorization is not mandatory on the sandbox
        parts = header.split(" ")
        if len(parts) != 2 or parts[0] != "Bearer":
            return 401, outcome("ACCESS_DENIED", "Missing access token")
        if self.require_token and parts[1] not in self.tokens:
            return 401, outcome("ACCESS_DENIED", "Invalid Access Token")
        return None


def _wanted_postcode(wanted: str, held: str) -> bool:
    wanted, held = _postcode(wanted), _postcode(held)
    if "*" in wanted:
        return held.startswith(wanted.split("*", 1)[0])
    return wanted == held


def _search_view(resource: dict[str, Any]) -> dict[str, Any]:
    """A search returns less than a retrieval: no place of birth, pharmacies or preferences."""
    view = copy.deepcopy(resource)
    for key in ("extension",):
        view.pop(key, None)
    return view


def _handler_for(standin: StandIn):
    class Handler(BaseHTTPRequestHandler):
        server_version = "PDS-stand-in"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            return  # the tests and the demo read `standin.requests` instead

        def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
            raw = json.dumps(body).encode()
            self.send_response(status)
            content_type = (
                "application/json" if self.path.startswith(TOKEN_PATH) else "application/fhir+json"
            )
            self.send_header("Content-Type", content_type)
            for name in ("X-Request-ID", "X-Correlation-ID"):
                if self.headers.get(name):
                    self.send_header(name, self.headers[name])
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            # A client that gave up waiting (its time-out) has gone: nothing to tell it.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(raw)

        def _note(self, method: str, params: dict[str, list[str]]):
            standin.requests.append(
                {
                    "method": method,
                    "path": urllib.parse.urlsplit(self.path).path,
                    "params": params,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }
            )

        def _refused(self) -> bool:
            standin.wait_if_hanging()
            refusal = standin.take_refusal()
            if refusal is None:
                return False
            make = REFUSALS.get(refusal.status) or (
                lambda: _spine_outcome(
                    "SERVICE_UNAVAILABLE",
                    "Service unavailable",
                    "The service is unavailable",
                    issue_code="exception",
                )
            )
            extra = {"Retry-After": str(refusal.retry_after)} if refusal.status == 429 else None
            self._answer(refusal.status, make(), extra)
            return True

        def do_POST(self):  # noqa: N802 - the base class's name
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            self._note("POST", {})
            if urllib.parse.urlsplit(self.path).path != TOKEN_PATH:
                return self._answer(405, outcome("ADDITIONAL_PROPERTIES", "Method not allowed"))
            if self._refused():
                return None
            return self._answer(*standin.token(form))

        def do_GET(self):  # noqa: N802 - the base class's name
            split = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
            self._note("GET", params)
            if self._refused():
                return None
            request_id = self.headers.get("X-Request-ID")
            if not request_id:
                return self._answer(
                    400,
                    outcome(
                        "MISSING_VALUE",
                        "Invalid request with error - X-Request-ID header must be supplied to "
                        "access this resource",
                    ),
                )
            if not UUID_RE.match(request_id):
                return self._answer(
                    400,
                    outcome(
                        "INVALID_VALUE", f"Invalid value - '{request_id}' in header 'X-Request-ID'"
                    ),
                )
            denied = standin.check_authorization(self.headers.get("Authorization"))
            if denied:
                return self._answer(*denied)
            if split.path == f"{PREFIX}/Patient":
                return self._answer(*standin.search(params))
            found = re.fullmatch(rf"{re.escape(PREFIX)}/Patient/([^/]+)", split.path)
            if found:
                status, body = standin.retrieve(found.group(1))
                etag = {"ETag": f'W/"{body["meta"]["versionId"]}"'} if status == 200 else None
                return self._answer(status, body, etag)
            return self._answer(404, outcome("RESOURCE_NOT_FOUND"))

    return Handler
