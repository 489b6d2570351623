"""Each FHIR resource built from Familyhub's record, as a plain dict shaped by UK Core.

Builders never query: what they read is fetched by the search (select_related and
prefetch_related), so a page of 50 costs the same queries as a page of 10. They return dicts;
familyhub.fhir.validate checks each one with fhir.resources (R4B models) and the UK Core rules.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from familyhub.fhir import profiles as p

# --- references and small types --------------------------------------------------------------


def ref(resource_type: str, resource_id: Any, display: str = "") -> dict:
    out: dict = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        out["display"] = display
    return out


def patient_ref(person) -> dict:
    return ref("Patient", person.public_id)


def practitioner_ref(user) -> dict | None:
    if user is None:
        return None
    return ref("Practitioner", user.public_id, user.get_full_name() or user.username)


def organization_ref(service) -> dict | None:
    if service is None:
        return None
    return ref("Organization", service.public_id, service.name)


def coding(system: str, code: str, display: str = "") -> dict:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str) -> dict:
    return {"coding": [coding(system, code, display)], "text": display}


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat()


def day_time(day: date) -> str:
    """A date as the dateTime the profiles want (a date alone is a valid dateTime)."""
    return day.isoformat()


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def period(start: date | datetime | None, end: date | datetime | None) -> dict | None:
    out = {}
    if start is not None:
        out["start"] = start.isoformat()
    if end is not None:
        out["end"] = end.isoformat()
    return out or None


def record_identifier(record) -> list[dict]:
    return [{"system": p.RECORD_ID_SYSTEM, "value": str(record.public_id)}]


def _clean(resource: dict) -> dict:
    """Drop empty values: FHIR forbids empty elements."""
    out = {}
    for key, value in resource.items():
        if value is None or value == [] or value == {} or value == "":
            continue
        if isinstance(value, dict):
            value = _clean(value)
            if not value:
                continue
        elif isinstance(value, list):
            value = [_clean(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, {}, "")]
            if not value:
                continue
        out[key] = value
    return out


# --- Patient ---------------------------------------------------------------------------------

GENDER = {"F": "female", "M": "male", "U": "unknown"}


def nhs_number_identifier(person) -> dict | None:
    """The UK Core NHS number slice: fixed system, the value, and (when the register says) the
    NHS number verification status from people.Person.nhs_number_status (codes 01-08)."""
    if not person.nhs_number:
        return None
    out: dict = {"system": p.NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    status = person.nhs_number_status
    if status in p.NHS_NUMBER_STATUS_DISPLAY:
        out["extension"] = [
            {
                "url": p.NHS_NUMBER_STATUS_EXTENSION,
                "valueCodeableConcept": concept(
                    p.NHS_NUMBER_STATUS_SYSTEM, status, p.NHS_NUMBER_STATUS_DISPLAY[status]
                ),
            }
        ]
    return out


def patient(person) -> dict:
    names = [{"use": "official", "family": person.family_name}]
    if person.given_name:
        names[0]["given"] = [person.given_name]
    if person.known_as and person.known_as != person.given_name:
        names.append({"use": "usual", "family": person.family_name, "given": [person.known_as]})
    lines = [line for line in (person.address_line1, person.address_line2) if line]
    address = {
        "use": "home",
        "line": lines,
        "city": person.town,
        "postalCode": person.postcode,
    }
    return _clean(
        {
            "resourceType": "Patient",
            "id": str(person.public_id),
            "meta": p.meta("UKCore-Patient", person.updated_at),
            "identifier": [
                nhs_number_identifier(person),
                {"system": p.PERSON_ID_SYSTEM, "value": str(person.public_id)},
            ],
            "active": person.date_of_death is None,
            "name": names,
            "gender": GENDER.get(person.sex, "unknown"),
            "birthDate": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "deceasedDateTime": (
                person.date_of_death.isoformat() if person.date_of_death else None
            ),
            "address": [address] if (lines or person.postcode) else [],
        }
    )


# --- RelatedPerson ---------------------------------------------------------------------------


def related_person(relationship) -> dict:
    """`relationship.person` is the `kind` of `relationship.relative` (the patient)."""
    person = relationship.person
    system, code, display = p.RELATIONSHIP_CODES.get(
        relationship.kind, p.RELATIONSHIP_CODES["other"]
    )
    relation = concept(system, code, display)
    relation["text"] = relationship.get_kind_display()
    codes = [relation]
    if relationship.parental_responsibility:
        codes.append({"text": "Has parental responsibility"})
    name = {"family": person.family_name}
    if person.given_name:
        name["given"] = [person.given_name]
    return _clean(
        {
            "resourceType": "RelatedPerson",
            "id": str(relationship.pk),
            "meta": p.meta("UKCore-RelatedPerson"),
            "identifier": [nhs_number_identifier(person)],
            "active": relationship.end is None,
            "patient": patient_ref(relationship.relative),
            "relationship": codes,
            "name": [name],
            "gender": GENDER.get(person.sex, "unknown"),
            "birthDate": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "period": period(relationship.start, relationship.end),
        }
    )


# --- staff and services ----------------------------------------------------------------------


def practitioner(user) -> dict:
    name: dict = {"family": user.last_name or user.username}
    if user.first_name:
        name["given"] = [user.first_name]
    return _clean(
        {
            "resourceType": "Practitioner",
            "id": str(user.public_id),
            "meta": p.meta("UKCore-Practitioner"),
            "identifier": [{"system": p.STAFF_ID_SYSTEM, "value": str(user.public_id)}],
            "active": user.is_active,
            "name": [name],
        }
    )


def practitioner_role(membership) -> dict:
    user = membership.user
    team = membership.team
    today = timezone.localdate()
    active = (membership.start is None or membership.start <= today) and (
        membership.end is None or membership.end >= today
    )
    role = concept(p.ROLE_SYSTEM, user.role, user.get_role_display())
    if user.job_title:
        role["text"] = user.job_title
    return _clean(
        {
            "resourceType": "PractitionerRole",
            "id": str(membership.pk),
            "meta": p.meta("UKCore-PractitionerRole"),
            "active": active,
            "period": period(membership.start, membership.end),
            "practitioner": practitioner_ref(user),
            "organization": organization_ref(team.service),
            "code": [role, {"text": f"Team: {team.name}"}],
        }
    )


def organization(service) -> dict:
    authority = service.authority
    return _clean(
        {
            "resourceType": "Organization",
            "id": str(service.public_id),
            "meta": p.meta("UKCore-Organization"),
            "identifier": [{"system": p.SERVICE_ID_SYSTEM, "value": str(service.public_id)}],
            "active": True,
            "type": [concept(p.SERVICE_KIND_SYSTEM, service.kind, service.get_kind_display())],
            "name": service.name,
            "alias": [service.provider] if service.provider else [],
            "partOf": {
                "identifier": {"system": p.ONS_AUTHORITY_SYSTEM, "value": authority.code},
                "display": authority.name,
            },
        }
    )


# --- EpisodeOfCare ---------------------------------------------------------------------------

EPISODE_STATUS = {
    "awaiting": "waitlist",
    "open": "active",
    "stepped_up": "active",
    "closed": "finished",
}


def episode_of_care(episode) -> dict:
    return _clean(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode.public_id),
            "meta": p.meta("UKCore-EpisodeOfCare", episode.recorded_at),
            "identifier": record_identifier(episode),
            "status": EPISODE_STATUS.get(episode.status, "active"),
            "type": [{"text": "Early help"}],
            "patient": patient_ref(episode.person),
            "managingOrganization": organization_ref(episode.owning_service),
            "period": period(episode.start, episode.end),
            "referralRequest": (
                [ref("ServiceRequest", episode.referral.public_id)] if episode.referral else []
            ),
            "careManager": practitioner_ref(episode.lead_professional),
        }
    )


def caseload_episode(allocation) -> dict:
    """A named health visitor or school nurse allocation: the health visiting episode."""
    ended = allocation.end is not None and allocation.end < timezone.localdate()
    return _clean(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(allocation.public_id),
            "meta": p.meta("UKCore-EpisodeOfCare", allocation.recorded_at),
            "identifier": record_identifier(allocation),
            "status": "finished" if ended else "active",
            "type": [{"text": allocation.owning_service.get_kind_display()}],
            "patient": patient_ref(allocation.person),
            "managingOrganization": organization_ref(allocation.owning_service),
            "period": period(allocation.start, allocation.end),
            "careManager": practitioner_ref(allocation.practitioner),
        }
    )


# --- ServiceRequest --------------------------------------------------------------------------

REFERRAL_STATUS = {
    "received": "active",
    "more_info": "on-hold",
    "accepted": "active",
    "allocated": "active",
    "declined": "revoked",
    "sent": "active",
    "signposted": "completed",
    "stepped_up": "completed",
    "nfa": "completed",
}


def service_request(referral) -> dict:
    requester = organization_ref(referral.from_service) or {"display": referral.referrer_display}
    return _clean(
        {
            "resourceType": "ServiceRequest",
            "id": str(referral.public_id),
            "meta": p.meta("UKCore-ServiceRequest", referral.recorded_at),
            "identifier": record_identifier(referral),
            "status": REFERRAL_STATUS.get(referral.status, "unknown"),
            "intent": "order",
            "priority": "urgent" if referral.urgency == "at_risk" else "routine",
            "code": {"text": "Referral to " + referral.owning_service.name},
            "reasonCode": [{"text": label} for label in referral.need_labels],
            "subject": patient_ref(referral.person),
            "authoredOn": instant(referral.received_at),
            "requester": requester,
            "performer": [organization_ref(referral.owning_service)],
        }
    )


def onward_referral(referral) -> dict:
    performer = organization_ref(referral.to_service) or {"display": referral.to_service_name}
    return _clean(
        {
            "resourceType": "ServiceRequest",
            "id": str(referral.public_id),
            "meta": p.meta("UKCore-ServiceRequest", referral.recorded_at),
            "identifier": record_identifier(referral),
            "status": "active",
            "intent": "order",
            "code": {"text": "Referral to " + referral.to_service_name},
            "reasonCode": [{"text": referral.get_reason_display()}],
            "subject": patient_ref(referral.person),
            "authoredOn": referral.referred_on.isoformat(),
            "requester": organization_ref(referral.owning_service),
            "performer": [performer],
        }
    )


# --- Encounter -------------------------------------------------------------------------------

# Encounter.class: face to face at home (HH), elsewhere (AMB), or not face to face (VR).
CONTACT_CLASS = {"home_visit": "HH", "phone": "VR", "video": "VR"}
CLASS_DISPLAY = {"HH": "home health", "AMB": "ambulatory", "VR": "virtual"}
CONTACT_PLACE = {"home_visit": "home", "centre": "centre", "school": "school", "other": "other"}


def encounter_class(code: str) -> dict:
    return coding(p.ACT_CODE, code, CLASS_DISPLAY[code])


def location(place: str | None, label: str) -> list[dict]:
    """Encounter.location: the place of contact as UK Core's England location type (there is no
    Location resource for a family's home; the reference carries the place in words)."""
    if place is None or place not in p.LOCATION_TYPES:
        return []
    code, display = p.LOCATION_TYPES[place]
    return [
        {
            "location": {"display": label},
            "physicalType": concept(p.ENCOUNTER_LOCATION_TYPE, code, display),
        }
    ]


