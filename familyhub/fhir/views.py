"""The FHIR API's HTTP side: /fhir/metadata (open), /fhir/token (client credentials), and read
and search for each resource type, answering FHIR JSON and OperationOutcome for every error.

These views skip Django's LoginRequiredMiddleware: they authenticate themselves (a bearer token,
or a signed-in session) and answer 401 with an OperationOutcome. With a token, request.user
becomes the client's service account, so the access log's entries for the request (written by
audit.middleware when the answer is sent) name it.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from familyhub.access.layer import no_person_data, person_view
from familyhub.fhir import auth, capability, engine, rules
from familyhub.fhir.resources import KINDS
from familyhub.fhir.search import ParamError

FHIR_JSON = "application/fhir+json"


def fhir_response(resource: dict, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome(status: int, code: str, message: str, **headers: str) -> HttpResponse:
    """An OperationOutcome with one error issue (issue codes: the FHIR IssueType value set)."""
    resource = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    rules.check_schema(resource)
    return fhir_response(resource, status, **headers)


def _authenticated(request: HttpRequest, resource_type: str) -> auth.Caller:
    caller = auth.caller_for(request)
    caller.check_scope(resource_type)
    if caller.client is not None:
        request.user = caller.user  # the access log's entries name the service account
    return caller


def _refusal(error: Exception) -> HttpResponse:
    if isinstance(error, auth.NotSignedIn):
        challenge = 'Bearer realm="fhir"' + (', error="invalid_token"' if error.token_error else "")
        return outcome(401, "login", str(error), WWW_Authenticate=challenge)
    return outcome(
        403, "forbidden", str(error), WWW_Authenticate='Bearer error="insufficient_scope"'
    )


def _only_get(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ("GET", "HEAD"):
        return outcome(405, "not-supported", "This server only reads: use GET", Allow="GET")
    return None


@login_not_required
@person_view
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    refused = _only_get(request)
    if refused:
        return refused
    kind = KINDS[resource_type]
    try:
        caller = _authenticated(request, resource_type)
        page = engine.search(kind, caller.user, request.GET)
    except (auth.NotSignedIn, auth.ScopeRefused) as error:
        return _refusal(error)
    except ParamError as error:
        return outcome(400, "invalid", f"Search parameter {error.param}: {error.message}")
    return fhir_response(bundle(request, resource_type, page))


@login_not_required
@person_view
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    refused = _only_get(request)
    if refused:
        return refused
    kind = KINDS[resource_type]
    try:
        caller = _authenticated(request, resource_type)
        resource = engine.read(kind, caller.user, resource_id)
    except (auth.NotSignedIn, auth.ScopeRefused) as error:
        return _refusal(error)
    except Http404:
        return outcome(404, "not-found", f"No {resource_type} {resource_id} that you may see")
    return fhir_response(resource)


def _link(request: HttpRequest, relation: str, offset: int) -> dict:
    params = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "_offset"]
    if offset:
        params.append(("_offset", str(offset)))
    base = request.build_absolute_uri(request.path)
    return {"relation": relation, "url": base + ("?" + urlencode(params) if params else "")}


def bundle(request: HttpRequest, resource_type: str, page: engine.Page) -> dict:
    """A searchset Bundle with its self link and, when there is more, next (and previous)."""
    base = request.build_absolute_uri("/fhir/")
    links = [_link(request, "self", page.offset)]
    if page.has_more:
        links.append(_link(request, "next", page.offset + page.count))
    if page.offset:
        links.append(_link(request, "previous", max(page.offset - page.count, 0)))
    resource: dict = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{item['resourceType']}/{item['id']}",
                "resource": item,
                "search": {"mode": "match"},
            }
            for item in page.resources
        ],
    }
    if page.total is not None:
        resource["total"] = page.total
    if not resource["entry"]:
        del resource["entry"]
    rules.check_schema(resource)
    return resource


@login_not_required
@no_person_data("The server's CapabilityStatement: what it offers, no one's information")
def metadata(request: HttpRequest) -> HttpResponse:
    refused = _only_get(request)
    if refused:
        return refused
    return fhir_response(capability.statement(request.build_absolute_uri("/fhir/")))


@csrf_exempt  # a system's POST with its credentials, not a browser form
@login_not_required
@require_POST
@no_person_data("Issues a token to a system; shows no one's information")
def token(request: HttpRequest) -> HttpResponse:
    try:
        answer = auth.issue_token(request)
    except auth.TokenRefused as error:
        headers = {"WWW-Authenticate": 'Basic realm="fhir"'} if error.status == 401 else {}
        response = HttpResponse(
            json.dumps({"error": error.error, "error_description": error.description}),
            status=error.status,
            content_type="application/json",
        )
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(json.dumps(answer), content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
