"""Test messages: valid NEMS event messages (FHIR STU3 JSON, shaped as the specification's
examples in `nems.SPECIFICATION`) and broken ones, for the tests, the demo and the benchmark.

Every valid message parses with fhir.resources' STU3 models and passes `nems.parse`; every
broken kind fails in the way its name says (see BROKEN_KINDS and the reason each is queued
with in `EXPECTED_REASON`).
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from familyhub.births import nems

GIVEN_GIRLS = ["Amelia", "Isla", "Ava", "Freya", "Lily", "Grace", "Sophia", "Ivy", "Zara", "Maya"]
GIVEN_BOYS = ["Noah", "Oliver", "Arthur", "Leo", "George", "Theo", "Luca", "Harry", "Jude", "Ali"]

BROKEN_KINDS = (
    "not_json",
    "not_bundle",
    "wrong_event",
    "missing_nhs_number",
    "unknown_mother",
    "conflicting_duplicate",
)
EXPECTED_REASON = {
    "not_json": "unreadable",
    "not_bundle": "unreadable",
    "wrong_event": "unsupported",
    "missing_nhs_number": "incomplete",
    "unknown_mother": "unknown_mother",
    "conflicting_duplicate": "conflict",
}


@dataclass
class Mother:
    """Who a generated birth's mother is: in tests and the bench, someone on the register."""

    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str = ""
    address_line1: str = ""
    town: str = ""
    postcode: str = ""


def nhs_number(rng: random.Random) -> str:
    """A random NHS number that passes the Modulus 11 check (from the 9xx test range)."""
    while True:
        digits = [9] + [rng.randrange(10) for _ in range(8)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _ref(key: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{key}"}


def _entry(key: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{key}", "resource": {**resource, "id": key}}


def _nhs_identifier(number: str) -> list[dict[str, Any]]:
    return [{"system": nems.NHS_NUMBER_SYSTEM, "value": number}] if number else []


def _header(
    *, event: str, display: str, focus: str, organisation: str, routing: dict, kind: str, when
) -> dict[str, Any]:
    return {
        "resourceType": "MessageHeader",
        "meta": {
            "lastUpdated": when.isoformat(),
            "profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/Event-MessageHeader-1"],
        },
        "extension": [
            {
                "url": nems.ROUTING_URL,
                "extension": [
                    {
                        "url": "nhsNumber",
                        "valueIdentifier": {
                            "system": nems.NHS_NUMBER_SYSTEM,
                            "value": routing["nhs_number"],
                        },
                    },
                    {
                        "url": "name",
                        "valueHumanName": {
                            "use": "official",
                            "family": routing["family_name"],
                            "given": [routing["given_name"]],
                        },
                    },
                    {"url": "birthDateTime", "valueDateTime": routing["date_of_birth"].isoformat()},
                ],
            },
            {
                "url": nems.MESSAGE_EVENT_TYPE_URL,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1",
                            "code": kind,
                        }
                    ]
                },
            },
        ],
        "event": {"system": nems.EVENT_SYSTEM, "code": event, "display": display},
        "timestamp": when.isoformat(),
        "source": {
            "contact": {"system": "email", "value": "ssd.nationalservicedesk@nhs.net"},
            "endpoint": "urn:nhs:addressing:asid:477121000323",
        },
        "responsible": _ref(organisation),
        "focus": [_ref(focus)],
    }


def _organisation(ods: str, name: str = "") -> dict[str, Any]:
    organisation: dict[str, Any] = {
        "resourceType": "Organization",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": ods}],
    }
    if name:
        organisation["name"] = name
    return organisation


def _observation(subject: str, snomed: str, display: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {
            "coding": [{"system": "http://snomed.info/sct", "code": snomed, "display": display}]
        },
        "subject": _ref(subject),
        **value,
    }


