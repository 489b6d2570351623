"""The one enforcement point of the data-sharing protocol. Every channel asks these functions.

CONTRACT (other parts code against these names and signatures; the access part owns the bodies):

    visible_people(user, *, channel) -> QuerySet[Person]
        The people whose core record the user may see now (involvement, role, break-glass).
    person_for_viewer(user, public_id, *, purpose, channel, action="read") -> Person
        One person, or Http404 for both "absent" and "not allowed"; follows merge redirects;
        writes exactly one access-log entry.
    log_person_access(user, people, *, action, purpose, channel, detail="") -> None
        Appends one entry per person (search results, exports, changes).
    match_candidates_for_registration(user, queryset) -> QuerySet[Person]
        Single registration's duplicate check may show a minimal view (name, date of birth,
        postcode district, household size) of any person in the user's authority so a family is
        never registered twice; each shown candidate is logged as action "search", channel given.
    records_visible_to(user, queryset) -> QuerySet
        Filters any queryset of a PersonRecord subclass by the sharing rules, in the database.

Channels: "page", "api", "search", "export", "report", "registration", "task".
Actions: "read", "search", "export", "change", "create", "merge".

Also here (additions, same module):

    household_for_viewer(user, public_id, *, purpose, channel) -> Household
        A family (household) whose core record the user may see (any member visible), or Http404;
        logs one "read" per current member.
    visible_among(user, person_ids, *, viewer=None) -> set[int]
        Which of these people the user may see (the same rule as visible_people), with flat
        queries: for pages that already know whom they will show.
    records_visible_among(user, queryset, *, viewer=None) -> QuerySet
        records_visible_to for a worklist's candidates, through visible_among.
    record_for_viewer(user, model_or_queryset, public_id, *, purpose, channel) -> record
        One PersonRecord row through records_visible_to, or Http404; logs one entry.
    hidden_record_count(user, queryset) -> int
        How many rows of a PersonRecord queryset the user may not see ("N items not shared
        with you"); only call it for people whose core record the user may see.
    can_see_person(user, person) -> bool
    visible_person_or_404(user, public_id) -> Person
        Like person_for_viewer without the log entry: for a POST whose service logs the change,
        or a redirect to a page that logs its own read.
    break_glass_start(*, user, person, reason) -> BreakGlass
        Emergency access (FAMILYHUB_BREAK_GLASS_HOURS, default 24), logged, queued for review.
        Send a practitioner who hits a 404 on a person to reverse("access:break-glass",
        args=[public_id]); the page says nothing about whether the person exists.
    viewer_for(user) -> Viewer; record_visible_q(viewer, model) -> Q
        For a page that asks many questions: read the user's teams and agreements once.

MARKING VIEWS (the URL-walk test, access/tests/test_url_coverage.py, fails for any view with a
uuid/pk/id URL parameter, and any view under /api/, that is not marked):

    from familyhub.access.layer import person_view, no_person_data

    @person_view            # the view gets people/households/records through this module
    def person_detail(request, public_id): ...

    @no_person_data("a job's progress: only its owner, no person data")
    def job_progress(request, public_id): ...

DRF viewsets / API views: set the class attribute `access_checked = True` (or decorate the class
with @person_view), and make get_queryset() use visible_people / records_visible_to.
Views outside your part: list their dotted names in access.coverage.KNOWN_SAFE with a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, IntegerField, Model, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.log import append
from familyhub.access.records import PersonRecord, sensitive_categories
from familyhub.accounts.roles import PRACTITIONER_ROLES

V = TypeVar("V", bound=Callable[..., Any])

CHANNELS = frozenset({"page", "api", "search", "export", "report", "registration", "task"})
ACTIONS = frozenset({"read", "search", "export", "change", "create", "merge", "break_glass"})


# --- markers -------------------------------------------------------------------------------


def person_view(view: V) -> V:
    """Mark a view (function or class) as getting person data only through this module."""
    view.access_checked = True  # type: ignore[attr-defined]
    return view


def no_person_data(reason: str) -> Callable[[V], V]:
    """Mark a view with an identifier in its URL that shows no person's information."""

    def mark(view: V) -> V:
        view.access_checked = True  # type: ignore[attr-defined]
        view.no_person_data = reason  # type: ignore[attr-defined]
        return view

    return mark


# --- who the user is -----------------------------------------------------------------------


