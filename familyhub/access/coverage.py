"""Which views are covered by the access layer: the data behind the URL-walk test.

A view is covered when it carries `access_checked = True` (set by access.layer.person_view or
no_person_data, or as a class attribute on a DRF view/viewset). The test walks every URL
pattern (django.urls.get_resolver(), which includes every API router) and fails for an uncovered
view whose URL carries an identifier (a uuid, or a parameter named id, pk, or *_id), and for any
uncovered view under /api/ (API list endpoints reach people without an identifier in the URL).

Views of other parts, or of Django itself, that show no person data and cannot carry the marker
are listed here with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

# Dotted view name -> why it needs no access-layer check.
KNOWN_SAFE: dict[str, str] = {
    "familyhub.core.views.job_progress": "a background job's progress: only its creator; no person data",
    "rest_framework.routers.APIRootView": "the API's list of endpoints; no person data",
}
# Whole modules outside the rule, and why (keep this short).
KNOWN_SAFE_MODULES: dict[str, str] = {
    "familyhub.planning.": "planning works with aggregates, never people's records (DESIGN.md); "
    "planning views use core.access.require_role",
}
# URL namespaces outside the rule, and why.
EXEMPT_NAMESPACES: dict[str, str] = {
    "admin": "Django admin: staff only, and no Person, Household or PersonRecord model may be "
    "registered there (test_admin_registers_no_person_data)",
}
API_PREFIXES = ("api/",)
API_SAFE_SUFFIXES = ("schema/", "docs/", "schema", "docs")


@dataclass
class Route:
    route: str
    name: str
    namespace: str
    callback: Any
    params: dict[str, Any]

    @property
    def dotted(self) -> str:
        view = getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)
        target = view or self.callback
        return f"{target.__module__}.{target.__qualname__}"


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {}) or {}
            params: dict[str, Any] = dict(converters)
            regex = getattr(entry.pattern, "regex", None)
            if regex is not None:
                for group in regex.groupindex:
                    params.setdefault(group, None)
            yield Route(
                prefix + str(entry.pattern), entry.name or "", namespace, entry.callback, params
            )


def is_marked(callback) -> bool:
    for target in (
        callback,
        getattr(callback, "view_class", None),
        getattr(callback, "cls", None),
        getattr(callback, "__wrapped__", None),
    ):
        if target is not None and getattr(target, "access_checked", False):
            return True
    return False


def takes_identifier(route: Route) -> bool:
    for name, converter in route.params.items():
        if isinstance(converter, UUIDConverter | IntConverter) and (
            isinstance(converter, UUIDConverter) or name in ("pk", "id") or name.endswith("_id")
        ):
            return True
        if name in ("pk", "id", "uuid", "public_id") or name.endswith("_id"):
            return True
    return False


def is_api(route: Route) -> bool:
    return route.route.startswith(API_PREFIXES) and not route.route.rstrip("$").endswith(
        API_SAFE_SUFFIXES
    )


def uncovered() -> list[str]:
    """Routes that reach (or may reach) person data without the access-layer marker."""
    problems = []
    for route in walk():
        if route.namespace in EXEMPT_NAMESPACES or route.dotted in KNOWN_SAFE:
            continue
        if route.dotted.startswith(tuple(KNOWN_SAFE_MODULES)):
            continue
        if not (takes_identifier(route) or is_api(route)):
            continue
        if not is_marked(route.callback):
            problems.append(f"/{route.route} -> {route.dotted}")
    return problems