def birth_message(
    *,
    mother: Mother | None,
    baby_nhs_number: str,
    baby_given: str,
    baby_family: str,
    born: date,
    sex: str = "female",
    weight_grams: int = 3400,
    gestation_weeks: float = 39.0,
    message_id: str | None = None,
    birth_order: int = 1,
    stillborn: bool = False,
) -> bytes:
    """A PDS Birth Notification (pds-birth-notification-1) as NEMS sends it, in JSON."""
    keys = {
        name: str(uuid.uuid4())
        for name in ["header", "communication", "mother", "related", "baby", "org"]
    }
    when = datetime.combine(born, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    routing = (
        {
            "nhs_number": mother.nhs_number,
            "family_name": mother.family_name,
            "given_name": mother.given_name,
            "date_of_birth": mother.date_of_birth,
        }
        if mother and mother.nhs_number
        else None
    )
    header = _header(
        event=nems.BIRTH,
        display="PDS Birth Notification",
        focus=keys["communication"],
        organisation=keys["org"],
        routing=routing
        or {"nhs_number": "", "family_name": "", "given_name": "", "date_of_birth": born},
        kind="new",
        when=when,
    )
    if routing is None:
        header["extension"] = header["extension"][1:]
    mother_resource: dict[str, Any] = {
        "resourceType": "Patient",
        "link": [{"other": _ref(keys["related"]), "type": "seealso"}],
    }
    if mother is not None:
        mother_resource |= {
            "identifier": _nhs_identifier(mother.nhs_number),
            "name": [
                {"use": "official", "family": mother.family_name, "given": [mother.given_name]}
            ],
            "birthDate": mother.date_of_birth.isoformat(),
        }
    lines = [mother.address_line1, mother.town] if mother else ["1 High Street"]
    address: dict[str, Any] = {"line": [line for line in lines if line] or ["Address not known"]}
    if mother and mother.postcode:
        address["postalCode"] = mother.postcode
    entries = [
        _entry(keys["header"], header),
        _entry(
            keys["communication"],
            {
                "resourceType": "Communication",
                "status": "completed",
                "subject": _ref(keys["mother"]),
                "sender": _ref(keys["org"]),
            },
        ),
        _entry(keys["mother"], mother_resource),
        _entry(
            keys["related"],
            {
                "resourceType": "RelatedPerson",
                "patient": _ref(keys["baby"]),
                "relationship": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/v3/RoleCode",
                            "code": "NMTH",
                            "display": "natural mother",
                        }
                    ]
                },
            },
        ),
        _entry(
            keys["baby"],
            {
                "resourceType": "Patient",
                "identifier": _nhs_identifier(baby_nhs_number),
                "name": [{"use": "official", "family": baby_family, "given": [baby_given]}],
                "gender": sex,
                "birthDate": born.isoformat(),
                "_birthDate": {
                    "extension": [{"url": nems.BIRTH_TIME_URL, "valueDateTime": when.isoformat()}]
                },
                "address": [address],
                "multipleBirthInteger": birth_order,
            },
        ),
        _entry(keys["org"], _organisation("RR8", "Registering authority")),
        _entry(
            str(uuid.uuid4()),
            _observation(
                keys["baby"],
                nems.BIRTH_WEIGHT,
                "Birth weight",
                valueQuantity={
                    "value": weight_grams,
                    "unit": "gram",
                    "system": "http://unitsofmeasure.org",
                    "code": "g",
                },
            ),
        ),
        _entry(
            str(uuid.uuid4()),
            _observation(
                keys["baby"],
                nems.GESTATION,
                "Length of gestation at birth",
                valueQuantity={
                    "value": gestation_weeks,
                    "unit": "week",
                    "system": "http://unitsofmeasure.org",
                    "code": "wk",
                },
            ),
        ),
        _entry(
            str(uuid.uuid4()),
            _observation(
                keys["baby"],
                nems.STILLBIRTH,
                "Stillbirth",
                valueCodeableConcept={
                    "coding": [
                        {
                            "system": "https://fhir.nhs.uk/STU3/CodeSystem/EMS-PDS-StillBornIndicator-1",
                            "code": "2" if stillborn else "1",
                        }
                    ]
                },
            ),
        ),
    ]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "message",
        "entry": entries,
    }
    if message_id:
        entries[0]["resource"]["id"] = message_id
        entries[0]["fullUrl"] = f"urn:uuid:{message_id}"
    return json.dumps(bundle).encode("utf-8")