def _face_to_face(klass: str) -> dict:
    """The 2026 HCP 'face to face or not', said explicitly beside Encounter.class."""
    face = klass != "VR"
    return {"text": "Face to face" if face else "Not face to face (phone or video)"}


def participant(user, type_text: str, role_label: str) -> dict:
    return {
        "type": [
            {
                "coding": [coding(p.PARTICIPATION_TYPE, "PPRF", "primary performer")],
                "text": type_text,
            },
            {"text": role_label},
        ],
        "individual": practitioner_ref(user),
    }


def contact_encounter(contact) -> dict:
    klass = CONTACT_CLASS.get(contact.kind, "AMB")
    author = contact.recorded_by
    people = [participant(author, "Practitioner", author.get_role_display())] if author else []
    return _clean(
        {
            "resourceType": "Encounter",
            "id": str(contact.public_id),
            "meta": p.meta("UKCore-Encounter", contact.recorded_at),
            "identifier": record_identifier(contact),
            "status": "finished",
            "class": encounter_class(klass),
            "type": [
                concept(p.CONTACT_KIND_SYSTEM, contact.kind, contact.get_kind_display()),
                _face_to_face(klass),
            ],
            "serviceType": {"text": contact.owning_service.name},
            "subject": patient_ref(contact.person),
            "participant": people,
            "period": {
                "start": contact.contact_on.isoformat(),
                "end": contact.contact_on.isoformat(),
            },
            "location": location(CONTACT_PLACE.get(contact.kind), contact.get_kind_display()),
            "serviceProvider": organization_ref(contact.owning_service),
        }
    )


