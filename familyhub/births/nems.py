"""Reading the National Events Management Service's event messages (FHIR STU3).

The specifications read (NHS Digital, on GitHub as nhsconnect/Events-Management):
- the National Events Management Service implementation guide 2.15.0 (23 January 2025):
  generic event message requirements, "PDS Birth Notification" (pds-birth-notification-1, MESH
  workflow BIRTHNOTIFICATION_1), and the Digital Child Health events it carries: "Newborn
  Hearing" (newborn-hearing-1, NEWBORNHEARING_1), "Blood Spot Test Outcome"
  (blood-spot-test-outcome-1, BLOODSPOTTESTOUTCOME_1) and "NIPE Outcome" (nipe-outcome-1,
  NIPEOUTCOME_1);
- the Digital Child Health CareConnect guide 2.0.0 beta (nhsconnect/Digital-Child-Health-
  CareConnect), where those three events were first defined on the CareConnect STU3 profiles.

A message is a Bundle of type "message" whose first entry is an Event-MessageHeader-1. The
MessageHeader's id is the publisher's unique reference for the message; its `event` is coded in
https://fhir.nhs.uk/STU3/CodeSystem/EventType-1; the Extension-MessageEventType-1 says whether it
is `new` or a `delete`. NEMS forwards messages to subscribers as XML; the FHIR JSON form of the
same Bundle is read too (our own HTTP endpoint accepts either, and the test generator writes
JSON because it is quicker to read: about 2 ms against 10 ms a birth notification with
fhir.resources).

Parsing is fhir.resources' STU3 models (the base FHIR STU3 structure); the rules those profiles
add that we rely on are checked here, each failure an `Unreadable` with the reason in words.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from fhir.resources.STU3.bundle import Bundle
from lxml import etree
from pydantic import ValidationError as PydanticError

from familyhub.people.validation import clean_nhs_number

SPECIFICATION = "NHS Digital National Events Management Service implementation guide 2.15.0"

EVENT_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"
MESSAGE_EVENT_TYPE_URL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
BIRTH_TIME_URL = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"

BIRTH = "pds-birth-notification-1"
HEARING = "newborn-hearing-1"
BLOOD_SPOT = "blood-spot-test-outcome-1"
NIPE = "nipe-outcome-1"
OUTCOME_EVENTS = (HEARING, BLOOD_SPOT, NIPE)
SUPPORTED_EVENTS = (BIRTH, *OUTCOME_EVENTS)

# SNOMED CT codes of the birth notification's observations (PDS Birth Notification page).
BIRTH_WEIGHT = "364589006"
GESTATION = "412726003"
NUMBER_OF_BIRTHS = "382341000000101"
STILLBIRTH = "237364002"
# The hearing summary observation's code (Newborn Hearing page).
HEARING_SUMMARY = "276771000000107"

# Lxml would otherwise fetch DTDs and expand entities from a file somebody else wrote.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class Unreadable(Exception):
    """A message that cannot be applied as it is; `reason` is a births.models.QueueReason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Demographics:
    nhs_number: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""


@dataclass
class Message:
    message_id: str
    event: str
    event_type: str  # "new" or "delete"
    last_updated: datetime | None


@dataclass
class Birth(Message):
    baby: Demographics = field(default_factory=Demographics)
    mother: Demographics | None = None
    birth_weight_grams: int | None = None
    gestation_weeks: Decimal | None = None
    birth_order: int = 1
    stillborn: bool = False
    delivery_place: str = ""


@dataclass
class Outcome(Message):
    child: Demographics = field(default_factory=Demographics)
    source_key: str = ""
    done_on: date | None = None
    summary: str = ""
    results: list[dict[str, str]] = field(default_factory=list)
    needs_follow_up: bool = False


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _looks_like_xml(raw: bytes) -> bool:
    return raw.lstrip()[:1] == b"<"


def peek_message_id(raw: bytes) -> tuple[str, str]:
    """(message id, event code) read cheaply at receipt, before the message is parsed; a message
    whose id cannot be found is keyed by its digest, so even that is stored once."""
    try:
        if _looks_like_xml(raw):
            root = etree.fromstring(raw, parser=SAFE_XML)
            ns = {"f": "http://hl7.org/fhir"}
            header = root.find("f:entry/f:resource/f:MessageHeader", ns)
            ident = header.find("f:id", ns).get("value") if header is not None else ""
            code = header.find("f:event/f:code", ns) if header is not None else None
            return ident or "", code.get("value") if code is not None else ""
        data = json.loads(raw)
        header = data["entry"][0]["resource"]
        return str(header.get("id") or ""), str((header.get("event") or {}).get("code") or "")
    except Exception:  # anything unreadable is keyed by its bytes and read properly later
        return "", ""


