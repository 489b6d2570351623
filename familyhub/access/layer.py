"""The one place the data-sharing protocol is decided. Every page, API endpoint, search, export,
report and background task asks these functions, so no channel shows what another hides.

Who may see a person's core record (names, date of birth, address, household, who is involved):
  - a practitioner whose team is involved with them (access.involvement: a live episode, a
    referral in the front door's queue, a confirmed registration at the team's hub, a booking
    on a session the team runs, a named health visitor...), or with someone in their household;
  - anyone under a live break-glass for them.
Who may see a record about a person (a PersonRecord: an owning service and a category):
  - someone who may see the person AND whose service owns the record, or who takes part in it
    (the record's own declaration: a lead professional, the team around the family, the team a
    referral was allocated to), or to whom it is shared (an explicit share, or an agreement
    between services on its basis, consent where the basis is consent, with no decision not to
    share standing against it);
  - anyone under a live break-glass for the person, for the categories the council's policy
    opens to break-glass (FAMILYHUB_BREAK_GLASS_CATEGORIES; by default every category but the
    sensitive ones, which stay with their owning service).
"Absent" and "not allowed" give the same answer (Http404). Everything shown is logged: pages
note the people they show (audit.log_shown) and one entry per person is written when the page
is sent; services log their own writes (audit.log_change).

Acting for someone not visible (registering a walk-in already known to another service, referring
a child who is new to you) gets the minimal view: name, date of birth, postcode district
(person_minimal), logged with its purpose. Access beyond it comes from the receiving service
(a manager confirms the registration, the front door accepts the referral) or break-glass.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, IntegerField, Model, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.models import (
    AddressProtection,
    Basis,
    Consent,
    ConsentPurpose,
    DecisionNotToShare,
    FamilyLink,
    FamilyRelationship,
    Share,
)
from familyhub.access.records import (
    Category,
    PersonRecord,
    category_choices,
    category_label,
    sensitive_categories,
)
from familyhub.access.viewer import Viewer, viewer_for
from familyhub.accounts.roles import MANAGER_ROLES, Role
from familyhub.audit.log import log_shown
from familyhub.people.models import (
    Household,
    HouseholdMembership,
    Person,
    Registration,
    Relationship,
)

__all__ = [
    "Viewer",
    "viewer_for",
    "visible_people",
    "visible_among",
    "person_for_viewer",
    "person_minimal",
    "household_for_viewer",
    "household_members_for_viewer",
    "records_visible_to",
    "records_visible_among",
    "record_for_viewer",
    "record_visible_q",
    "hidden_record_count",
    "can_open_record",
    "authored_record",
    "people_with_visible_records",
    "break_glass_categories",
    "registrations_to_confirm",
    "person_for_ig_review",
    "log_shown",
    "family_links",
    "family_people",
    "is_family_user",
    "family_hidden_categories",
    "family_records",
    "family_person",
    "family_contact_details",
    "family_access_history",
]

V = TypeVar("V", bound=Callable[..., Any])


# --- markers kept for reading: the URL-walk test drives every page instead of trusting them ------


def person_view(view: V) -> V:
    """Say that a view shows person data, got through this module."""
    view.access_checked = True  # type: ignore[attr-defined]
    return view


def no_person_data(reason: str) -> Callable[[V], V]:
    """Say why a view with an identifier in its URL shows no person's information."""

    def mark(view: V) -> V:
        view.access_checked = True  # type: ignore[attr-defined]
        view.no_person_data = reason  # type: ignore[attr-defined]
        return view

    return mark


# --- the core record -----------------------------------------------------------------------


def _current() -> Q:
    today = timezone.localdate()
    return Q(end__isnull=True) | Q(end__gte=today)


