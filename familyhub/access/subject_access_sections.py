"""The access part's sections of a person's data (access.subject_access): the core record, every
kind of PersonRecord (found generically, so a new part's records are in the export with no
change here), consents, and who has looked at the record."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from familyhub.access import layer
from familyhub.access.models import Consent
from familyhub.access.records import category_label, person_record_models
from familyhub.access.subject_access import Context, Section, Withheld
from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.people.models import HouseholdMembership, Relationship

HIDDEN_EXISTENCE = Withheld(
    what="We do not say whether there is any",
    reason=(
        "information in the categories the family side never shows (such as safeguarding and "
        "domestic abuse) is kept out"
    ),
)


def core_record(context: Context) -> Iterable[Section]:
    """Who the person is: name, date of birth, numbers, address and contact details."""
    person = context.person
    section = Section(key="about", heading="About this person", columns=["What", "Recorded"])
    section.add(["Name", person.display_name])
    section.add(["Date of birth", person.date_of_birth or ""])
    if person.nhs_number:
        section.add(["NHS number", person.nhs_number])
    if context.for_family and layer.address_protected_from(context.user, person):
        section.withheld.append(
            Withheld(
                what="Address and contact details",
                reason="the record protects them from someone in the household",
            )
        )
    else:
        address = ", ".join(
            part
            for part in (person.address_line1, person.address_line2, person.town, person.postcode)
            if part
        )
        section.add(["Address", address])
        for detail in person.contact_details.all():
            section.add([detail.get_kind_display(), detail.value])
    yield section
    if not context.for_family:
        yield _third_parties(context)


def _third_parties(context: Context) -> Section:
    """The household and relationships: other people's information, listed for redaction."""
    section = Section(
        key="household",
        heading="Household and relationships (other people)",
        columns=["Person", "How they are connected"],
    )
    memberships = HouseholdMembership.objects.filter(
        household__memberships__person=context.person, end__isnull=True
    ).exclude(person=context.person)
    for membership in memberships.select_related("person").distinct():
        section.add(
            [membership.person.display_name, "Lives in the same household"],
            redact="third-party information",
        )
    for rel in Relationship.objects.filter(
        Q(person=context.person) | Q(relative=context.person)
    ).select_related("person", "relative"):
        other = rel.relative if rel.person_id == context.person.pk else rel.person
        section.add(
            [
                other.display_name,
                f"{rel.person.display_name} is {rel.get_kind_display().lower()} "
                f"of {rel.relative.display_name}",
            ],
            redact="third-party information",
        )
    return section


def _has_for_family(model) -> bool:
    return any(f.name == "for_family" for f in model._meta.get_fields())


def person_records(context: Context) -> Iterable[Section]:
    """Every kind of record held about the person, one section per kind."""
    hidden = layer.family_hidden_categories()
    any_hidden_section = False
    for model in sorted(person_record_models(), key=lambda m: str(m._meta.verbose_name)):
        everything = model._default_manager.filter(person=context.person)
        if context.for_family:
            rows = list(
                layer.family_records(context.user, everything).select_related("owning_service")
            )
            not_for_family = (
                everything.exclude(category__in=hidden).filter(**{"for_family": False}).count()
                if _has_for_family(model)
                else 0
            )
            any_hidden_section = True
        else:
            rows = list(everything.select_related("owning_service"))
            not_for_family = 0
        if not rows and not not_for_family:
            continue
        label = getattr(model, "timeline_label", "") or str(model._meta.verbose_name).capitalize()
        section = Section(
            key=model._meta.label_lower,
            heading=label,
            columns=["Date", "Service", "Category", "What", "Detail"],
        )
        show_detail = not context.for_family or _has_for_family(model)
        for record in sorted(rows, key=lambda r: r.timeline_date() or r.recorded_at):
            detail = record.timeline_detail() if show_detail else ""
            section.add(
                [
                    record.timeline_date(),
                    record.owning_service.name,
                    category_label(record.category),
                    record.timeline_summary(),
                    detail,
                ],
                redact=_redaction(record, detail, hidden),
            )
        if not_for_family:
            section.withheld.append(
                Withheld(
                    what="Notes",
                    reason="the practitioner marked these notes as not for the family",
                    count=not_for_family,
                )
            )
        yield section
    if context.for_family and any_hidden_section:
        yield Section(
            key="withheld",
            heading="Kept out of this download",
            columns=[],
            withheld=[HIDDEN_EXISTENCE],
        )


def _redaction(record, detail: str, hidden: frozenset[str]) -> str:
    reasons = []
    if record.category in hidden:
        reasons.append(f"sensitive category: {category_label(record.category)}")
    if detail:
        reasons.append("free text: check for third-party information")
    return "; ".join(reasons)


def consents(context: Context) -> Iterable[Section]:
    """The consents the person gave or refused, and their withdrawal."""
    section = Section(
        key="consents",
        heading="Consents",
        columns=["Given on", "For", "Given or refused", "How", "Withdrawn"],
    )
    for consent in Consent.objects.filter(person=context.person).order_by("given_on"):
        section.add(
            [
                consent.given_on,
                consent.get_purpose_display(),
                "Given" if consent.given else "Refused",
                consent.get_method_display(),
                consent.withdrawn_at or "",
            ]
        )
    if section.rows:
        yield section


def access_log(context: Context) -> Iterable[Section]:
    """Who has looked at or changed the record."""
    if context.for_family:
        entries = [
            e
            for e in layer.family_access_history(context.user, limit=500)
            if str(e.person_public_id) == str(context.person.public_id)
        ]
        section = Section(
            key="access_log",
            heading="Who has looked at the record",
            columns=["When", "Who", "What"],
        )
        for entry in entries:
            section.add([entry.occurred_at, entry.who, entry.what])
        yield section
        return
    labels = dict(Role.choices)
    section = Section(
        key="access_log",
        heading="The access log",
        columns=["When", "Staff", "Role", "What", "Why", "Channel"],
    )
    for row in AccessLog.objects.filter(person_pk=context.person.pk).select_related("user")[:2000]:
        role = labels.get(getattr(row.user, "role", ""), "") if row.user_id else ""
        section.add(
            [
                row.occurred_at,
                row.username,
                role,
                row.get_action_display(),
                row.purpose,
                row.channel,
            ],
            redact="staff names: release as the council's policy says",
        )
    yield section
