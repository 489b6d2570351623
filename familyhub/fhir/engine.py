"""Search and read, for any resource type (familyhub.fhir.resources), apart from HTTP.

Every row comes from a source's queryset, which reads through the access layer as the caller;
every person behind a resource on the page is noted as shown (one access-log entry each, when
the answer is sent), and every resource is checked (familyhub.fhir.rules) before it goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from familyhub.access import layer
from familyhub.fhir import rules
from familyhub.fhir.resources import Kind, Source
from familyhub.fhir.search import PAGING, paging


@dataclass
class Page:
    resources: list[dict]
    total: int | None
    offset: int
    count: int
    has_more: bool


def _filtered(source: Source, user, params):
    queryset = source.queryset(user)
    for name in params:
        if name in PAGING:
            continue
        apply = source.filters.get(name)
        for value in params.getlist(name):
            # A parameter this kind of record cannot answer matches none of its rows.
            queryset = apply(queryset, value) if apply else queryset.none()
    return queryset.order_by(*source.order)


def search(kind: Kind, user, params) -> Page:
    kind.check_params(params)
    window = paging(params)
    querysets = [(source, _filtered(source, user, params)) for source in kind.sources]
    wanted = window.offset + window.count + 1
    if len(querysets) == 1 and kind.one_per_row:
        source, queryset = querysets[0]
        rows = [(source, row) for row in queryset[window.offset : wanted]]
        total: int | None = queryset.count()
        start = 0
    else:
        merged = [(source, row) for source, queryset in querysets for row in queryset[:wanted]]
        merged.sort(key=lambda pair: pair[0].sort_key(pair[1]), reverse=True)
        rows = merged
        total = sum(q.count() for _, q in querysets) if kind.one_per_row else None
        start = window.offset
    built = [
        (resource, source, row)
        for source, row in rows
        for resource in source.build(row)
        if source.keep(resource, params)
    ]
    page = built[start : start + window.count]
    has_more = len(built) > start + window.count
    people = [person for _, source, row in page for person in source.people(row)]
    layer.log_shown(
        user, people, purpose=f"FHIR API: {kind.name} search", channel="api", action="search"
    )
    return Page(
        resources=[rules.check(resource) for resource, _, _ in page],
        total=total,
        offset=window.offset,
        count=window.count,
        has_more=has_more,
    )


def read(kind: Kind, user, resource_id: str) -> dict:
    """One resource, or Http404 for absent and not allowed alike (the layer's answer)."""
    record_id = kind.read_split(resource_id)
    for source in kind.sources:
        try:
            row = source.read(user, record_id)
        except Http404:
            continue
        for resource in source.build(row):
            if resource["id"] == resource_id:
                return rules.check(resource)
    raise Http404("No such resource")
