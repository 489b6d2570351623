"""A child's significant-events chronology, built from the record.

The events are the family timeline's (access.timeline.family_timeline: every PersonRecord kind,
each filtered by the access layer, so this module adds no visibility rule of its own), plus the
changes of household and of address the register holds for the child, and uses of break-glass
on the child's record. Oldest first (a chronology reads forwards), each with its date, what
happened, the service it comes from and whether it is significant.

Significance defaults by kind (DEFAULT_SIGNIFICANT: referrals, decisions, assessments, early
help and its steps up and down, alerts of concern, onward referrals, break-glass, moves and
changes of household; routine reviews, contacts and measurements are not). A practitioner who
may see the child overrides it for one event with a one-line note (access.models.ChronologyEntry,
written by access.services.chronology_mark).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from familyhub.access.layer import can_see, log_shown, records_visible_to, viewer_for
from familyhub.access.models import BreakGlass, ChronologyEntry
from familyhub.access.records import category_label
from familyhub.access.timeline import family_timeline
from familyhub.people.models import Address, HouseholdMembership, Person
from familyhub.services.models import Service

# Kinds of record whose events are significant unless a practitioner says otherwise.
DEFAULT_SIGNIFICANT = frozenset(
    {
        "referrals.Referral",
        "casework.Episode",
        "casework.Assessment",
        "childhealth.Alert",
        "childhealth.OnwardReferral",
        "access.BreakGlass",
        "people.Address",
        "people.HouseholdMembership",
    }
)
# Kinds that are not events in the child's life (a review falling due, the chronology's own
# notes): left off.
LEFT_OFF = frozenset({"childhealth.ReviewDue", "access.ChronologyEntry"})


@dataclass
class Event:
    when: date
    kind: str
    summary: str
    service_name: str
    model_label: str
    object_id: int
    category: str = "general"
    owning_service_id: int | None = None
    default_significant: bool = False
    significant: bool = False
    note: str = ""
    version: int = 0  # the ChronologyEntry's, 0 when there is none
    url: str = ""

    @property
    def key(self) -> str:
        return f"{self.model_label}:{self.object_id}"

    @property
    def category_label(self) -> str:
        return category_label(self.category)


def _day(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _register_events(user, child: Person) -> list[Event]:
    """Moves and changes of household, from the register (the child is visible to the user)."""
    events: list[Event] = []
    for address in Address.objects.filter(person=child).order_by("start", "pk"):
        where = ", ".join(p for p in (address.town, address.postcode) if p)
        if address.start:
            events.append(
                Event(
                    when=address.start,
                    kind="Move",
                    summary=f"Moved to a new address ({where})" if where else "Moved address",
                    service_name="The register",
                    model_label="people.Address",
                    object_id=address.pk,
                )
            )
    memberships = HouseholdMembership.objects.filter(person=child).select_related("household")
    household_ids = [m.household_id for m in memberships]
    for membership in memberships:
        if membership.start:
            events.append(
                Event(
                    when=membership.start,
                    kind="Change of household",
                    summary="Joined a household",
                    service_name="The register",
                    model_label="people.HouseholdMembership",
                    object_id=membership.pk,
                )
            )
        if membership.end:
            events.append(
                Event(
                    when=membership.end,
                    kind="Change of household",
                    summary="Left a household",
                    service_name="The register",
                    model_label="people.HouseholdMembership",
                    object_id=membership.pk,
                )
            )
    # Others joining or leaving the child's household: named only if the user may see them.
    others = (
        HouseholdMembership.objects.filter(household_id__in=household_ids)
        .exclude(person=child)
        .select_related("person")
    )
    named = []
    for membership in others:
        if can_see(user, membership.person):
            name = membership.person.display_name
            named.append(membership.person)
        else:
            name = "Someone the record does not show you"
        for when, verb in ((membership.start, "joined"), (membership.end, "left")):
            if when:
                events.append(
                    Event(
                        when=when,
                        kind="Change of household",
                        summary=f"{name} {verb} the household",
                        service_name="The register",
                        model_label="people.HouseholdMembership",
                        object_id=membership.pk,
                    )
                )
    # Everyone a page of the chronology names is logged as shown.
    log_shown(user, named, purpose="Chronology: changes of household")
    return events


def _break_glass_events(child: Person) -> list[Event]:
    return [
        Event(
            when=_day(use.started_at),
            kind="Emergency access",
            summary=f"Emergency (break-glass) access to the record: {use.get_ground_display()}",
            service_name="Information governance",
            model_label="access.BreakGlass",
            object_id=use.pk,
        )
        for use in BreakGlass.objects.filter(person=child).order_by("started_at")
    ]


def events_for(user, child: Person, *, limit: int = 500) -> list[Event]:
    """Every event of the child's chronology the user may see, oldest first, with its
    significance (the practitioners' word where given, else the kind's default). Nothing for
    a user who may not see the child (the caller has checked; this keeps the rule honest)."""
    if not can_see(user, child):
        return []
    timeline = family_timeline(user, [child.pk], limit=limit, count_hidden=False)
    events = [
        Event(
            when=_day(item.when),
            kind=item.kind,
            summary=item.summary,
            service_name=item.service_name,
            model_label=item.model_label,
            object_id=item.object_id,
            category=item.category,
            owning_service_id=item.service_id,
            url=item.url,
        )
        for item in timeline.items
        if item.model_label not in LEFT_OFF and item.object_id
    ]
    events += _register_events(user, child)
    events += _break_glass_events(child)
    entries = _entries_for(user, child)
    for event in events:
        event.default_significant = event.model_label in DEFAULT_SIGNIFICANT
        entry = entries.get(event.key)
        if entry is not None:
            event.significant, event.note, event.version = (
                entry.significant,
                entry.note,
                entry.version,
            )
        else:
            event.significant = event.default_significant
    events.sort(key=lambda e: (e.when, e.kind, e.object_id))
    return events


def _entries_for(user, child: Person) -> dict[str, ChronologyEntry]:
    """The practitioners' words on the child's events that the user may see (the access layer
    filters them like any record)."""
    entries = records_visible_to(
        user, ChronologyEntry.objects.filter(person=child).select_related("content_type")
    )
    found = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if model is not None:
            found[f"{model._meta.label}:{entry.object_id}"] = entry
    return found


def find_event(user, child: Person, key: str) -> tuple[Event, object] | None:
    """The event with this key on the chronology the user may see, and its record; None if it
    is not there (absent and not allowed alike)."""
    for event in events_for(user, child):
        if event.key == key:
            app_label, model_name = event.model_label.split(".", 1)
            model = ContentType.objects.get_by_natural_key(
                app_label, model_name.lower()
            ).model_class()
            if model is None:
                return None
            record = model._default_manager.filter(pk=event.object_id).first()
            return (event, record) if record is not None else None
    return None


def owner_for_mark(user, event: Event):
    """The owning service of a practitioner's word on an event: the record's owner (so whoever
    sees the record sees the word), or for the register's events the practitioner's own."""
    if event.owning_service_id:
        return Service.objects.get(pk=event.owning_service_id)
    viewer = viewer_for(user)
    return Service.objects.filter(pk__in=viewer.service_ids).order_by("pk").first()
