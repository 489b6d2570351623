"""FHIR search parameters, parsed and turned into filters: token (identifier), reference
(patient), date (date, birthdate, authored, _lastUpdated, with the eq/lt/le/gt/ge prefixes and
year, month, day or instant precision), string (family, given, name), and paging (_count,
_offset). A bad value raises ParamError naming the parameter."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

DEFAULT_COUNT = 20
MAX_COUNT = 100
# Parameters every search takes, besides the resource's own.
PAGING = ("_count", "_offset", "_format")


class ParamError(Exception):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


Filter = Callable[[QuerySet, str], QuerySet]


@dataclass(frozen=True)
class Paging:
    count: int
    offset: int


def paging(params) -> Paging:
    return Paging(
        count=_whole(params, "_count", DEFAULT_COUNT, 1, MAX_COUNT),
        offset=_whole(params, "_offset", 0, 0, 10**9),
    )


def _whole(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ParamError(name, f"{name} must be between {low} and {high}")
    return value


# --- tokens and references -------------------------------------------------------------------


def split_token(value: str) -> tuple[str | None, str]:
    if "|" in value:
        system, _, code = value.partition("|")
        return system or None, code
    return None, value


def parse_uuid(param: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ParamError(param, f"{param}: {value!r} is not an id this server issued") from None


def reference_id(param: str, value: str, resource_type: str) -> uuid.UUID:
    """`Patient/<id>`, or the bare id."""
    prefix = resource_type + "/"
    if "/" in value and not value.startswith(prefix):
        raise ParamError(param, f"{param} must refer to a {resource_type}")
    return parse_uuid(param, value.removeprefix(prefix))


def reference_filter(field: str, resource_type: str = "Patient") -> Filter:
    def apply(queryset: QuerySet, value: str) -> QuerySet:
        key = reference_id("patient", value, resource_type)
        return queryset.filter(**{field: key})

    return apply


def record_identifier_filter(system: str, field: str = "public_id") -> Filter:
    def apply(queryset: QuerySet, value: str) -> QuerySet:
        given_system, code = split_token(value)
        if given_system not in (None, system):
            return queryset.none()
        return queryset.filter(**{field: parse_uuid("identifier", code)})

    return apply


def id_filter(field: str = "public_id") -> Filter:
    def apply(queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(**{field: parse_uuid("_id", value)})

    return apply


def string_filter(*fields: str) -> Filter:
    """FHIR string search: starts with, ignoring case."""

    def apply(queryset: QuerySet, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__istartswith": value.strip()})
        return queryset.filter(match)

    return apply


# --- dates -----------------------------------------------------------------------------------

PREFIXES = ("eq", "lt", "le", "gt", "ge")


def _range(param: str, text: str) -> tuple[datetime, datetime]:
    """[start, end) of a FHIR date of year, month, day or instant precision."""
    try:
        if len(text) == 4:
            start = datetime(int(text), 1, 1)
            end = datetime(int(text) + 1, 1, 1)
        elif len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            start = datetime(year, month, 1)
            end = datetime(year + month // 12, month % 12 + 1, 1)
        elif len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time())
            end = start + timedelta(days=1)
        else:
            moment = parse_datetime(text)
            if moment is None:
                raise ValueError(text)
            if timezone.is_naive(moment):
                raise ParamError(param, f"{param}: a date and time needs its time zone")
            return moment, moment + timedelta(microseconds=1)
    except ValueError:
        raise ParamError(
            param, f"{param}: {text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or an instant)"
        ) from None
    zone = timezone.get_current_timezone()
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone)


def date_filter(param: str, field: str, *, is_date: bool) -> Filter:
    """A date parameter over a DateField (is_date) or a DateTimeField."""

    def apply(queryset: QuerySet, value: str) -> QuerySet:
        prefix, text = ("eq", value)
        if value[:2] in PREFIXES:
            prefix, text = value[:2], value[2:]
        elif value[:2].isalpha():
            raise ParamError(param, f"{param}: the prefix {value[:2]!r} is not supported")
        start, end = _range(param, text)
        low: date | datetime = start.date() if is_date else start
        high: date | datetime = end.date() if is_date else end
        if is_date and end - start < timedelta(days=1):
            low = high = start.date()
            high = low + timedelta(days=1)
        conditions = {
            "eq": Q(**{f"{field}__gte": low, f"{field}__lt": high}),
            "lt": Q(**{f"{field}__lt": low}),
            "le": Q(**{f"{field}__lt": high}),
            "gt": Q(**{f"{field}__gte": high}),
            "ge": Q(**{f"{field}__gte": low}),
        }
        return queryset.filter(conditions[prefix])

    return apply