def practitioner_type(review) -> str:
    """The 2026 HCP practitioner type: who did the review (a delegated review was done by a
    nursery nurse for the accountable health visitor)."""
    if review.delegated:
        return "Nursery nurse (delegated by the accountable health visitor)"
    return review.done_by.get_role_display()


def review_encounter(review) -> dict:
    klass = "VR" if review.place == "virtual" else ("HH" if review.place == "home" else "AMB")
    people = [participant(review.done_by, "Practitioner", practitioner_type(review))]
    if review.delegated and review.accountable is not None:
        people.append(
            {
                "type": [
                    {
                        "coding": [coding(p.PARTICIPATION_TYPE, "RESP", "responsible party")],
                        "text": "Accountable health visitor",
                    }
                ],
                "individual": practitioner_ref(review.accountable),
            }
        )
    return _clean(
        {
            "resourceType": "Encounter",
            "id": str(review.public_id),
            "meta": p.meta("UKCore-Encounter", review.recorded_at),
            "identifier": record_identifier(review),
            # A review not done (declined, not brought, moved away) did not happen.
            "status": "finished" if review.outcome == "completed" else "cancelled",
            "class": encounter_class(klass),
            "type": [
                concept(p.REVIEW_KIND_SYSTEM, review.kind, review.get_kind_display()),
                _face_to_face(klass),
            ],
            "serviceType": {"text": review.owning_service.name},
            "subject": patient_ref(review.person),
            "participant": people,
            "period": {"start": review.done_on.isoformat(), "end": review.done_on.isoformat()},
            "location": location(review.place, review.get_place_display()),
            "serviceProvider": organization_ref(review.owning_service),
        }
    )