def visible_people(user, *, viewer: Viewer | None = None) -> QuerySet[Person]:
    """The people whose core record the user may see now: the involved (every provider), the
    current household members of the involved (the family record), and people under a live
    break-glass with their households. Merged-away records are left out (person_for_viewer
    follows their redirect)."""
    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return Person.objects.none()
    # Kept shallow on purpose: SQLite's parser has a nesting limit, and every provider adds to it.
    direct = involvement.involved_q(viewer) | Q(pk__in=viewer.glass_person_ids)
    households = HouseholdMembership.objects.filter(
        _current(), person__in=Person.objects.filter(direct).values("pk")
    ).values("household_id")
    members = HouseholdMembership.objects.filter(_current(), household_id__in=households).values(
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
    Equal to set(visible_people(user).filter(pk__in=ids).values_list("pk", flat=True)), proved in
    access/tests/test_visible_among.py."""
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
    direct = (candidates & glass) | involvement.involved_among(viewer, candidates - glass)
    rest = candidates - direct
    if not rest:
        return direct
    households_of_rest = HouseholdMembership.objects.filter(
        _current(), involvement.KeyIn("person_id", rest)
    ).values("household_id")
    members: dict[int, set[int]] = {}
    for household_id, person_id in HouseholdMembership.objects.filter(
        _current(), household_id__in=households_of_rest
    ).values_list("household_id", "person_id"):
        members.setdefault(household_id, set()).add(person_id)
    others = set().union(*members.values()) - rest - direct
    involved = direct | (others & glass) | involvement.involved_among(viewer, others - glass)
    families = [people for people in members.values() if people & involved]
    return direct | (rest & set().union(*families))


def _parse_uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _person_by_public_id(public_id) -> Person | None:
    """The person a public id names, following merges to the surviving record."""
    key = _parse_uuid(public_id)
    person = Person.objects.filter(public_id=key).first() if key else None
    seen: set[int] = set()
    while person is not None and person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.filter(pk=person.merged_into_id).first()
    return person


def person_for_viewer(
    user, public_id, *, purpose: str, channel: str = "page", action: str = "read"
) -> Person:
    """One person for this user, or Http404 for both "absent" and "not allowed". Follows merge
    redirects (the surviving record is checked and returned). The person is noted as shown: one
    access-log entry when the page is sent (none for a redirect, or when the request's service
    logs a change for them)."""
    person = _person_by_public_id(public_id)
    if person is None or person.pk not in visible_among(user, [person.pk]):
        raise Http404("No such person")
    requested = _parse_uuid(public_id)
    log_shown(
        user,
        [person],
        purpose=purpose,
        channel=channel,
        action=action if action in ("read", "search", "export") else "read",
        detail="" if person.public_id == requested else f"requested merged record {requested}",
    )
    return person


@dataclass(frozen=True)
class MinimalPerson:
    """What someone acting for a person they cannot see is shown: enough to be sure it is the
    right person and to avoid a duplicate, nothing of their record."""

    pk: int
    public_id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: Any
    postcode_district: str
    authority_id: int

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def _minimal(person: Person) -> MinimalPerson:
    return MinimalPerson(
        pk=person.pk,
        public_id=person.public_id,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        postcode_district=(person.postcode or "").split(" ")[0],
        authority_id=person.authority_id,
    )


def person_minimal(user, public_id, *, purpose: str, channel: str = "page") -> MinimalPerson:
    """The minimal view of anyone in the user's council (not merged away: the surviving record),
    for a practitioner who must act for someone they may not see. Logged like a read, with its
    purpose, and marked as the minimal view."""
    viewer = viewer_for(user)
    person = _person_by_public_id(public_id)
    if not viewer.practitioner or person is None or person.authority_id not in viewer.authority_ids:
        raise Http404("No such person")
    log_shown(user, [person], purpose=purpose, channel=channel, detail="minimal view")
    return _minimal(person)


def can_see(user, person: Person | MinimalPerson | int) -> bool:
    """Whether the user may see this person's core record (for choosing what a page offers)."""
    pk = person if isinstance(person, int) else person.pk
    return pk in visible_among(user, [pk])


def match_candidates(user, people: Iterable[int], *, purpose: str, channel: str) -> list:
    """Duplicate-check and referral-search candidates: the minimal view of each candidate in the
    user's council, in the order given, each noted as shown ("search")."""
    viewer = viewer_for(user)
    ids = [int(pk) for pk in people]
    if not viewer.practitioner or not ids:
        return []
    rows = Person.objects.filter(
        pk__in=ids, merged_into__isnull=True, authority_id__in=viewer.authority_ids
    ).order_by(
        Case(*[When(pk=pk, then=i) for i, pk in enumerate(ids)], output_field=IntegerField())
    )
    found = list(rows)
    log_shown(user, found, purpose=purpose, channel=channel, action="search")
    return found


def household_for_viewer(
    user, public_id, *, purpose: str, channel: str = "page", action: str = "read"
) -> Household:
    """A household the user may see (any current member visible), or Http404. Notes every
    current member the user may see as shown."""
    key = _parse_uuid(public_id)
    household = Household.objects.filter(public_id=key).first() if key else None
    if household is None:
        raise Http404("No such family")
    members = household_members_for_viewer(
        user, household, purpose=purpose, channel=channel, action=action
    )
    if not members:
        raise Http404("No such family")
    return household


def household_members_for_viewer(
    user, household: Household, *, purpose: str, channel: str = "page", action: str = "read"
) -> list[HouseholdMembership]:
    """The household's current members the user may see, each noted as shown."""
    memberships = list(
        household.memberships.filter(_current())
        .select_related("person")
        .order_by("person__date_of_birth", "person__pk")
    )
    visible = visible_among(user, [m.person_id for m in memberships])
    shown = [m for m in memberships if m.person_id in visible]
    log_shown(
        user,
        [m.person for m in shown],
        purpose=purpose,
        channel=channel,
        action=action,
        detail=f"family {household.public_id}",
    )
    return shown


def person_for_ig_review(user, public_id, *, purpose: str = "Access log review") -> Person:
    """The information governance lead may look up anyone in their council to review who has
    seen them (subject access requests, complaints). Logged like any read; 404 for others."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.IG_LEAD:
        raise Http404("No such person")
    key = _parse_uuid(public_id)
    person = Person.objects.filter(public_id=key).first() if key else None
    if person is None:
        raise Http404("No such person")
    log_shown(user, [person], purpose=purpose)
    return person


# --- records: the sharing rules ------------------------------------------------------------


def break_glass_categories() -> frozenset[str]:
    """The categories break-glass opens (FAMILYHUB_BREAK_GLASS_CATEGORIES, default every category
    but the sensitive ones: domestic abuse, sexual violence and sexual health stay with the
    service that holds them)."""
    configured = getattr(settings, "FAMILYHUB_BREAK_GLASS_CATEGORIES", None)
    if configured:
        return frozenset(str(c) for c in configured)
    sensitive = sensitive_categories()
    return frozenset(value for value, _ in category_choices() if value not in sensitive)


def _agreement_q(viewer: Viewer) -> Q:
    """OR of every agreement that covers this user, as one filter over the record table."""

    sensitive = sensitive_categories()
    combined = Q(pk__in=[])
    for agreement in viewer.agreements:
        categories = [str(c) for c in agreement.categories]
        if agreement.recipient_service_id is None:
            # A blanket line never covers a sensitive category: it must name its recipient.
            categories = [c for c in categories if c not in sensitive]
        if not categories:
            continue
        recipients = (
            [agreement.recipient_service_id]
            if agreement.recipient_service_id
            else viewer.service_ids
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

    content_type = ContentType.objects.get_for_model(model)
    shares = Share.objects.filter(
        Q(recipient_team_id__in=viewer.team_ids) | Q(recipient_service_id__in=viewer.service_ids),
        Q(category="") | Q(category=OuterRef("category")),
        Q(content_type__isnull=True) | Q(content_type=content_type, object_id=OuterRef("pk")),
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        share_consent_stands_q(),
        person_id=OuterRef("person_id"),
        owning_service_id=OuterRef("owning_service_id"),
        revoked_at__isnull=True,
    )
    return Q(Exists(shares))


def share_consent_stands_q() -> Q:
    """A share made on the family's consent stops the moment that consent is withdrawn (read
    live, so a withdrawal on the family side takes effect on the next page anyone opens)."""
    return ~Q(basis=Basis.CONSENT) | Q(consent__isnull=True) | Q(consent__withdrawn_at__isnull=True)


def _record_rule(viewer: Viewer, model, people: Q) -> Q:
    """The sharing rules, given a Q saying which rows' people the user may see."""
    held = Q(owning_service_id__in=viewer.service_ids) | _share_q(viewer, model)
    participants = model.access_participants(viewer)
    if participants is not None:
        held |= participants
    glass = Q(person_id__in=viewer.glass_person_ids, category__in=break_glass_categories())
    return (people & (held | _agreement_q(viewer))) | glass