def _is_practitioner(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in PRACTITIONER_ROLES


@dataclass
class Viewer:
    """What the rules need to know about a user, read once per call (or once per page when a
    caller passes it to several layer functions). Not cached on the user: memberships and
    agreements change, and a stale answer here would be a leak."""

    user: Any
    practitioner: bool
    team_ids: list[int]
    service_ids: list[int]
    authority_ids: list[int]
    agreements: list = field(default_factory=list)
    glass_person_ids: list[int] = field(default_factory=list)
    # The user's teams' bases and localities (teams without one leave nothing here), for the
    # involvement providers that take a Viewer instead of asking for the teams again.
    base_ids: list[int] = field(default_factory=list)
    locality_ids: list[int] = field(default_factory=list)


def viewer_for(user) -> Viewer:
    from familyhub.access.models import BreakGlass, SharingAgreement
    from familyhub.services.selectors import teams_of

    if not _is_practitioner(user):
        return Viewer(user, False, [], [], [])
    rows = list(
        teams_of(user).values_list(
            "pk", "service_id", "service__authority_id", "base_id", "locality_id"
        )
    )
    team_ids = sorted({r[0] for r in rows})
    service_ids = sorted({r[1] for r in rows})
    authority_ids = sorted({r[2] for r in rows})
    base_ids = sorted({r[3] for r in rows if r[3] is not None})
    locality_ids = sorted({r[4] for r in rows if r[4] is not None})
    agreements: list = []
    if service_ids:
        today = timezone.localdate()
        agreements = [
            a
            for a in SharingAgreement.objects.filter(
                Q(recipient_service__isnull=True) | Q(recipient_service_id__in=service_ids),
                Q(starts__isnull=True) | Q(starts__lte=today),
                Q(ends__isnull=True) | Q(ends__gte=today),
            )
            if not a.roles or user.role in a.roles
        ]
    glass = list(
        BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
            "person_id", flat=True
        )
    )
    return Viewer(
        user,
        True,
        team_ids,
        service_ids,
        authority_ids,
        agreements,
        glass,
        base_ids=base_ids,
        locality_ids=locality_ids,
    )


def _team_ids(user) -> list[int]:
    return viewer_for(user).team_ids


def _service_ids(user) -> list[int]:
    return viewer_for(user).service_ids


def _authority_ids(user) -> list[int]:
    return viewer_for(user).authority_ids


def break_glass_hours() -> int:
    return int(getattr(settings, "FAMILYHUB_BREAK_GLASS_HOURS", 24))


def _break_glass_person_ids(user) -> QuerySet:
    from familyhub.access.models import BreakGlass

    return BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values("person_id")


# --- core record ---------------------------------------------------------------------------


def visible_people(user, *, channel: str = "page", viewer: Viewer | None = None) -> QuerySet:
    """The people whose core record the user may see now.

    Involved people (every registered provider), the current household members of involved
    people (the family record), and people under an active break-glass (with their households).
    Merged-away records are left out; person_for_viewer follows their redirect. The same rule
    serves every channel, so no channel shows what another hides.
    """
    from familyhub.people.models import HouseholdMembership, Person

    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return Person.objects.none()
    # Kept shallow on purpose: SQLite's parser has a nesting limit, and every provider adds to it.
    direct = involvement.involved_q(user, viewer=viewer) | Q(pk__in=viewer.glass_person_ids)
    today = timezone.localdate()
    current = Q(end__isnull=True) | Q(end__gte=today)
    households = HouseholdMembership.objects.filter(
        current, person__in=Person.objects.filter(direct).values("pk")
    ).values("household_id")
    members = HouseholdMembership.objects.filter(current, household_id__in=households).values(
        "person_id"
    )
    return Person.objects.filter(
        direct | Q(pk__in=members),
        merged_into__isnull=True,
        authority_id__in=viewer.authority_ids,
    )


