"""The resource types the API serves: for each, the record(s) behind it, read only through the
access layer (familyhub.access.layer) as the caller, the search parameters it takes, and the
builder that turns a row into FHIR.

Encounter, Observation, EpisodeOfCare and ServiceRequest each come from two kinds of record (a
contact or a health review; a measurement or a review's scores; an early help episode or a
named health visitor; a referral or an onward referral). Their searches read the first
offset + count + 1 rows of each, newest first, merge them and cut the page, so the queries are
the same for any page size (rows read grow with the offset, which is bounded by paging).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404

from familyhub.access import layer
from familyhub.access.models import Consent
from familyhub.accounts.models import User
from familyhub.accounts.roles import PRACTITIONER_ROLES, Role, has_role
from familyhub.audit.models import AccessLog
from familyhub.casework.models import Episode
from familyhub.childhealth.models import (
    HealthVisitorAllocation,
    Measurement,
    OnwardReferral,
    Review,
)
from familyhub.contacts.models import Contact
from familyhub.fhir import build
from familyhub.fhir import profiles as p
from familyhub.fhir.search import (
    PAGING,
    Filter,
    ParamError,
    date_filter,
    id_filter,
    parse_uuid,
    record_identifier_filter,
    reference_filter,
    reference_id,
    split_token,
    string_filter,
)
from familyhub.people.models import Person, Relationship
from familyhub.referrals.models import Referral
from familyhub.services.models import Service, TeamMembership
from familyhub.services.selectors import authority_of


class PersonRef(NamedTuple):
    """A person as the access log names them (an access-log row's person)."""

    pk: int
    public_id: Any


@dataclass
class Source:
    """One kind of record behind a resource type."""

    queryset: Callable[[Any], QuerySet]
    build: Callable[[Any], list[dict]]
    people: Callable[[Any], list]
    filters: dict[str, Filter]
    order: tuple[str, ...]
    read: Callable[[Any, str], Any]
    # For merging two kinds of record into one newest-first list.
    sort_key: Callable[[Any], tuple] = lambda row: (row.pk,)
    # A check on each built resource (Observation's code and _id), given the search's params.
    keep: Callable[[dict, Any], bool] = lambda resource, params: True


@dataclass
class Kind:
    name: str
    sources: list[Source]
    # Search parameter -> its FHIR type (for the CapabilityStatement).
    params: dict[str, str]
    one_per_row: bool = True
    documentation: str = ""
    read_split: Callable[[str], str] = field(default=lambda resource_id: resource_id)

    def check_params(self, params) -> None:
        for name in params:
            if name not in self.params and name not in PAGING:
                raise ParamError(
                    name,
                    f"Unknown search parameter {name!r} for {self.name}: this server "
                    f"supports {', '.join(sorted(self.params))}",
                )


RECORD = "read through the access layer as the caller"


def _purpose(kind: str, action: str) -> str:
    return f"FHIR API: {kind} {action}"


def _moment(value: date | datetime) -> datetime:
    """Dates and date-times on one line, so two kinds of record merge in the order each one's
    query sorted them (a date counts as its noon)."""
    return value if isinstance(value, datetime) else build.noon(value)


def _newest(day_field: str) -> Callable[[Any], tuple]:
    return lambda row: (_moment(getattr(row, day_field)), str(row.public_id))


def _record_read(model_queryset: Callable[[], QuerySet], kind: str) -> Callable[[Any, str], Any]:
    def read(user, resource_id: str):
        return layer.record_for_viewer(
            user, model_queryset(), resource_id, purpose=_purpose(kind, "read"), channel="api"
        )

    return read


def _records(model_queryset: Callable[[], QuerySet]) -> Callable[[Any], QuerySet]:
    return lambda user: layer.records_visible_to(user, model_queryset())


def _record_filters(day_field: str, *, is_date: bool, date_param: str = "date") -> dict:
    return {
        "patient": reference_filter("person__public_id"),
        "subject": reference_filter("person__public_id"),
        "identifier": record_identifier_filter(p.RECORD_ID_SYSTEM),
        "_id": id_filter(),
        date_param: date_filter(date_param, day_field, is_date=is_date),
        "_lastUpdated": date_filter("_lastUpdated", "recorded_at", is_date=False),
    }


RECORD_PARAMS = {
    "patient": "reference",
    "subject": "reference",
    "identifier": "token",
    "_id": "token",
    "date": "date",
    "_lastUpdated": "date",
}

# --- Patient ---------------------------------------------------------------------------------


def _patient_identifier(queryset: QuerySet, value: str) -> QuerySet:
    system, code = split_token(value)
    code = code.replace(" ", "")
    if system == p.NHS_NUMBER_SYSTEM:
        return queryset.filter(nhs_number=code)
    if system == p.PERSON_ID_SYSTEM:
        return queryset.filter(public_id=parse_uuid("identifier", code))
    if system is not None:
        return queryset.none()
    try:
        return queryset.filter(Q(nhs_number=code) | Q(public_id=uuid.UUID(code)))
    except ValueError:
        return queryset.filter(nhs_number=code)


def _read_patient(user, resource_id: str) -> Person:
    return layer.person_for_viewer(
        user, resource_id, purpose=_purpose("Patient", "read"), channel="api"
    )


PATIENT = Kind(
    "Patient",
    [
        Source(
            queryset=lambda user: layer.visible_people(user),
            build=lambda person: [build.patient(person)],
            people=lambda person: [person],
            filters={
                "identifier": _patient_identifier,
                "_id": id_filter(),
                "family": string_filter("family_name"),
                "given": string_filter("given_name", "known_as"),
                "name": string_filter("family_name", "given_name", "known_as"),
                "birthdate": date_filter("birthdate", "date_of_birth", is_date=True),
                "_lastUpdated": date_filter("_lastUpdated", "updated_at", is_date=False),
            },
            order=("pk",),
            read=_read_patient,
        )
    ],
    {
        "identifier": "token",
        "_id": "token",
        "family": "string",
        "given": "string",
        "name": "string",
        "birthdate": "date",
        "_lastUpdated": "date",
    },
    documentation="The people the caller may see (access.layer.visible_people).",
)

# --- RelatedPerson ---------------------------------------------------------------------------


def _relationships(user) -> QuerySet:
    visible = layer.visible_people(user).values("pk")
    return Relationship.objects.filter(relative__in=visible, person__in=visible).select_related(
        "person", "relative"
    )


def _read_relationship(user, resource_id: str) -> Relationship:
    if not resource_id.isdigit():
        raise Http404("No such relationship")
    relationship = (
        Relationship.objects.filter(pk=int(resource_id))
        .select_related("person", "relative")
        .first()
    )
    if relationship is None:
        raise Http404("No such relationship")
    both = {relationship.person_id, relationship.relative_id}
    if layer.visible_among(user, both) != both:
        raise Http404("No such relationship")
    layer.log_shown(
        user,
        [relationship.person, relationship.relative],
        purpose=_purpose("RelatedPerson", "read"),
        channel="api",
    )
    return relationship


def _relationship_id(queryset: QuerySet, value: str) -> QuerySet:
    if not value.isdigit():
        raise ParamError("_id", f"_id: {value!r} is not an id this server issued")
    return queryset.filter(pk=int(value))


def _related_identifier(queryset: QuerySet, value: str) -> QuerySet:
    system, code = split_token(value)
    if system not in (None, p.NHS_NUMBER_SYSTEM):
        return queryset.none()
    return queryset.filter(person__nhs_number=code.replace(" ", ""))


RELATED_PERSON = Kind(
    "RelatedPerson",
    [
        Source(
            queryset=_relationships,
            build=lambda rel: [build.related_person(rel)],
            people=lambda rel: [rel.person, rel.relative],
            filters={
                "patient": reference_filter("relative__public_id"),
                "identifier": _related_identifier,
                "_id": _relationship_id,
            },
            order=("pk",),
            read=_read_relationship,
        )
    ],
    {"patient": "reference", "identifier": "token", "_id": "token"},
    documentation="Relationships between two people the caller may both see.",
)

# --- staff and services (no person of the register) -------------------------------------------

STAFF_DIRECTORY_ROLES = PRACTITIONER_ROLES | {Role.IG_LEAD}


def _council_filter(user, field_name: str) -> Q | None:
    if not has_role(user, STAFF_DIRECTORY_ROLES):
        return None
    authority = authority_of(user)
    return Q(**{field_name: authority}) if authority else None


def _staff(user) -> QuerySet:
    where = _council_filter(user, "memberships__team__service__authority")
    if where is None:
        return User.objects.none()
    return User.objects.filter(pk__in=User.objects.filter(where).values("pk"))


def _memberships(user) -> QuerySet:
    where = _council_filter(user, "team__service__authority")
    if where is None:
        return TeamMembership.objects.none()
    return TeamMembership.objects.filter(where).select_related("user", "team__service__authority")


def _services(user) -> QuerySet:
    where = _council_filter(user, "authority")
    if where is None:
        return Service.objects.none()
    return Service.objects.filter(where).select_related("authority")


def _read_from(queryset: Callable[[Any], QuerySet], field_name: str, numeric: bool = False):
    def read(user, resource_id: str):
        try:
            key: Any = int(resource_id) if numeric else uuid.UUID(resource_id)
        except ValueError:
            raise Http404("No such resource") from None
        found = queryset(user).filter(**{field_name: key}).first()
        if found is None:
            raise Http404("No such resource")
        return found

    return read


def _membership_id(queryset: QuerySet, value: str) -> QuerySet:
    if not value.isdigit():
        raise ParamError("_id", f"_id: {value!r} is not an id this server issued")
    return queryset.filter(pk=int(value))


def _reference(field_name: str, resource_type: str, param: str) -> Filter:
    def apply(queryset: QuerySet, value: str) -> QuerySet:
        try:
            key = reference_id(param, value, resource_type)
        except ParamError as error:
            raise ParamError(param, error.message.replace("patient", param)) from None
        return queryset.filter(**{field_name: key})

    return apply


PRACTITIONER = Kind(
    "Practitioner",
    [
        Source(
            queryset=_staff,
            build=lambda user: [build.practitioner(user)],
            people=lambda user: [],
            filters={
                "identifier": record_identifier_filter(p.STAFF_ID_SYSTEM),
                "_id": id_filter(),
                "family": string_filter("last_name"),
                "given": string_filter("first_name"),
                "name": string_filter("last_name", "first_name"),
            },
            order=("pk",),
            read=_read_from(_staff, "public_id"),
        )
    ],
    {
        "identifier": "token",
        "_id": "token",
        "family": "string",
        "given": "string",
        "name": "string",
    },
    documentation="Staff in teams of the caller's council (no person of the register).",
)

PRACTITIONER_ROLE = Kind(
    "PractitionerRole",
    [
        Source(
            queryset=_memberships,
            build=lambda membership: [build.practitioner_role(membership)],
            people=lambda membership: [],
            filters={
                "practitioner": _reference("user__public_id", "Practitioner", "practitioner"),
                "organization": _reference(
                    "team__service__public_id", "Organization", "organization"
                ),
                "_id": _membership_id,
            },
            order=("pk",),
            read=_read_from(_memberships, "pk", numeric=True),
        )
    ],
    {"practitioner": "reference", "organization": "reference", "_id": "token"},
    documentation="Team memberships of the caller's council: a role in a service's team.",
)

ORGANIZATION = Kind(
    "Organization",
    [
        Source(
            queryset=_services,
            build=lambda service: [build.organization(service)],
            people=lambda service: [],
            filters={
                "identifier": record_identifier_filter(p.SERVICE_ID_SYSTEM),
                "_id": id_filter(),
                "name": string_filter("name"),
            },
            order=("name", "pk"),
            read=_read_from(_services, "public_id"),
        )
    ],
    {"identifier": "token", "_id": "token", "name": "string"},
    documentation="The services of the caller's council.",
)

# --- EpisodeOfCare ---------------------------------------------------------------------------


def _episodes() -> QuerySet:
    return Episode.objects.select_related(
        "person", "owning_service", "lead_professional", "referral"
    )


def _allocations() -> QuerySet:
    return HealthVisitorAllocation.objects.select_related(
        "person", "owning_service", "practitioner"
    )


EPISODE_OF_CARE = Kind(
    "EpisodeOfCare",
    [
        Source(
            queryset=_records(_episodes),
            build=lambda episode: [build.episode_of_care(episode)],
            people=lambda episode: [episode.person],
            filters=_record_filters("start", is_date=True),
            order=("-start", "-public_id"),
            read=_record_read(_episodes, "EpisodeOfCare"),
            sort_key=_newest("start"),
        ),
        Source(
            queryset=_records(_allocations),
            build=lambda allocation: [build.caseload_episode(allocation)],
            people=lambda allocation: [allocation.person],
            filters=_record_filters("start", is_date=True),
            order=("-start", "-public_id"),
            read=_record_read(_allocations, "EpisodeOfCare"),
            sort_key=_newest("start"),
        ),
    ],
    RECORD_PARAMS,
    documentation="Early help episodes (lead professional as care manager) and named health "
    "visitor or school nurse allocations; `date` is the episode's start. " + RECORD,
)

# --- ServiceRequest --------------------------------------------------------------------------


def _referrals() -> QuerySet:
    return Referral.objects.select_related("person", "owning_service", "from_service")


def _onward() -> QuerySet:
    return OnwardReferral.objects.select_related("person", "owning_service", "to_service")


SERVICE_REQUEST = Kind(
    "ServiceRequest",
    [
        Source(
            queryset=_records(_referrals),
            build=lambda referral: [build.service_request(referral)],
            people=lambda referral: [referral.person],
            filters=_record_filters("received_at", is_date=False, date_param="authored"),
            order=("-received_at", "-public_id"),
            read=_record_read(_referrals, "ServiceRequest"),
            sort_key=_newest("received_at"),
        ),
        Source(
            queryset=_records(_onward),
            build=lambda referral: [build.onward_referral(referral)],
            people=lambda referral: [referral.person],
            filters=_record_filters("referred_on", is_date=True, date_param="authored"),
            order=("-referred_on", "-public_id"),
            read=_record_read(_onward, "ServiceRequest"),
            sort_key=_newest("referred_on"),
        ),
    ],
    {**{k: v for k, v in RECORD_PARAMS.items() if k != "date"}, "authored": "date"},
    documentation="Referrals between services and health visiting's onward referrals. " + RECORD,
)

# --- Encounter -------------------------------------------------------------------------------


def _contacts() -> QuerySet:
    return Contact.objects.select_related("person", "owning_service", "recorded_by")


def _reviews() -> QuerySet:
    return Review.objects.select_related(
        "person", "owning_service", "done_by", "accountable", "recorded_by"
    )


ENCOUNTER = Kind(
    "Encounter",
    [
        Source(
            queryset=_records(_contacts),
            build=lambda contact: [build.contact_encounter(contact)],
            people=lambda contact: [contact.person],
            filters=_record_filters("contact_on", is_date=True),
            order=("-contact_on", "-public_id"),
            read=_record_read(_contacts, "Encounter"),
            sort_key=_newest("contact_on"),
        ),
        Source(
            queryset=_records(_reviews),
            build=lambda review: [build.review_encounter(review)],
            people=lambda review: [review.person],
            filters=_record_filters("done_on", is_date=True),
            order=("-done_on", "-public_id"),
            read=_record_read(_reviews, "Encounter"),
            sort_key=_newest("done_on"),
        ),
    ],
    RECORD_PARAMS,
    documentation="Contacts and Healthy Child Programme reviews, with the practitioner type, "
    "the place of contact and face to face or not. " + RECORD,
)

# --- Observation -----------------------------------------------------------------------------

MEASURED = {
    "weight": "weight_kg",
    "height": "height_cm",
    "head": "head_circumference_cm",
    "bmi": "bmi",
}
SCORED = {
    "whooley-low-mood": "whooley_low_mood",
    "whooley-little-interest": "whooley_little_interest",
    "whooley-wants-help": "whooley_wants_help",
    "epds-total": "epds_total",
    "epds-self-harm": "epds_self_harm",
    "asq-communication": "asq_communication",
    "asq-gross-motor": "asq_gross_motor",
    "asq-fine-motor": "asq_fine_motor",
    "asq-problem-solving": "asq_problem_solving",
    "asq-personal-social": "asq_personal_social",
}


def _wanted_codes(value: str) -> list[tuple[str | None, str]]:
    return [split_token(part) for part in value.split(",") if part]


def _measured_fields(value: str) -> list[str]:
    fields = []
    for system, code in _wanted_codes(value):
        for what, spec in p.VITAL_SIGNS.items():
            if (system in (None, p.LOINC) and code == spec["loinc"][0]) or (
                system in (None, p.SNOMED) and code == spec["snomed"][0]
            ):
                fields.append(MEASURED[what])
    return fields


def _scored_fields(value: str) -> list[str]:
    return [
        SCORED[code]
        for system, code in _wanted_codes(value)
        if system in (None, p.ASSESSMENT_SYSTEM) and code in SCORED
    ]


def _any_of(fields: list[str]) -> Q:
    where = Q(pk__in=[])
    for name in fields:
        where |= Q(**{f"{name}__isnull": False})
    return where


def _code_filter(fields_for: Callable[[str], list[str]]) -> Filter:
    return lambda queryset, value: queryset.filter(_any_of(fields_for(value)))


def _observation_id(queryset: QuerySet, value: str) -> QuerySet:
    return queryset.filter(public_id=parse_uuid("_id", value[:36]))


def _keep_observation(resource: dict, params) -> bool:
    if "_id" in params and resource["id"] not in params.getlist("_id"):
        return False
    for value in params.getlist("code"):
        wanted = _wanted_codes(value)
        codings = resource["code"].get("coding", [])
        if not any(
            c["code"] == code and system in (None, c["system"])
            for c in codings
            for system, code in wanted
        ):
            return False
    return True


def _measurements() -> QuerySet:
    return Measurement.objects.select_related("person", "recorded_by")


def _scored_reviews() -> QuerySet:
    return (
        Review.objects.filter(_any_of(list(SCORED.values())))
        .select_related("person", "done_by")
        .prefetch_related("asq_results")
    )


def _review_observations(review) -> list[dict]:
    bands = {result.domain: result.get_band_display() for result in review.asq_results.all()}
    return build.review_observations(review, bands)


def _observation_filters(day_field: str, fields_for: Callable[[str], list[str]]) -> dict:
    filters = _record_filters(day_field, is_date=True)
    filters["_id"] = _observation_id
    filters["code"] = _code_filter(fields_for)
    return filters


OBSERVATION = Kind(
    "Observation",
    [
        Source(
            queryset=_records(_measurements),
            build=build.measurement_observations,
            people=lambda measurement: [measurement.person],
            filters=_observation_filters("measured_on", _measured_fields),
            order=("-measured_on", "-public_id"),
            read=_record_read(_measurements, "Observation"),
            sort_key=_newest("measured_on"),
            keep=_keep_observation,
        ),
        Source(
            queryset=_records(_scored_reviews),
            build=_review_observations,
            people=lambda review: [review.person],
            filters=_observation_filters("done_on", _scored_fields),
            order=("-done_on", "-public_id"),
            read=_record_read(_scored_reviews, "Observation"),
            sort_key=_newest("done_on"),
            keep=_keep_observation,
        ),
    ],
    {**RECORD_PARAMS, "code": "token"},
    one_per_row=False,
    documentation="Weight, length or height, head circumference and BMI (UK-WHO and UK90 "
    "centiles), and the Whooley, EPDS and ASQ-3 scores a review recorded. " + RECORD,
    read_split=lambda resource_id: resource_id[:36],
)

# --- Consent ---------------------------------------------------------------------------------


def _consents(user) -> QuerySet:
    visible = layer.visible_people(user).values("pk")
    return (
        Consent.objects.filter(person__in=visible)
        .select_related("person")
        .prefetch_related("services")
    )


def _read_consent(user, resource_id: str) -> Consent:
    consent = _read_from(_consents, "public_id")(user, resource_id)
    layer.log_shown(user, [consent.person], purpose=_purpose("Consent", "read"), channel="api")
    return consent


CONSENT = Kind(
    "Consent",
    [
        Source(
            queryset=_consents,
            build=lambda consent: [build.consent(consent)],
            people=lambda consent: [consent.person],
            filters={
                "patient": reference_filter("person__public_id"),
                "identifier": record_identifier_filter(p.RECORD_ID_SYSTEM),
                "_id": id_filter(),
                "date": date_filter("date", "created_at", is_date=False),
                "_lastUpdated": date_filter("_lastUpdated", "created_at", is_date=False),
            },
            order=("-created_at", "-pk"),
            read=_read_consent,
        )
    ],
    {
        "patient": "reference",
        "identifier": "token",
        "_id": "token",
        "date": "date",
        "_lastUpdated": "date",
    },
    documentation="Consent to share, to early help or to be contacted, of people the caller "
    "may see.",
)

# --- AuditEvent ------------------------------------------------------------------------------


def _access_log(user) -> QuerySet:
    """The access log is the information governance lead's alone (as on /access/log/)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.IG_LEAD:
        return AccessLog.objects.none()
    return AccessLog.objects.select_related("user")


def _read_audit(user, resource_id: str) -> AccessLog:
    row = _read_from(_access_log, "seq", numeric=True)(user, resource_id)
    layer.log_shown(
        user,
        [PersonRef(row.person_pk, row.person_public_id)],
        purpose=_purpose("AuditEvent", "read"),
        channel="api",
    )
    return row


def _seq(queryset: QuerySet, value: str) -> QuerySet:
    if not value.isdigit():
        raise ParamError("_id", f"_id: {value!r} is not an id this server issued")
    return queryset.filter(seq=int(value))


AUDIT_EVENT = Kind(
    "AuditEvent",
    [
        Source(
            queryset=_access_log,
            build=lambda row: [build.audit_event(row, row.person_public_id)],
            people=lambda row: [PersonRef(row.person_pk, row.person_public_id)],
            filters={
                "patient": reference_filter("person_public_id"),
                "entity": reference_filter("person_public_id"),
                "agent": _reference("user__public_id", "Practitioner", "agent"),
                "_id": _seq,
                "date": date_filter("date", "occurred_at", is_date=False),
                "_lastUpdated": date_filter("_lastUpdated", "occurred_at", is_date=False),
            },
            order=("-seq",),
            read=_read_audit,
        )
    ],
    {
        "patient": "reference",
        "entity": "reference",
        "agent": "reference",
        "_id": "token",
        "date": "date",
        "_lastUpdated": "date",
    },
    documentation="The access log, one event per person read or changed, for the information "
    "governance lead's tools only.",
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        PATIENT,
        RELATED_PERSON,
        PRACTITIONER,
        PRACTITIONER_ROLE,
        ORGANIZATION,
        EPISODE_OF_CARE,
        SERVICE_REQUEST,
        ENCOUNTER,
        OBSERVATION,
        CONSENT,
        AUDIT_EVENT,
    )
}