def record_visible_q(viewer: Viewer, model, *, visible_person_ids: list[int] | None = None) -> Q:
    """The sharing rules as one Q over a PersonRecord model's table (for conditional counts).
    A caller that has already checked which people the user may see passes their ids, which
    keeps the query shallow."""
    if not viewer.practitioner:
        return Q(pk__in=[])
    if visible_person_ids is None:
        people = Q(person_id__in=visible_people(viewer.user, viewer=viewer).values("pk"))
    else:
        people = Q(involvement.KeyIn("person_id", visible_person_ids))
    return _record_rule(viewer, model, people)


def _record_model(queryset: QuerySet):
    model = queryset.model
    if not (isinstance(model, type) and issubclass(model, PersonRecord)):
        raise TypeError(f"The sharing rules filter PersonRecord querysets, not {model.__name__}")
    return model


def records_visible_to(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> QuerySet:
    """Filter a queryset of any PersonRecord subclass by the sharing rules, in the database."""
    model = _record_model(queryset)
    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return queryset.none()
    return queryset.filter(record_visible_q(viewer, model))


def records_visible_among(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> QuerySet:
    """records_visible_to for a queryset already narrowed to a page's candidates (a worklist):
    the same rows, with the core-record part answered by visible_among for the rows' people, so
    the page's query stays flat (docs/PERFORMANCE.md)."""
    model = _record_model(queryset)
    viewer = viewer or viewer_for(user)
    if not viewer.practitioner:
        return queryset.none()
    visible = visible_among(user, queryset.order_by().values("person_id"), viewer=viewer)
    return queryset.filter(_record_rule(viewer, model, Q(involvement.KeyIn("person_id", visible))))


def hidden_record_count(user, queryset: QuerySet, *, viewer: Viewer | None = None) -> int:
    """How many rows of the queryset the user may not see (for "N items not shared with you");
    only for people whose core record the user may see."""
    viewer = viewer or viewer_for(user)
    counts = queryset.aggregate(
        total=Count("pk"), visible=Count("pk", filter=record_visible_q(viewer, queryset.model))
    )
    return counts["total"] - counts["visible"]


def record_for_viewer(
    user,
    model_or_queryset,
    public_id,
    *,
    purpose: str,
    channel: str = "page",
    action: str = "read",
):
    """One PersonRecord (by public_id) the user may see, or Http404; its person noted as shown."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    key = _parse_uuid(public_id)
    record = (
        records_visible_to(user, queryset).filter(public_id=key).select_related("person").first()
        if key
        else None
    )
    if record is None:
        raise Http404("No such record")
    log_shown(
        user,
        [record.person],
        purpose=purpose,
        channel=channel,
        action=action if action in ("read", "search", "export") else "read",
        detail=f"{queryset.model._meta.verbose_name} {key}",
    )
    return record


def authored_record(
    user, model, public_id, *, purpose: str, days: int, channel: str = "page"
) -> Any:
    """A record the user made themselves (a referral they sent), for `days` after they made it,
    whether or not they may see its person: its author sees what they wrote and what became of
    it, and of the person only the minimal view (the page must show no more). Logged as a read
    of the minimal view; Http404 for anyone else."""
    key = _parse_uuid(public_id)
    since = timezone.now() - timedelta(days=days)
    record = (
        model._default_manager.filter(
            public_id=key, recorded_by_id=getattr(user, "pk", None), recorded_at__gte=since
        )
        .select_related("person")
        .first()
        if key and getattr(user, "is_authenticated", False)
        else None
    )
    if record is None:
        raise Http404("No such record")
    log_shown(user, [record.person], purpose=purpose, channel=channel, detail="minimal view")
    return record


def can_open_record(user, record: Model) -> bool:
    """Whether a link to this record would open for the user (show a link only then)."""
    model = type(record)
    return records_visible_to(user, model._default_manager.filter(pk=record.pk)).exists()


def people_with_visible_records(user, people: QuerySet, *, record_model) -> QuerySet:
    """The people among `people` behind whom the user may see at least one record of this kind:
    a drill-down from a count to the people behind it is a read of each one's records of the
    indicator's kind, and obeys the same rule as opening them."""
    records = records_visible_to(
        user, record_model._default_manager.filter(person__in=people.values("pk"))
    )
    return people.filter(pk__in=records.values("person_id"))


# --- registrations a manager confirms -------------------------------------------------------


def registrations_to_confirm(user) -> QuerySet[Registration]:
    """Registrations waiting for confirmation that this user may confirm: a manager (team
    leader, service manager) of the registering team, never the person who made it."""
    viewer = viewer_for(user)
    if not viewer.practitioner or viewer.role not in MANAGER_ROLES:
        return Registration.objects.none()
    return (
        Registration.objects.filter(
            confirmed_at__isnull=True,
            ended_at__isnull=True,
            team_id__in=viewer.team_ids,
            person__merged_into__isnull=True,
        )
        .exclude(registered_by=user)
        .select_related("person", "team", "registered_by")
        .order_by("registered_at")
    )


# --- the family viewer: a parent, carer or young person signed in on the family side ---------

FAMILY_ROLE = "family"  # accounts.roles.Role.FAMILY (the family door adds it)
PARENT_RELATIONSHIP_KINDS = ("mother", "father", "parent", "step_parent", "carer", "foster_carer")


def is_family_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == FAMILY_ROLE


def family_links(user) -> QuerySet:
    """The account's confirmed links that have not ended (the only way in for a family account)."""
    if not is_family_user(user):
        return FamilyLink.objects.none()
    return FamilyLink.objects.filter(
        user=user, ended_at__isnull=True, person__merged_into__isnull=True
    ).select_related("person")


def family_people(user) -> QuerySet[Person]:
    """The people a family account may see: the person each live link names (a young person
    themselves, or the parent themselves), and for a parent link the children under 18 they
    hold parental responsibility for (people.Relationship, current). Never another adult of
    the household: a partner signs in with their own account."""
    links = family_links(user)
    if not links.exists():
        return Person.objects.none()
    today = timezone.localdate()
    parents = links.filter(relationship=FamilyRelationship.PARENT).values("person_id")
    children = Relationship.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today),
        Q(relative__date_of_birth__isnull=True, relative__is_unborn=True)
        | Q(relative__date_of_birth__gt=_eighteen_years_before(today)),
        person_id__in=parents,
        kind__in=PARENT_RELATIONSHIP_KINDS,
        parental_responsibility=True,
    ).values("relative_id")
    return Person.objects.filter(
        Q(pk__in=links.values("person_id")) | Q(pk__in=children),
        merged_into__isnull=True,
    )