def visible_among(
    user, person_ids: Iterable[int] | QuerySet, *, viewer: Viewer | None = None
) -> set[int]:
    """Which of these people the user may see now: the same rule as visible_people, answered for
    candidate ids with a few flat queries instead of nesting the whole rule into a page's query.

    For pages that already know whom they will show (worklists): their candidates' keys come from
    their own query, this answers for those keys only. The household part is asked only for the
    candidates not involved directly, and involvement only for their current household members.
    Equal to set(visible_people(user).filter(pk__in=person_ids).values_list("pk", flat=True)),
    proved in access/tests/test_visible_among.py.
    """
    from familyhub.people.models import HouseholdMembership, Person

    viewer = viewer or viewer_for(user)
    if not viewer.practitioner or not viewer.authority_ids:
        return set()
    wanted = person_ids if isinstance(person_ids, QuerySet) else {int(pk) for pk in person_ids}
    keys = Q(pk__in=wanted) if isinstance(wanted, QuerySet) else Q(involvement.KeyIn("pk", wanted))
    candidates = set(
        Person.objects.filter(
            keys, merged_into__isnull=True, authority_id__in=viewer.authority_ids
        ).values_list("pk", flat=True)
    )
    if not candidates:
        return set()
    glass = set(viewer.glass_person_ids)
    direct = (candidates & glass) | involvement.involved_among(
        user, candidates - glass, viewer=viewer
    )
    rest = candidates - direct
    if not rest:
        return direct
    today = timezone.localdate()
    current = Q(end__isnull=True) | Q(end__gte=today)
    households_of_rest = HouseholdMembership.objects.filter(
        current, involvement.KeyIn("person_id", rest)
    ).values("household_id")
    members: dict[int, set[int]] = {}
    for household_id, person_id in HouseholdMembership.objects.filter(
        current, household_id__in=households_of_rest
    ).values_list("household_id", "person_id"):
        members.setdefault(household_id, set()).add(person_id)
    others = set().union(*members.values()) - rest - direct
    involved = (
        direct | (others & glass) | involvement.involved_among(user, others - glass, viewer=viewer)
    )
    families = [people for people in members.values() if people & involved]
    return direct | (rest & set().union(*families))


def can_see_person(user, person) -> bool:
    return visible_people(user).filter(pk=person.pk).exists()


def _parse_uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _resolve_merges(person):
    from familyhub.people.models import Person

    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def person_for_viewer(user, public_id, *, purpose: str, channel: str, action: str = "read"):
    """One person for this user, or Http404 for both "absent" and "not allowed".

    Follows merge redirects (the surviving record is checked and returned). Writes exactly one
    access-log entry for an allowed read; refusals are not logged as reads of the person.
    """
    from familyhub.people.models import Person

    key = _parse_uuid(public_id)
    if key is None:
        raise Http404("No such person")
    person = Person.objects.filter(public_id=key).first()
    if person is None:
        raise Http404("No such person")
    person = _resolve_merges(person)
    if not visible_people(user, channel=channel).filter(pk=person.pk).exists():
        raise Http404("No such person")
    append(
        user,
        [(person.pk, person.public_id)],
        action=action,
        purpose=purpose,
        channel=channel,
        detail="" if str(person.public_id) == str(key) else f"requested merged record {key}",
    )
    return person


def _pairs(people) -> list[tuple[int, object]]:
    from familyhub.people.models import Person

    if isinstance(people, QuerySet):
        if people.model is not Person:
            raise TypeError("log_person_access takes people (Person rows or a Person queryset)")
        return list(people.values_list("pk", "public_id"))
    if isinstance(people, Model):
        people = [people]
    pairs: list[tuple[int, object]] = []
    for item in people:
        if isinstance(item, Model):
            pairs.append((item.pk, getattr(item, "public_id", None)))
        else:
            pairs.append((int(item), None))
    return pairs


def visible_person_or_404(user, public_id, *, channel: str = "page"):
    """The person (merges followed) if the user may see them, without logging: for writes whose
    service logs the change itself, and redirects to a page that logs its own read."""
    from familyhub.people.models import Person

    key = _parse_uuid(public_id)
    person = Person.objects.filter(public_id=key).first() if key else None
    if person is None:
        raise Http404("No such person")
    person = _resolve_merges(person)
    if not visible_people(user, channel=channel).filter(pk=person.pk).exists():
        raise Http404("No such person")
    return person


def person_for_ig_review(user, public_id, *, purpose: str = "Access log review"):
    """The information governance lead may look up anyone in their authority to review who has
    seen them (subject access requests, complaints). Logged like any read; 404 for others."""
    from familyhub.accounts.roles import Role
    from familyhub.people.models import Person

    if not getattr(user, "is_authenticated", False) or user.role != Role.IG_LEAD:
        raise Http404("No such person")
    key = _parse_uuid(public_id)
    person = Person.objects.filter(public_id=key).first() if key else None
    if person is None:
        raise Http404("No such person")
    append(user, [(person.pk, person.public_id)], action="read", purpose=purpose, channel="page")
    return person


def log_person_access(
    user, people, *, action: str, purpose: str, channel: str, detail: str = ""
) -> None:
    """Append one access-log entry per person (a Person, an iterable of them, or a queryset)."""
    append(user, _pairs(people), action=action, purpose=purpose, channel=channel, detail=detail)