# The tests and outcomes of each newborn screening event (SNOMED CT, from the NEMS pages).
OUTCOME_TESTS: dict[str, list[tuple[str, str, str, str]]] = {
    nems.HEARING: [
        (
            "413083006",
            "Automated auditory brainstem response test",
            "1085451000000103",
            "Automated auditory brainstem response test right ear clear response",
        ),
        (
            "446077009",
            "Automated otoacoustic emission test",
            "1085491000000106",
            "Automated oto-acoustic emission test left ear clear response",
        ),
    ],
    nems.BLOOD_SPOT: [
        ("314081000", "Phenylketonuria screening test", "", "Phenylketonuria not suspected"),
        (
            "314090007",
            "Sickle cell disease screening test",
            "",
            "Sickle cell disease not suspected",
        ),
        ("171191008", "Cystic fibrosis screening", "", "Cystic fibrosis not suspected"),
    ],
    nems.NIPE: [
        (
            "985531000000102",
            "Newborn and Infant Physical Examination Screening Programme, hip examination",
            "989071000000108",
            "Hip examination done, no abnormality and no risk factor",
        ),
        (
            "988351000000107",
            "Newborn and Infant Physical Examination Screening Programme, heart examination",
            "988511000000100",
            "Heart examination done, no abnormality and no risk factor",
        ),
        (
            "988361000000105",
            "Newborn and Infant Physical Examination Screening Programme, eye examination",
            "989071000000108",
            "Eye examination done, no abnormality and no risk factor",
        ),
    ],
}
EVENT_DISPLAY = {
    nems.HEARING: "Newborn Hearing",
    nems.BLOOD_SPOT: "Blood Spot Test Outcome",
    nems.NIPE: "NIPE Outcome",
}


def outcome_message(
    event: str,
    *,
    child_nhs_number: str,
    child_given: str,
    child_family: str,
    born: date,
    record_id: str,
    done_on: date,
    updated: datetime | None = None,
    kind: str = "new",
    follow_up: bool = False,
    message_id: str | None = None,
) -> bytes:
    """A newborn hearing, blood spot or NIPE outcome event for a child, in JSON."""
    keys = {name: str(uuid.uuid4()) for name in ["header", "org", "child", "encounter"]}
    if message_id:
        keys["header"] = message_id
    updated = updated or datetime.combine(done_on, datetime.min.time(), tzinfo=UTC)
    routing = {
        "nhs_number": child_nhs_number,
        "family_name": child_family,
        "given_name": child_given,
        "date_of_birth": born,
    }
    entries = [
        _entry(
            keys["header"],
            _header(
                event=event,
                display=EVENT_DISPLAY[event],
                focus=keys["encounter"],
                organisation=keys["org"],
                routing=routing,
                kind=kind,
                when=updated,
            ),
        ),
        _entry(
            keys["encounter"],
            {
                "resourceType": "Encounter",
                "identifier": [
                    {"system": "https://example-screening.nhs.uk/records", "value": record_id}
                ],
                "status": "finished",
                "subject": _ref(keys["child"]),
                "period": {"start": done_on.isoformat()},
                "serviceProvider": _ref(keys["org"]),
            },
        ),
    ]
    if kind == "new":
        entries += _outcome_entries(event, keys, follow_up=follow_up)
        entries += [
            _entry(keys["org"], _organisation("RX3", "Screening service")),
            _entry(
                keys["child"],
                {
                    "resourceType": "Patient",
                    "identifier": _nhs_identifier(child_nhs_number),
                    "name": [{"use": "official", "family": child_family, "given": [child_given]}],
                    "birthDate": born.isoformat(),
                },
            ),
        ]
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "message",
        "entry": entries,
    }
    return json.dumps(bundle).encode("utf-8")