def _eighteen_years_before(day):
    try:
        return day.replace(year=day.year - 18)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 18, day=28)


def family_hidden_categories() -> frozenset[str]:
    """The categories the family side never shows (FAMILYHUB_FAMILY_HIDDEN_CATEGORIES; by
    default safeguarding, mental health and substance use, and always every sensitive category:
    domestic abuse, sexual violence, sexual health and the council's own sensitive ones). They
    reach a family only through a subject access request, where a person decides what to release."""
    configured = getattr(settings, "FAMILYHUB_FAMILY_HIDDEN_CATEGORIES", None)
    chosen = (
        frozenset(str(c) for c in configured)
        if configured
        else frozenset({Category.SAFEGUARDING, Category.MENTAL_HEALTH, Category.SUBSTANCE_USE})
    )
    return frozenset(str(c) for c in chosen) | sensitive_categories()


def family_withheld_reason(record: PersonRecord) -> str:
    """Why the family side leaves a record out, in plain words ("" when it does not)."""
    if record.category in family_hidden_categories():
        return f"{category_label(record.category)} information is not shown on the family side"
    if _has_for_family_mark(type(record)) and not getattr(record, "for_family", True):
        return "The practitioner marked this note as not for the family"
    return ""


def _has_for_family_mark(model) -> bool:
    return any(f.name == "for_family" for f in model._meta.get_fields())


