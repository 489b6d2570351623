"""The family record's single timeline, built generically from every PersonRecord subclass.

Each concrete PersonRecord model is queried through records_visible_to (the one enforcement
point); the people part's registrations are added as core-record events. A part that adds a
PersonRecord subclass appears here with no change to this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from familyhub.access.layer import record_visible_q, viewer_for, visible_people
from familyhub.access.records import category_label, person_record_models, sensitive_categories
from familyhub.people.models import Registration


@dataclass
class TimelineItem:
    when: datetime
    kind: str
    summary: str
    person_name: str
    person_id: int
    service_name: str
    service_id: int | None
    category: str
    category_label: str
    url: str = ""
    model_label: str = ""
    # What the practitioner wrote (a review's notes), shown under the summary.
    detail: str = ""
    # The record's own id (with model_label, which record this is: the chronology marks it).
    object_id: int = 0


@dataclass
class Timeline:
    items: list[TimelineItem]
    hidden_count: int
    services: list[tuple[int, str]]
    truncated: bool


def _record_url(record) -> str:
    url_name = getattr(record, "timeline_url_name", "")
    if not url_name and record._meta.label == "access.SharedNote":
        url_name = "access:note"
    if not url_name or not hasattr(record, "public_id"):
        return ""
    try:
        return reverse(url_name, args=[record.public_id])
    except NoReverseMatch:
        return ""


def family_timeline(
    user,
    person_ids: list[int],
    *,
    service_id: int | None = None,
    category: str = "",
    limit: int = 300,
    count_hidden: bool = True,
) -> Timeline:
    """Everything about these people the user may see, newest first, with optional filters.

    hidden_count counts records the user may not see about these people, leaving out sensitive
    categories: their very existence stays with the owning service."""

    items: list[TimelineItem] = []
    hidden = 0
    services: dict[int, str] = {}
    truncated = False
    sensitive = list(sensitive_categories())
    viewer = viewer_for(user)
    # The caller has checked these people are visible; re-checking keeps the rule honest cheaply.
    visible_ids = list(
        visible_people(user, viewer=viewer).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    for model in person_record_models():
        base = model._default_manager.filter(person_id__in=person_ids)
        rule = record_visible_q(viewer, model, visible_person_ids=visible_ids)
        if count_hidden:
            ordinary = ~Q(category__in=sensitive)
            counts = base.aggregate(
                total=Count("pk", filter=ordinary), seen=Count("pk", filter=ordinary & rule)
            )
            hidden += counts["total"] - counts["seen"]
        visible = base.filter(rule)
        if service_id:
            visible = visible.filter(owning_service_id=service_id)
        if category:
            visible = visible.filter(category=category)
        rows = list(
            visible.select_related("person", "owning_service").order_by("-recorded_at")[: limit + 1]
        )
        if len(rows) > limit:
            truncated = True
            rows = rows[:limit]
        for record in rows:
            services[record.owning_service_id] = str(record.owning_service)
            items.append(
                TimelineItem(
                    when=record.timeline_date(),
                    kind=record.timeline_label or str(model._meta.verbose_name).capitalize(),
                    summary=record.timeline_summary(),
                    person_name=record.person.display_name,
                    person_id=record.person_id,
                    service_name=str(record.owning_service),
                    service_id=record.owning_service_id,
                    category=record.category,
                    category_label=category_label(record.category),
                    url=_record_url(record),
                    model_label=model._meta.label,
                    detail=record.timeline_detail(),
                    object_id=record.pk,
                )
            )
    if not category or category == "general":
        registrations = Registration.objects.filter(person_id__in=person_ids).select_related(
            "person", "service", "site"
        )
        for reg in registrations:
            if reg.service is not None:
                services[reg.service.pk] = reg.service.name
        if service_id:
            registrations = registrations.filter(Q(service_id=service_id))
        for reg in registrations.order_by("-registered_at")[:limit]:
            where = f" at {reg.site.name}" if reg.site else ""
            items.append(
                TimelineItem(
                    when=reg.registered_at,
                    kind="Registration",
                    summary=f"Registered{where}" + (" (ended)" if reg.ended_at else ""),
                    person_name=reg.person.display_name,
                    person_id=reg.person_id,
                    service_name=reg.service.name if reg.service else "",
                    service_id=reg.service_id,
                    category="general",
                    category_label=category_label("general"),
                    model_label="people.Registration",
                    object_id=reg.pk,
                )
            )
    items.sort(key=lambda item: item.when, reverse=True)
    if len(items) > limit:
        truncated = True
        items = items[:limit]
    return Timeline(
        items=items,
        hidden_count=hidden,
        services=sorted(services.items(), key=lambda pair: pair[1]),
        truncated=truncated,
    )