def match_candidates_for_registration(user, queryset, *, channel: str = "registration") -> QuerySet:
    """Duplicate-check candidates the user may be shown while registering: anyone in the user's
    authority (not merged away), minimal fields only by the caller's template. Each returned
    candidate is logged as a "search" on channel "registration". The order is kept."""
    from familyhub.people.models import Person

    if not _is_practitioner(user):
        return Person.objects.none()
    if isinstance(queryset, QuerySet):
        ids = list(queryset.values_list("pk", flat=True))
    else:
        ids = [p.pk if isinstance(p, Model) else int(p) for p in queryset]
    allowed = Person.objects.filter(
        pk__in=ids, merged_into__isnull=True, authority_id__in=_authority_ids(user)
    )
    allowed_ids = set(allowed.values_list("pk", flat=True))
    ordered = [pk for pk in ids if pk in allowed_ids]
    result = Person.objects.filter(pk__in=ordered).order_by(
        Case(*[When(pk=pk, then=i) for i, pk in enumerate(ordered)], output_field=IntegerField())
        if ordered
        else "pk"
    )
    log_person_access(
        user,
        result,
        action="search",
        purpose="Duplicate check at registration",
        channel=channel,
    )
    return result


# --- records: the sharing rules ------------------------------------------------------------


def _agreement_q(viewer: Viewer) -> Q:
    """OR of every agreement that covers this user, as one filter over the record table."""
    from familyhub.access.models import Basis, Consent, ConsentPurpose, DecisionNotToShare

    sensitive = sensitive_categories()
    services = viewer.service_ids
    combined = Q(pk__in=[])
    for agreement in viewer.agreements:
        categories = [str(c) for c in agreement.categories]
        if agreement.recipient_service_id is None:
            # A blanket line never covers a sensitive category: it must name its recipient.
            categories = [c for c in categories if c not in sensitive]
        if not categories:
            continue
        recipients = (
            [agreement.recipient_service_id] if agreement.recipient_service_id else services
        )
        rule = Q(owning_service_id=agreement.owner_service_id, category__in=categories)
        if agreement.basis == Basis.CONSENT:
            consent = Consent.objects.filter(
                Q(services__isnull=True) | Q(services__in=recipients),
                person_id=OuterRef("person_id"),
                given=True,
                withdrawn_at__isnull=True,
                purpose=ConsentPurpose.SHARING,
            )
            rule &= Q(Exists(consent))
        decided_not = DecisionNotToShare.objects.filter(
            Q(recipient_service__isnull=True) | Q(recipient_service_id__in=recipients),
            Q(category="") | Q(category=OuterRef("category")),
            person_id=OuterRef("person_id"),
            owning_service_id=OuterRef("owning_service_id"),
            ended_at__isnull=True,
        )
        rule &= ~Q(Exists(decided_not))
        combined |= rule
    return combined


def _share_q(viewer: Viewer, model) -> Q:
    from familyhub.access.models import Share

    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    shares = Share.objects.filter(
        Q(recipient_team_id__in=viewer.team_ids) | Q(recipient_service_id__in=viewer.service_ids),
        Q(category="") | Q(category=OuterRef("category")),
        Q(content_type__isnull=True) | Q(content_type=content_type, object_id=OuterRef("pk")),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        person_id=OuterRef("person_id"),
        owning_service_id=OuterRef("owning_service_id"),
        revoked_at__isnull=True,
    )
    return Q(Exists(shares))