def family_records(user, queryset: QuerySet) -> QuerySet:
    """The rows of a PersonRecord queryset a family account may see: about someone in
    family_people, in a category the family side shows, and, for kinds of record that carry the
    mark (case notes, contacts), marked by the practitioner as for the family."""
    model = _record_model(queryset)
    if not is_family_user(user):
        return queryset.none()
    rows = queryset.filter(
        person_id__in=family_people(user).values("pk"),
    ).exclude(category__in=family_hidden_categories())
    if _has_for_family_mark(model):
        rows = rows.filter(for_family=True)
    return rows


def family_person(user, public_id, *, purpose: str, action: str = "read") -> Person:
    """One person a family account may see, or Http404 (absent and not allowed alike); noted as
    shown (one access-log entry when the page is sent, channel "page")."""
    key = _parse_uuid(public_id)
    person = family_people(user).filter(public_id=key).first() if key else None
    if person is None:
        raise Http404("No such person")
    log_shown(user, [person], purpose=purpose, channel="page", action=action)
    return person


def family_people_shown(user, *, purpose: str, action: str = "read") -> list[Person]:
    """Everyone the family account may see, in date-of-birth order, noted as shown."""
    people = list(family_people(user).order_by("date_of_birth", "pk"))
    log_shown(user, people, purpose=purpose, channel="page", action=action)
    return people


