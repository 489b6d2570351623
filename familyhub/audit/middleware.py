"""Every person a page shows is logged once, when the page is sent (audit.scope).

A page that was not sent (an error page, a 404) or a redirect after a successful change shows
nobody, so nothing is logged for it; a change the request made was logged by its service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from familyhub.audit.log import append
from familyhub.audit.scope import request_scope

# Responses that show what the view prepared. A redirect shows nothing; Django's error pages show
# nothing of a person.
SHOWN_STATUSES = frozenset({200, 201, 206, 400, 409, 422})


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope() as scope:
            response = self.get_response(request)
            if response.status_code in SHOWN_STATUSES:
                user = getattr(request, "user", None)
                for (action, purpose, channel, detail), pairs in scope.unlogged():
                    append(
                        user, pairs, action=action, purpose=purpose, channel=channel, detail=detail
                    )
        return response