def records_visible_to(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> QuerySet:
    """Filter a queryset of any PersonRecord subclass by the sharing rules, in the database.

    A practitioner sees a record when:
      - their service owns it; or
      - they hold an active break-glass for its person; or
      - an explicit share names their team or service (the whole person, a category, or this
        record); or
      - they may see the person's core record AND an agreement covers (their service, their
        role, the record's owning service, its category), on its basis (consent needs a given,
        unwithdrawn sharing consent covering their service), and no decision not to share
        stands against it.
    Everyone else sees nothing.
    """
    model = queryset.model
    if not (isinstance(model, type) and issubclass(model, PersonRecord)):
        raise TypeError(f"records_visible_to filters PersonRecord querysets, not {model.__name__}")
    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return queryset.none()
    return queryset.filter(record_visible_q(viewer, model))


def records_visible_among(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> QuerySet:
    """records_visible_to for a queryset already narrowed to a page's candidates (a worklist):
    the same rows, but the core-record part of the rule is answered by visible_among for the
    candidates' people (their keys read from the queryset without the rule) and enters the record
    rule as an array of keys, so the page's query stays flat and quick to build and to plan.
    Measured for worklists of 0 to ~800 people (docs/PERFORMANCE.md)."""
    model = queryset.model
    if not (isinstance(model, type) and issubclass(model, PersonRecord)):
        raise TypeError(
            f"records_visible_among filters PersonRecord querysets, not {model.__name__}"
        )
    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return queryset.none()
    # The rows' people go in as a subquery: visible_among reads them once, with its first query.
    visible = visible_among(user, queryset.order_by().values("person_id"), viewer=viewer)
    people = Q(involvement.KeyIn("person_id", visible))
    return queryset.filter(_record_rule(viewer, model, people))


def record_visible_q(viewer: Viewer, model, *, visible_person_ids: list[int] | None = None) -> Q:
    """The sharing rules as one Q over a PersonRecord model's table (for conditional counts).
    A caller that has already checked which people the user may see (the family record) passes
    their ids, which keeps the query shallow."""
    if not viewer.practitioner:
        return Q(pk__in=[])
    if visible_person_ids is None:
        people = Q(person_id__in=visible_people(viewer.user, viewer=viewer).values("pk"))
    else:
        people = Q(person_id__in=visible_person_ids)
    return _record_rule(viewer, model, people)


def _record_rule(viewer: Viewer, model, people: Q) -> Q:
    """The sharing rules, given a Q saying which rows' people the user may see."""
    owned = Q(owning_service_id__in=viewer.service_ids)
    glass = Q(person_id__in=viewer.glass_person_ids)
    return owned | glass | _share_q(viewer, model) | (people & _agreement_q(viewer))


def hidden_record_count(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> int:
    """How many rows of the queryset the user may not see (for "N items not shared with you")."""
    viewer = viewer or viewer_for(user)
    counts = queryset.aggregate(
        total=Count("pk"), visible=Count("pk", filter=record_visible_q(viewer, queryset.model))
    )
    return counts["total"] - counts["visible"]


def record_for_viewer(
    user, model_or_queryset, public_id, *, purpose: str, channel: str, action: str = "read"
):
    """One PersonRecord (by public_id) the user may see, or Http404; logs one entry."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    key = _parse_uuid(public_id)
    if key is None:
        raise Http404("No such record")
    record = (
        records_visible_to(user, queryset).filter(public_id=key).select_related("person").first()
    )
    if record is None:
        raise Http404("No such record")
    append(
        user,
        [(record.person_id, record.person.public_id)],
        action=action,
        purpose=purpose,
        channel=channel,
        detail=f"{model_or_queryset._meta.label if not isinstance(model_or_queryset, QuerySet) else queryset.model._meta.label} {key}",
    )
    return record


def household_for_viewer(user, public_id, *, purpose: str, channel: str, action: str = "read"):
    """A household the user may see (any current member's core record visible), or Http404.
    Logs one "read" per current member the user may see."""
    from familyhub.people.models import Household

    key = _parse_uuid(public_id)
    if key is None:
        raise Http404("No such family")
    household = Household.objects.filter(public_id=key).first()
    if household is None:
        raise Http404("No such family")
    today = timezone.localdate()
    members = (
        visible_people(user, channel=channel)
        .filter(
            Q(household_memberships__end__isnull=True) | Q(household_memberships__end__gte=today),
            household_memberships__household=household,
        )
        .distinct()
    )
    if not members.exists():
        raise Http404("No such family")
    log_person_access(
        user, members, action=action, purpose=purpose, channel=channel, detail=f"family {key}"
    )
    return household


def break_glass_start(*, user, person, reason: str):
    """Give `user` time-limited access to `person` (and their household's core record) for a
    stated safeguarding reason. Logged; queued for the information governance lead's review.
    Preconditions: the user is a practitioner; the reason is at least a sentence."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    from familyhub.access.models import BreakGlass

    if not _is_practitioner(user):
        raise PermissionDenied("Only practitioners may break the glass.")
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ValidationError({"reason": "Give the safeguarding reason in a sentence or more."})
    now = timezone.now()
    with transaction.atomic():
        use = BreakGlass.objects.create(
            user=user,
            person=person,
            reason=reason,
            started_at=now,
            expires_at=now + timedelta(hours=break_glass_hours()),
        )
        append(
            user,
            [(person.pk, person.public_id)],
            action="break_glass",
            purpose=reason[:200],
            channel="page",
            detail=f"break-glass {use.public_id} until {use.expires_at.isoformat()}",
        )
    return use