def _own_person_ids(user) -> set[int]:
    return set(family_links(user).values_list("person_id", flat=True))


def address_protected_from(user, person: Person) -> bool:
    """Whether the register protects this person's address and contact details from the family
    account: a live protection from the account's own person, or from everyone on the family
    side (the person themselves still sees their own)."""
    own = _own_person_ids(user)
    if (
        person.pk in own
        and not AddressProtection.objects.filter(
            person=person, ended_at__isnull=True, from_person_id__in=own - {person.pk}
        ).exists()
    ):
        return False
    return AddressProtection.objects.filter(
        Q(from_person__isnull=True) | Q(from_person_id__in=own),
        person=person,
        ended_at__isnull=True,
    ).exists()


@dataclass(frozen=True)
class FamilyContact:
    """A person's address and contact details as the family side shows them, or withheld."""

    withheld: bool
    address_lines: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()


def family_contact_details(user, person: Person) -> FamilyContact:
    """The address and contact details of someone in family_people, unless the register
    protects them from this account (then withheld, with nothing of them)."""
    if person.pk not in set(family_people(user).values_list("pk", flat=True)):
        raise Http404("No such person")
    if address_protected_from(user, person):
        return FamilyContact(withheld=True)
    lines = tuple(
        line
        for line in (person.address_line1, person.address_line2, person.town, person.postcode)
        if line
    )
    contacts = tuple(
        (detail.get_kind_display(), detail.value) for detail in person.contact_details.all()
    )
    return FamilyContact(withheld=False, address_lines=lines, contacts=contacts)


# --- who has looked at my record -------------------------------------------------------------