def _outcome_entries(event: str, keys: dict[str, str], *, follow_up: bool) -> list[dict[str, Any]]:
    entries = []
    for index, (code, test, outcome_code, outcome) in enumerate(OUTCOME_TESTS[event]):
        if follow_up and index == 0:
            outcome = f"{test}: abnormality suspected, referral made"
        entries.append(
            _entry(
                str(uuid.uuid4()),
                {
                    "resourceType": "Procedure",
                    "status": "completed",
                    "code": {
                        "coding": [
                            {"system": "http://snomed.info/sct", "code": code, "display": test}
                        ]
                    },
                    "subject": _ref(keys["child"]),
                    "context": _ref(keys["encounter"]),
                    "outcome": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": outcome_code or code,
                                "display": outcome,
                            }
                        ]
                    },
                },
            )
        )
    if event == nems.HEARING:
        summary = (
            "Newborn hearing screening programme completed, referred for audiological assessment"
            if follow_up
            else "Newborn hearing screening programme completed, clear response no follow-up required"
        )
        entries.append(
            _entry(
                str(uuid.uuid4()),
                _observation(
                    keys["child"],
                    nems.HEARING_SUMMARY,
                    "Newborn hearing screening programme outcome",
                    valueCodeableConcept={
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "276781000000109",
                                "display": summary,
                            }
                        ]
                    },
                ),
            )
        )
    return entries


# --- broken messages -------------------------------------------------------------------------


def broken_message(kind: str, *, rng: random.Random, valid: bytes | None = None) -> bytes:
    """A message broken in the way `kind` says (see BROKEN_KINDS). `valid` is a birth message
    already sent, which conflicting_duplicate contradicts."""
    born = date.today() - timedelta(days=rng.randrange(1, 20))
    stranger = Mother(
        given_name="Nobody",
        family_name=f"Unknown{rng.randrange(10**6)}",
        date_of_birth=date(1990, 1, 1) + timedelta(days=rng.randrange(3000)),
        nhs_number=nhs_number(rng),
        postcode="ZZ99 3CZ",
    )
    if kind == "not_json":
        return b"MESH delivery report: this is not a FHIR message {"
    if kind == "not_bundle":
        return json.dumps({"resourceType": "Patient", "id": str(uuid.uuid4())}).encode()
    if kind == "wrong_event":
        data = json.loads(_birth_for(stranger, rng, born))
        data["entry"][0]["resource"]["event"]["code"] = "pds-change-of-address-1"
        return json.dumps(data).encode()
    if kind == "missing_nhs_number":
        return birth_message(
            mother=stranger,
            baby_nhs_number="",
            baby_given="Baby",
            baby_family="Nonumber",
            born=born,
        )
    if kind == "unknown_mother":
        return _birth_for(stranger, rng, born)
    if kind == "conflicting_duplicate":
        if valid is None:
            raise ValueError("conflicting_duplicate needs the valid message it contradicts")
        data = json.loads(valid)
        data["entry"][0]["resource"]["id"] = str(uuid.uuid4())
        for entry in data["entry"]:
            resource = entry["resource"]
            if resource["resourceType"] == "Patient" and "gender" in resource:
                resource["birthDate"] = (
                    date.fromisoformat(resource["birthDate"]) - timedelta(days=30)
                ).isoformat()
        return json.dumps(data).encode()
    raise ValueError(f"Unknown kind of broken message: {kind}")


def _birth_for(mother: Mother, rng: random.Random, born: date) -> bytes:
    girl = rng.random() < 0.5
    return birth_message(
        mother=mother,
        baby_nhs_number=nhs_number(rng),
        baby_given=rng.choice(GIVEN_GIRLS if girl else GIVEN_BOYS),
        baby_family=mother.family_name,
        born=born,
        sex="female" if girl else "male",
        weight_grams=rng.randrange(2500, 4500),
        gestation_weeks=float(rng.randrange(36, 42)),
    )


def birth_for(mother: Mother, rng: random.Random, born: date | None = None) -> tuple[bytes, str]:
    """A valid birth to a mother on the register; (message, the baby's NHS number)."""
    born = born or date.today() - timedelta(days=rng.randrange(0, 10))
    girl = rng.random() < 0.5
    number = nhs_number(rng)
    message = birth_message(
        mother=mother,
        baby_nhs_number=number,
        baby_given=rng.choice(GIVEN_GIRLS if girl else GIVEN_BOYS),
        baby_family=mother.family_name,
        born=born,
        sex="female" if girl else "male",
        weight_grams=rng.randrange(2500, 4500),
        gestation_weeks=float(rng.randrange(36, 42)),
    )
    return message, number
