"""Every resource the API sends is checked before it goes: first against the FHIR R4 base
resource (fhir.resources' R4B models, see profiles), then against the UK Core rules we implement
(profiles: fixed systems and codes, elements the profiles make required, extension URLs).

A resource that fails is a bug in a builder, never the caller's fault: the view answers 500 with
an OperationOutcome and the test suite builds every kind from the demo's shapes.
"""

from __future__ import annotations

from importlib import import_module

from familyhub.fhir import profiles as p
from familyhub.people.identifiers import is_valid_nhs_number


class ResourceInvalid(Exception):
    """A built resource broke the base schema or a UK Core rule; the message says which."""


MODULES = {
    "Patient": "patient",
    "RelatedPerson": "relatedperson",
    "Practitioner": "practitioner",
    "PractitionerRole": "practitionerrole",
    "Organization": "organization",
    "EpisodeOfCare": "episodeofcare",
    "ServiceRequest": "servicerequest",
    "Encounter": "encounter",
    "Observation": "observation",
    "Consent": "consent",
    "AuditEvent": "auditevent",
    "Bundle": "bundle",
    "OperationOutcome": "operationoutcome",
    "CapabilityStatement": "capabilitystatement",
}


def model_for(resource_type: str):
    module = import_module(f"fhir.resources.R4B.{MODULES[resource_type]}")
    return getattr(module, resource_type)


def check_schema(resource: dict) -> None:
    try:
        model_for(resource["resourceType"]).model_validate(resource)
    except ValueError as error:  # pydantic's ValidationError, which fhir.resources raises
        raise ResourceInvalid(
            f"{resource['resourceType']}/{resource.get('id')}: {error}"
        ) from error


def _problem(resource: dict, message: str) -> str:
    return f"{resource['resourceType']}/{resource.get('id')}: {message}"


def _profiles(resource: dict) -> list[str]:
    return [url.split("|")[0] for url in resource.get("meta", {}).get("profile", [])]


def _codings(concept: dict | None) -> list[dict]:
    return list((concept or {}).get("coding", []))


def nhs_number_problems(resource: dict) -> list[str]:
    problems = []
    for identifier in resource.get("identifier", []):
        if identifier.get("system") != p.NHS_NUMBER_SYSTEM:
            continue
        value = identifier.get("value", "")
        if not is_valid_nhs_number(value):
            problems.append(f"NHS number {value!r} fails the modulus 11 check")
        for extension in identifier.get("extension", []):
            if extension.get("url") != p.NHS_NUMBER_STATUS_EXTENSION:
                problems.append(f"unknown identifier extension {extension.get('url')}")
                continue
            codes = _codings(extension.get("valueCodeableConcept"))
            if len(codes) != 1 or codes[0].get("system") != p.NHS_NUMBER_STATUS_SYSTEM:
                problems.append(
                    "the NHS number status must be one coding of " + p.NHS_NUMBER_STATUS_SYSTEM
                )
            elif codes[0].get("code") not in p.NHS_NUMBER_STATUS_DISPLAY:
                problems.append(f"NHS number status {codes[0].get('code')!r} is not 01-08")
    return problems


def vital_signs_problems(resource: dict, name: str) -> list[str]:
    """UKCore-Observation-VitalSigns 1.1.1 and its child profiles."""
    spec = next(s for s in p.VITAL_SIGNS.values() if s["profile"] == name)
    problems = []
    if resource.get("status") != "final":
        problems.append("status is fixed to final")
    categories = resource.get("category", [])
    if len(categories) != 1 or not any(
        c.get("system") == p.OBSERVATION_CATEGORY and c.get("code") == "vital-signs"
        for c in _codings(categories[0])
    ):
        problems.append("exactly one category, vital-signs")
    codes = _codings(resource.get("code"))
    loinc = [c for c in codes if c.get("system") == p.LOINC]
    if len(loinc) != 1 or loinc[0].get("code") != spec["loinc"][0]:
        problems.append(f"one LOINC coding, fixed to {spec['loinc'][0]}")
    if not any(c.get("system") == p.SNOMED and c.get("code") for c in codes):
        problems.append("a SNOMED CT coding is required")
    if not resource.get("subject"):
        problems.append("subject is required")
    if not resource.get("effectiveDateTime"):
        problems.append("effective[x] is required")
    quantity = resource.get("valueQuantity") or {}
    unit, code = spec["unit"]
    if quantity.get("system") != p.UCUM or quantity.get("code") != code:
        problems.append(f"valueQuantity must be UCUM {code}")
    if name != "UKCore-Observation-VitalSigns-BodyHeight" and quantity.get("unit") != unit:
        problems.append(f"valueQuantity.unit is fixed to {unit!r}")
    return problems


def location_problems(resource: dict) -> list[str]:
    problems = []
    for place in resource.get("location", []):
        codes = _codings(place.get("physicalType"))
        if codes and codes[0].get("system") != p.ENCOUNTER_LOCATION_TYPE:
            problems.append("location.physicalType is coded with UK Core's England location types")
    return problems


def profile_problems(resource: dict) -> list[str]:
    """The UK Core rules implemented, for one resource."""
    kind = resource["resourceType"]
    names = [url.removeprefix(p.PROFILE_BASE) for url in _profiles(resource)]
    if not names or any(name not in p.PROFILE_VERSIONS for name in names):
        return [f"meta.profile must name a UK Core profile, not {names}"]
    problems = []
    if kind in ("Patient", "RelatedPerson"):
        problems += nhs_number_problems(resource)
    if kind == "Observation":
        for name in names:
            if name.startswith("UKCore-Observation-VitalSigns"):
                problems += vital_signs_problems(resource, name)
        if not resource.get("subject"):
            problems.append("subject is required")
    if kind == "Encounter":
        problems += location_problems(resource)
        if not resource.get("subject"):
            problems.append("subject is required")
    if kind == "RelatedPerson" and not resource.get("patient"):
        problems.append("patient is required")
    return [_problem(resource, message) for message in problems]


def check(resource: dict) -> dict:
    """The resource, if it passes the base schema and the UK Core rules; else ResourceInvalid."""
    check_schema(resource)
    problems = profile_problems(resource)
    if problems:
        raise ResourceInvalid("; ".join(problems))
    return resource