@dataclass(frozen=True)
class AccessEntry:
    """One line of "who has looked at your record", as the family side shows it."""

    seq: int
    occurred_at: Any
    person_name: str
    person_public_id: Any
    who: str  # "A health visitor, Health visiting" / "You" / "Urgent access for safeguarding"
    what: str  # "Looked at", "Changed", "Urgent access for safeguarding"
    staff_name: str = ""


def _staff_roles_and_services(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    from familyhub.accounts.models import User
    from familyhub.services.models import TeamMembership

    labels = dict(Role.choices)
    roles = {
        pk: (labels.get(role, ""), str(name))
        for pk, role, name in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "role", "username"
        )
    }
    services: dict[int, set[str]] = {}
    for user_id, service in TeamMembership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "team__service__name"
    ):
        services.setdefault(user_id, set()).add(service)
    return {
        pk: (role, ", ".join(sorted(services.get(pk, set()))))
        for pk, (role, _name) in roles.items()
    }


def family_access_history(user, *, limit: int = 200) -> list[AccessEntry]:
    """The access log's entries for the people a family account may see, newest first: which
    service and role looked or changed and when; staff names only where the council's policy
    allows (FAMILYHUB_FAMILY_SEES_STAFF_NAMES); break-glass as "urgent access for
    safeguarding". The account's own reads and writes are left out. Reading it is logged."""
    from familyhub.accounts.models import User
    from familyhub.audit.models import AccessLog

    people = {p.pk: p for p in family_people(user)}
    if not people:
        return []
    # The account's own reads are left out: every page it opens is logged, and a list of them
    # would bury the entries the family wants to see.
    rows = list(
        AccessLog.objects.filter(person_pk__in=list(people))
        .exclude(user_id=user.pk)
        .order_by("-seq")[:limit]
    )
    staff_ids = {r.user_id for r in rows if r.user_id and r.user_id != user.pk}
    glass = _break_glass_windows(staff_ids, set(people))
    staff = _staff_roles_and_services(staff_ids)
    names = (
        {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=staff_ids)}
        if settings.FAMILYHUB_FAMILY_SEES_STAFF_NAMES
        else {}
    )
    entries = []
    for row in rows:
        person = people[row.person_pk]
        entries.append(
            AccessEntry(
                seq=row.seq,
                occurred_at=row.occurred_at,
                person_name=person.display_name,
                person_public_id=person.public_id,
                who=_who(row, user, staff),
                what=_what(row, glass),
                staff_name=names.get(row.user_id or 0, ""),
            )
        )
    log_shown(user, list(people.values()), purpose="Who has looked at my record")
    return entries


def _who(row, user, staff: dict[int, tuple[str, str]]) -> str:
    if row.user_id == user.pk:
        return "You"
    if row.user_id is None:
        return "Familyhub itself (an automatic task)"
    role, services = staff.get(row.user_id, ("", ""))
    if not role:
        return "Someone who no longer has an account"
    return f"{role}, {services}" if services else role


def _break_glass_windows(user_ids: set[int], person_ids: set[int]) -> dict[tuple, list]:
    from familyhub.access.models import BreakGlass

    windows: dict[tuple, list] = {}
    for use in BreakGlass.objects.filter(user_id__in=user_ids, person_id__in=person_ids):
        windows.setdefault((use.user_id, use.person_id), []).append(
            (use.started_at, use.expires_at)
        )
    return windows


def _what(row, glass: dict[tuple, list]) -> str:
    """What happened, in plain words. The purpose a page logged is not shown: it can name
    safeguarding work the family side must not learn of."""
    under_glass = any(
        start <= row.occurred_at <= end
        for start, end in glass.get((row.user_id, row.person_pk), [])
    )
    if row.action == "break_glass" or under_glass:
        return "Urgent access for safeguarding"
    if row.action in ("change", "create", "merge"):
        return "Changed"
    if row.action == "export":
        return "Downloaded"
    if row.action == "search":
        return "Found in a search"
    return "Looked at"