def parse(raw: bytes) -> Birth | Outcome:
    """The event a message carries, or Unreadable with the reason."""
    bundle = _bundle(raw)
    resources = _resources(bundle)
    header = _header(bundle)
    event = _event_code(header)
    message = Message(
        message_id=str(header.id or ""),
        event=event,
        event_type=_event_type(header),
        last_updated=_last_updated(header),
    )
    if not message.message_id:
        raise Unreadable("incomplete", "The MessageHeader has no id (the message's reference)")
    focus = _resolve(resources, header.focus, "MessageHeader.focus")
    if event == BIRTH:
        return _birth(message, focus, resources)
    return _outcome(message, focus, resources, _routing(header))


# --- the envelope ----------------------------------------------------------------------------


def _bundle(raw: bytes) -> Bundle:
    try:
        if _looks_like_xml(raw):
            return Bundle.model_validate_xml(raw, xmlparser=SAFE_XML)
        data = json.loads(raw)
    except (ValueError, etree.XMLSyntaxError) as error:
        raise Unreadable("unreadable", f"Not FHIR JSON or XML: {str(error)[:200]}")
    except PydanticError as error:
        raise Unreadable("unreadable", _first_error(error))
    except KeyError as error:  # fhir.resources looks a resource's type up by name
        raise Unreadable("unreadable", f"Not valid FHIR STU3: unknown resource type {error}"[:500])
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise Unreadable("unreadable", f"Not a FHIR Bundle (found {kind or 'no resourceType'})")
    try:
        return Bundle.model_validate(data)
    except PydanticError as error:
        raise Unreadable("unreadable", _first_error(error))
    except KeyError as error:  # an entry whose resourceType names no STU3 resource
        raise Unreadable("unreadable", f"Not valid FHIR STU3: unknown resource type {error}"[:500])


def _first_error(error: PydanticError) -> str:
    errors = error.errors()
    if not errors:
        return f"Not valid FHIR STU3: {error}"[:500]
    where = ".".join(str(part) for part in errors[0]["loc"])
    return f"Not valid FHIR STU3: {where or 'Bundle'}: {errors[0]['msg']}"[:500]


def _resources(bundle: Bundle) -> dict[str, Any]:
    """Every entry's resource by its fullUrl and by Type/id, for resolving references."""
    found: dict[str, Any] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        if resource is None:
            continue
        if entry.fullUrl:
            found[str(entry.fullUrl)] = resource
        if getattr(resource, "id", None):
            found[f"{resource.get_resource_type()}/{resource.id}"] = resource
    return found


def _header(bundle: Bundle):
    if bundle.type != "message":
        raise Unreadable("unreadable", f"The Bundle's type is {bundle.type!r}, not 'message'")
    entries = bundle.entry or []
    first = entries[0].resource if entries else None
    if first is None or first.get_resource_type() != "MessageHeader":
        raise Unreadable("unreadable", "The Bundle's first entry is not a MessageHeader")
    return first


def _event_code(header) -> str:
    coding = header.event
    if coding is None or not coding.code:
        raise Unreadable("incomplete", "The MessageHeader has no event")
    if coding.system and coding.system != EVENT_SYSTEM:
        raise Unreadable("unsupported", f"Event {coding.code} is not coded in {EVENT_SYSTEM}")
    if coding.code not in SUPPORTED_EVENTS:
        raise Unreadable("unsupported", f"Event {coding.code!r} is not one this service reads")
    return str(coding.code)


def _event_type(header) -> str:
    for extension in header.extension or []:
        if extension.url == MESSAGE_EVENT_TYPE_URL and extension.valueCodeableConcept:
            for coding in extension.valueCodeableConcept.coding or []:
                if coding.code in ("new", "update", "delete"):
                    return "delete" if coding.code == "delete" else "new"
    raise Unreadable("incomplete", "The MessageHeader has no message event type (new or delete)")


ROUTING_URL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1"