# --- Observation -----------------------------------------------------------------------------


def centile_of(sds: float | None) -> float | None:
    """The centile of a standard deviation score (the normal distribution the UK-WHO and UK90
    references are built on)."""
    if sds is None:
        return None
    return round(50 * (1 + math.erf(sds / math.sqrt(2))), 1)


def _vital(measurement, what: str, value, sds: float | None, extra: list[dict]) -> dict:
    spec = p.VITAL_SIGNS[what]
    loinc_code, loinc_display = spec["loinc"]
    snomed_code, snomed_display = spec["snomed"]
    unit, ucum = spec["unit"]
    components = list(extra)
    if sds is not None:
        # No SNOMED CT concept for "SDS on the UK-WHO chart" was checked: text only.
        components.append(
            {
                "code": {"text": f"{snomed_display} standard deviation score"},
                "valueQuantity": {"value": round(sds, 2), "unit": "SDS"},
            }
        )
        components.append(
            {
                "code": {"text": f"{snomed_display} centile"},
                "valueQuantity": {
                    "value": centile_of(sds),
                    "unit": "%",
                    "system": p.UCUM,
                    "code": "%",
                },
            }
        )
    return _clean(
        {
            "resourceType": "Observation",
            "id": f"{measurement.public_id}-{what}",
            "meta": p.meta(spec["profile"], measurement.recorded_at),
            "identifier": record_identifier(measurement),
            "status": "final",
            "category": [
                concept(p.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"),
            ],
            "code": {
                "coding": [
                    coding(p.LOINC, loinc_code, loinc_display),
                    coding(p.SNOMED, snomed_code, snomed_display),
                ],
                "text": snomed_display,
            },
            "subject": patient_ref(measurement.person),
            "effectiveDateTime": day_time(measurement.measured_on),
            "performer": [practitioner_ref(measurement.recorded_by)]
            if measurement.recorded_by
            else [],
            "valueQuantity": {
                "value": float(value),
                "unit": unit,
                "system": p.UCUM,
                "code": ucum,
            },
            "component": components,
        }
    )


def measurement_observations(measurement) -> list[dict]:
    found = []
    if measurement.weight_kg is not None:
        found.append(
            _vital(measurement, "weight", measurement.weight_kg, measurement.weight_sds, [])
        )
    if measurement.height_cm is not None:
        position = (
            [
                {
                    "code": {"text": "Position"},
                    "valueString": measurement.get_height_position_display(),
                }
            ]
            if measurement.height_position
            else []
        )
        found.append(
            _vital(measurement, "height", measurement.height_cm, measurement.height_sds, position)
        )
    if measurement.head_circumference_cm is not None:
        found.append(
            _vital(
                measurement,
                "head",
                measurement.head_circumference_cm,
                measurement.head_circumference_sds,
                [],
            )
        )
    if measurement.bmi is not None:
        found.append(_bmi(measurement))
    return found


def _bmi(measurement) -> dict:
    extra = []
    if measurement.centile is not None:
        code, display = p.BMI_CENTILE
        extra.append(
            {
                "code": {
                    "coding": [coding(p.SNOMED, code, display)],
                    "text": f"{display} ({measurement.reference})",
                },
                "valueQuantity": {
                    "value": round(measurement.centile, 1),
                    "unit": "%",
                    "system": p.UCUM,
                    "code": "%",
                },
            }
        )
    if measurement.population_category:
        extra.append(
            {
                "code": {"text": "Population monitoring category"},
                "valueString": measurement.get_population_category_display(),
            }
        )
    if measurement.clinical_category:
        extra.append(
            {
                "code": {"text": "Clinical category"},
                "valueString": measurement.get_clinical_category_display(),
            }
        )
    observation = _vital(measurement, "bmi", round(measurement.bmi, 1), None, extra)
    return observation


# Screening and assessment scores: Familyhub's own codes (see profiles: no SNOMED CT ships).
SCORES = {
    "whooley-low-mood": "Whooley question 1: low mood",
    "whooley-little-interest": "Whooley question 2: little interest or pleasure",
    "whooley-wants-help": "Whooley help question: wants help",
    "epds-total": "Edinburgh Postnatal Depression Scale (EPDS) total score",
    "epds-self-harm": "EPDS item 10 (thoughts of self-harm) score",
    "asq-communication": "ASQ-3 communication score",
    "asq-gross-motor": "ASQ-3 gross motor score",
    "asq-fine-motor": "ASQ-3 fine motor score",
    "asq-problem-solving": "ASQ-3 problem solving score",
    "asq-personal-social": "ASQ-3 personal-social score",
}


def _score(review, code: str, value: dict, category: str, components: list | None = None) -> dict:
    return _clean(
        {
            "resourceType": "Observation",
            "id": f"{review.public_id}-{code}",
            "meta": p.meta("UKCore-Observation", review.recorded_at),
            "identifier": record_identifier(review),
            "status": "final",
            "category": [concept(p.OBSERVATION_CATEGORY, category, category.capitalize())],
            "code": concept(p.ASSESSMENT_SYSTEM, code, SCORES[code]),
            "subject": patient_ref(review.person),
            "encounter": ref("Encounter", review.public_id),
            "effectiveDateTime": day_time(review.done_on),
            "performer": [practitioner_ref(review.done_by)],
            **value,
            "component": components or [],
        }
    )


def review_observations(review, bands: dict[str, str] | None = None) -> list[dict]:
    """The Whooley answers, the EPDS and the ASQ-3 domain scores a review recorded (the mood
    questions are the mother's answers, recorded on the child's review: the subject is the
    child, as the record keeps them)."""
    found = []
    for code, answer in (
        ("whooley-low-mood", review.whooley_low_mood),
        ("whooley-little-interest", review.whooley_little_interest),
        ("whooley-wants-help", review.whooley_wants_help),
    ):
        if answer is not None:
            found.append(_score(review, code, {"valueBoolean": answer}, "survey"))
    for code, score in (
        ("epds-total", review.epds_total),
        ("epds-self-harm", review.epds_self_harm),
    ):
        if score is not None:
            found.append(_score(review, code, {"valueInteger": score}, "survey"))
    for domain, score in review.asq_scores().items():
        if score is None:
            continue
        code = "asq-" + domain.replace("_", "-")
        band = (bands or {}).get(domain)
        components = [{"code": {"text": "ASQ-3 band"}, "valueString": band}] if band else []
        found.append(_score(review, code, {"valueInteger": score}, "survey", components))
    return found


# --- Consent ---------------------------------------------------------------------------------


def consent(record) -> dict:
    status = "inactive" if record.withdrawn_at else ("active" if record.given else "rejected")
    services = list(record.services.all())
    provision: dict = {
        "type": "permit" if record.given else "deny",
        "period": {"start": record.given_on.isoformat()},
        "actor": [
            {"role": {"text": "Recipient service"}, "reference": organization_ref(service)}
            for service in services
        ],
        "purpose": [
            {
                "system": "urn:familyhub:codesystem:consent-purpose",
                "code": record.purpose,
                "display": record.get_purpose_display(),
            }
        ],
    }
    if record.withdrawn_at:
        provision["period"]["end"] = record.withdrawn_at.date().isoformat()
    return _clean(
        {
            "resourceType": "Consent",
            "id": str(record.public_id),
            "meta": p.meta("UKCore-Consent", record.withdrawn_at or record.created_at),
            "identifier": record_identifier(record),
            "status": status,
            "scope": concept(p.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
            "category": [concept(p.CONSENT_CATEGORY, "59284-0", "Patient Consent")],
            "patient": patient_ref(record.person),
            "dateTime": instant(record.created_at),
            "performer": [patient_ref(record.person)],
            "policyRule": {"text": "The council's data-sharing protocol"},
            "provision": provision,
        }
    )


# --- AuditEvent ------------------------------------------------------------------------------

AUDIT_ACTION = {"read": "R", "search": "E", "export": "R", "change": "U", "create": "C"}


def audit_event(row, person_public_id) -> dict:
    """One access-log row: who (the staff account), what (read, search, change...), whose
    record, through which channel, why."""
    agent = {
        "requestor": True,
        "who": (
            ref("Practitioner", row.user.public_id, row.username)
            if row.user is not None
            else {"display": row.username or "system"}
        ),
        "name": row.username or "system",
    }
    entity = {
        "what": ref("Patient", person_public_id) if person_public_id else {"display": "a person"},
        "type": coding(p.AUDIT_ENTITY_TYPE, "1", "Person"),
        "description": row.detail,
    }
    return _clean(
        {
            "resourceType": "AuditEvent",
            "id": str(row.seq),
            "meta": p.meta("UKCore-AuditEvent", row.occurred_at),
            "type": coding(p.AUDIT_EVENT_TYPE, "rest", "RESTful Operation"),
            "subtype": [
                coding(
                    "urn:familyhub:codesystem:access-log-action",
                    row.action,
                    row.get_action_display(),
                )
            ],
            "action": AUDIT_ACTION.get(row.action, "E"),
            "recorded": instant(row.occurred_at),
            "outcome": "0",
            "purposeOfEvent": [{"text": row.purpose}],
            "agent": [agent],
            "source": {
                "observer": {"display": "Familyhub access log"},
                "type": [
                    coding(
                        "urn:familyhub:codesystem:channel", row.channel, row.get_channel_display()
                    )
                ],
            },
            "entity": [entity],
        }
    )