def _routing(header) -> Demographics:
    """The Extension-RoutingDemographics-1: who the message is about, as NEMS routes it."""
    found = Demographics()
    for extension in header.extension or []:
        if extension.url != ROUTING_URL:
            continue
        for part in extension.extension or []:
            if part.url == "nhsNumber" and part.valueIdentifier is not None:
                number = str(part.valueIdentifier.value or "").replace(" ", "")
                try:
                    found.nhs_number = clean_nhs_number(number)
                except ValidationError:
                    raise Unreadable("incomplete", f"The routing NHS number {number} is not valid")
            elif part.url == "name" and part.valueHumanName is not None:
                found.family_name = str(part.valueHumanName.family or "")
                found.given_name = " ".join(str(g) for g in part.valueHumanName.given or [])
    return found


def _last_updated(header) -> datetime | None:
    meta = header.meta
    return meta.lastUpdated if meta is not None and meta.lastUpdated else None


def _resolve(resources: dict[str, Any], reference, where: str):
    if isinstance(reference, list):  # MessageHeader.focus is 0..* in base STU3
        reference = reference[0] if reference else None
    target = getattr(reference, "reference", None) if reference is not None else None
    if not target or str(target) not in resources:
        raise Unreadable("incomplete", f"{where} does not point at a resource in the Bundle")
    return resources[str(target)]


def _of_type(resources: dict[str, Any], kind: str) -> list:
    seen: dict[int, Any] = {}
    for resource in resources.values():
        if resource.get_resource_type() == kind:
            seen[id(resource)] = resource
    return list(seen.values())


# --- people ----------------------------------------------------------------------------------


def _nhs_number(patient) -> str:
    for identifier in patient.identifier or []:
        if identifier.system == NHS_NUMBER_SYSTEM and identifier.value:
            return str(identifier.value).replace(" ", "")
    return ""


def demographics(patient, *, who: str, nhs_required: bool = True) -> Demographics:
    number = _nhs_number(patient)
    if number:
        try:
            number = clean_nhs_number(number)
        except ValidationError:
            raise Unreadable("incomplete", f"The {who}'s NHS number {number} is not valid")
    elif nhs_required:
        raise Unreadable("incomplete", f"The {who} has no NHS number")
    names = [n for n in patient.name or [] if n.use in (None, "official")] or list(
        patient.name or []
    )
    name = names[0] if names else None
    address = (patient.address or [None])[0]
    line1, line2, town = _address_lines(address)
    return Demographics(
        nhs_number=number,
        given_name=" ".join(str(g) for g in (name.given or [])) if name else "",
        family_name=str(name.family or "") if name else "",
        date_of_birth=patient.birthDate,
        sex={"male": "M", "female": "F"}.get(str(patient.gender or ""), "U"),
        address_line1=line1,
        address_line2=line2,
        town=town,
        postcode=str(address.postalCode or "") if address else "",
    )


def _address_lines(address) -> tuple[str, str, str]:
    """PDS sends the lines in order and often the town as the last line, with no city."""
    if address is None:
        return "", "", ""
    lines = [str(line) for line in (address.line or []) if str(line).strip()]
    town = str(address.city or "")
    if not town and len(lines) >= 2:
        town = lines.pop()
    return (lines[0] if lines else ""), ", ".join(lines[1:]), town


# --- the birth notification ------------------------------------------------------------------


def _birth(message: Message, communication, resources: dict[str, Any]) -> Birth:
    if communication.get_resource_type() != "Communication":
        raise Unreadable("incomplete", "A birth notification's focus must be a Communication")
    mother_patient = _resolve(resources, communication.subject, "Communication.subject")
    related = [
        r
        for r in _of_type(resources, "RelatedPerson")
        if r.patient is not None and str(r.patient.reference or "") in resources
    ]
    if not related:
        raise Unreadable("incomplete", "No RelatedPerson links the mother to the baby")
    baby_patient = _resolve(resources, related[0].patient, "RelatedPerson.patient")
    baby = demographics(baby_patient, who="baby")
    if baby.date_of_birth is None:
        raise Unreadable("incomplete", "The baby has no date of birth")
    mother = demographics(mother_patient, who="mother", nhs_required=False)
    has_mother = bool(mother.nhs_number or (mother.family_name and mother.date_of_birth))
    birth = Birth(
        **vars(message),
        baby=baby,
        mother=mother if has_mother else None,
        birth_order=int(baby_patient.multipleBirthInteger or 1),
    )
    _birth_observations(birth, resources)
    birth.delivery_place = _delivery_place(resources)
    return birth


def _codes(concept) -> set[str]:
    return {str(c.code) for c in (concept.coding or []) if c.code} if concept else set()


def _birth_observations(birth: Birth, resources: dict[str, Any]) -> None:
    for observation in _of_type(resources, "Observation"):
        codes = _codes(observation.code)
        quantity = observation.valueQuantity
        if BIRTH_WEIGHT in codes and quantity is not None and quantity.value is not None:
            grams = Decimal(str(quantity.value))
            birth.birth_weight_grams = int(grams * 1000 if quantity.code == "kg" else grams)
        elif GESTATION in codes and quantity is not None and quantity.value is not None:
            birth.gestation_weeks = Decimal(str(quantity.value)).quantize(Decimal("0.1"))
        elif STILLBIRTH in codes:
            # EMS-PDS-StillBornIndicator-1: 1 is a live birth; the others are stillbirths.
            value = _codes(observation.valueCodeableConcept)
            birth.stillborn = bool(value) and "1" not in value


def _delivery_place(resources: dict[str, Any]) -> str:
    for episode in _of_type(resources, "EpisodeOfCare"):
        if "delivery-place" in _codes((episode.type or [None])[0]):
            organisation = resources.get(
                str(getattr(episode.managingOrganization, "reference", ""))
            )
            if organisation is not None:
                return str(organisation.name or "")[:200]
    return ""


# --- the newborn screening outcomes ----------------------------------------------------------


def _outcome(
    message: Message, encounter, resources: dict[str, Any], routing: Demographics
) -> Outcome:
    if encounter.get_resource_type() != "Encounter":
        raise Unreadable("incomplete", "A Digital Child Health event's focus must be an Encounter")
    identifier = (encounter.identifier or [None])[0]
    if identifier is None or not identifier.value:
        raise Unreadable("incomplete", "The Encounter has no identifier for this screening record")
    source_key = f"{message.event}|{identifier.system or ''}|{identifier.value}"[:300]
    patient = resources.get(str(getattr(encounter.subject, "reference", "") or ""))
    if patient is None:
        patients = _of_type(resources, "Patient")
        patient = patients[0] if patients else None
    if patient is not None:
        child = demographics(patient, who="child")
    elif message.event_type == "delete" and routing.nhs_number:
        # A delete may carry only the MessageHeader and the Encounter: the routing
        # demographics still name the child.
        child = routing
    else:
        raise Unreadable("incomplete", "The event has no Patient for the child")
    outcome = Outcome(**vars(message), child=child, source_key=source_key)
    start = encounter.period.start if encounter.period is not None else None
    outcome.done_on = start.date() if isinstance(start, datetime) else start
    if message.event_type == "new":
        _outcome_results(outcome, resources)
    return outcome


def _display(concept) -> tuple[str, str]:
    for coding in (concept.coding or []) if concept else []:
        return str(coding.code or ""), str(coding.display or coding.code or "")
    return "", str(getattr(concept, "text", "") or "")


def _outcome_results(outcome: Outcome, resources: dict[str, Any]) -> None:
    for procedure in _of_type(resources, "Procedure"):
        _, test = _display(procedure.code)
        code, shown = _display(procedure.outcome)
        if code or shown:
            outcome.results.append({"test": test, "code": code, "outcome": shown})
    for observation in _of_type(resources, "Observation"):
        if HEARING_SUMMARY in _codes(observation.code):
            outcome.summary = _display(observation.valueCodeableConcept)[1][:300]
    if not outcome.results and not outcome.summary:
        raise Unreadable("incomplete", "The event carries no screening result")
    flagged = sum(_reads_as_follow_up(r["outcome"]) for r in outcome.results)
    if not outcome.summary:
        outcome.summary = (
            f"{len(outcome.results)} results, {flagged} to look at"
            if flagged
            else f"{len(outcome.results)} results, none to look at"
        )
    outcome.needs_follow_up = bool(flagged) or _reads_as_follow_up(outcome.summary)


FOLLOW_UP_WORDS = ("suspected", "refer", "declined", "not screened", "unsuitable sample")


def _reads_as_follow_up(text: str) -> bool:
    """A prompt for the health visitor to look, read from the SNOMED CT display text (we do not
    hold the DCH value sets' code lists): suspected problems, referrals, declined or incomplete
    screens. "Not suspected" and "no follow-up required" are not prompts."""
    lowered = text.lower()
    if "not suspected" in lowered or "no follow-up" in lowered or "no abnormality" in lowered:
        return False
    return any(word in lowered for word in FOLLOW_UP_WORDS)
