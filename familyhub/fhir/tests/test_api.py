"""The FHIR API end to end: tokens, scopes, reads and searches through the access layer, the
access log's rows, the resources' validity and UK Core rules, paging and the query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familyhub.access.models import BreakGlass
from familyhub.audit.models import AccessLog
from familyhub.childhealth.models import Measurement
from familyhub.fhir import profiles as p
from familyhub.fhir import rules
from familyhub.fhir.models import AccessToken, ApiClient, token_digest
from familyhub.fhir.resources import KINDS

pytestmark = pytest.mark.django_db


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def issue(response) -> str:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]


# --- tokens ----------------------------------------------------------------------------------


def test_token_is_scoped_expires_and_is_kept_only_as_a_hash(client, world):
    named = world.clients["child health"]
    response = client.post(
        "/fhir/token",
        {
            "grant_type": "client_credentials",
            "client_id": named.client_id,
            "client_secret": world.secrets["child health"],
            "scope": "patient/Observation.read",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["scope"] == "patient/Observation.read"
    assert body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"
    stored = AccessToken.objects.get(client=named)
    assert stored.digest == token_digest(body["access_token"])
    assert body["access_token"] not in {stored.digest, stored.scopes}
    secret_hash = ApiClient.objects.get(pk=named.pk).secret_hash
    assert world.secrets["child health"] not in secret_hash
    assert secret_hash.count("$") >= 2  # Django's hasher (the test settings choose a fast one)


@pytest.mark.parametrize(
    "change, status, error",
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "fh-nobody"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"scope": "patient/AuditEvent.read"}, 400, "invalid_scope"),
        ({"scope": "patient/Nonsense.read"}, 400, "invalid_scope"),
    ],
)
def test_token_refusals(client, world, change, status, error):
    data = {
        "grant_type": "client_credentials",
        "client_id": world.clients["patients only"].client_id,
        "client_secret": world.secrets["patients only"],
        **change,
    }
    response = client.post("/fhir/token", data)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_basic_authentication_of_the_client(client, world):
    import base64

    named = world.clients["child health"]
    pair = f"{named.client_id}:{world.secrets['child health']}".encode()
    response = client.post(
        "/fhir/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(pair).decode(),
    )
    assert response.status_code == 200


def test_no_token_expired_token_and_revoked_token_are_refused(fhir_get, token_for, world):
    response = fhir_get("/fhir/Patient")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in issue(response)
    assert fhir_get("/fhir/Patient", "not-a-token").status_code == 401
    token = token_for("child health")
    assert fhir_get("/fhir/Patient", token).status_code == 200
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = fhir_get("/fhir/Patient", token)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired["WWW-Authenticate"]
    token = token_for("child health")
    AccessToken.objects.update(revoked_at=timezone.now())
    assert fhir_get("/fhir/Patient", token).status_code == 401


def test_a_switched_off_client_cannot_read(fhir_get, token_for, world):
    token = token_for("child health")
    ApiClient.objects.filter(pk=world.clients["child health"].pk).update(is_active=False)
    assert fhir_get("/fhir/Patient", token).status_code == 401


def test_wrong_scope_is_forbidden(fhir_get, token_for, world):
    token = token_for("patients only")
    assert fhir_get("/fhir/Patient", token).status_code == 200
    response = fhir_get("/fhir/Observation", token)
    assert response.status_code == 403
    assert "Observation" in issue(response)
    read = fhir_get(f"/fhir/Observation/{world.records['measurement'].public_id}-weight", token)
    assert read.status_code == 403


# --- what a service's token reads ------------------------------------------------------------


def test_a_school_nursing_token_cannot_read_early_helps_safeguarding_record(
    fhir_get, token_for, world
):
    token = token_for("school nursing")
    found = ids(fhir_get("/fhir/Encounter", token, patient=str(world.baby.public_id)).json())
    assert str(world.records["general_contact"].public_id) in found
    hidden = str(world.records["safeguarding_contact"].public_id)
    assert hidden not in found
    assert fhir_get(f"/fhir/Encounter/{hidden}", token).status_code == 404
    # The health visiting client is not early help either; neither sees the record.
    other = token_for("child health")
    assert fhir_get(f"/fhir/Encounter/{hidden}", other).status_code == 404


def test_break_glass_data_stays_closed_to_a_token(fhir_get, token_for, world, make_user):
    """A colleague's break-glass opens the stranger's record to the colleague alone; the
    client's service account has no break-glass and reads only what involvement gives it."""
    colleague = make_user("school_nurse", team=world.sn_team)
    BreakGlass.objects.create(
        user=colleague,
        person=world.stranger,
        ground="safeguarding",
        reason="Test",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    token = token_for("school nursing")
    stranger = str(world.stranger.public_id)
    assert fhir_get(f"/fhir/Patient/{stranger}", token).status_code == 404
    assert ids(fhir_get("/fhir/Patient", token, _id=stranger).json()) == []
    contact = str(world.records["stranger_contact"].public_id)
    assert fhir_get(f"/fhir/Encounter/{contact}", token).status_code == 404
    assert AccessLog.objects.filter(person_pk=world.stranger.pk, channel="api").count() == 0


def test_absent_and_not_allowed_answer_the_same(fhir_get, token_for, world):
    token = token_for("school nursing")
    absent = fhir_get("/fhir/Patient/6b2d2e4c-2d8f-4a5e-9d1c-000000000000", token)
    hidden = fhir_get(f"/fhir/Patient/{world.stranger.public_id}", token)
    assert absent.status_code == hidden.status_code == 404
    assert issue(absent).replace("6b2d2e4c-2d8f-4a5e-9d1c-000000000000", "X") == issue(
        hidden
    ).replace(str(world.stranger.public_id), "X")


def test_access_log_has_one_row_per_person_shown_under_the_service_account(
    fhir_get, token_for, world
):
    token = token_for("child health")
    before = AccessLog.objects.count()
    bundle = fhir_get("/fhir/Patient", token).json()
    assert {e["resource"]["id"] for e in bundle["entry"]} == {
        str(world.mother.public_id),
        str(world.baby.public_id),
    }
    rows = list(AccessLog.objects.filter(seq__gt=before).order_by("seq"))
    assert sorted(row.person_pk for row in rows) == sorted([world.mother.pk, world.baby.pk])
    assert {(row.channel, row.username, row.action) for row in rows} == {
        ("api", "svc-child-health", "search")
    }
    before = AccessLog.objects.count()
    fhir_get(f"/fhir/Observation/{world.records['measurement'].public_id}-weight", token)
    read = AccessLog.objects.get(seq__gt=before)
    assert (read.person_pk, read.action, read.channel) == (world.baby.pk, "read", "api")
    # A refused read writes nothing.
    before = AccessLog.objects.count()
    fhir_get(f"/fhir/Patient/{world.stranger.public_id}", token)
    assert AccessLog.objects.count() == before


def test_related_person_needs_both_people_visible(fhir_get, token_for, world):
    token = token_for("child health")
    bundle = fhir_get("/fhir/RelatedPerson", token, patient=f"Patient/{world.baby.public_id}")
    entry = bundle.json()["entry"][0]["resource"]
    assert entry["patient"]["reference"] == f"Patient/{world.baby.public_id}"
    assert entry["relationship"][0]["coding"][0]["code"] == "MTH"
    assert fhir_get(f"/fhir/RelatedPerson/{entry['id']}", token).status_code == 200
    # A relationship with someone the caller may not see is neither found nor read.
    from familyhub.people.models import Relationship

    hidden = Relationship.objects.create(person=world.stranger, relative=world.baby, kind="other")
    found = ids(fhir_get("/fhir/RelatedPerson", token, patient=str(world.baby.public_id)).json())
    assert str(hidden.pk) not in found and entry["id"] in found
    assert fhir_get(f"/fhir/RelatedPerson/{hidden.pk}", token).status_code == 404


def test_audit_events_are_for_the_information_governance_tool_only(fhir_get, token_for, world):
    fhir_get("/fhir/Patient", token_for("child health"))
    ig = token_for("ig tool")
    bundle = fhir_get("/fhir/AuditEvent", ig, patient=str(world.baby.public_id)).json()
    assert bundle["total"] >= 1
    event = bundle["entry"][0]["resource"]
    assert event["entity"][0]["what"]["reference"] == f"Patient/{world.baby.public_id}"
    assert event["source"]["type"][0]["code"] == "api"
    assert fhir_get(f"/fhir/AuditEvent/{event['id']}", ig).status_code == 200
    # Anyone else: an empty search and 404 (absent and not allowed alike).
    other = token_for("child health", scope="patient/*.read")
    assert fhir_get("/fhir/AuditEvent", other).json().get("entry") is None
    assert fhir_get(f"/fhir/AuditEvent/{event['id']}", other).status_code == 404


def test_a_signed_in_member_of_staff_may_browse(client, signed_in, world):
    signed_in(client, world.health_visitor)
    response = client.get(f"/fhir/Patient/{world.baby.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert client.get(f"/fhir/Patient/{world.stranger.public_id}").status_code == 404


# --- every resource validates, with its UK Core rules ----------------------------------------


def test_every_kind_of_resource_is_served_valid(fhir_get, token_for, world):
    token = token_for("child health")
    served = {}
    for name in KINDS:
        if name == "AuditEvent":
            continue
        response = fhir_get(f"/fhir/{name}", token)
        assert response.status_code == 200, (name, response.content)
        bundle = response.json()
        rules.check_schema(bundle)
        assert bundle["type"] == "searchset"
        assert bundle.get("entry"), f"no {name} in the world"
        for entry in bundle["entry"]:
            resource = entry["resource"]
            rules.check(resource)
            assert resource["meta"]["profile"][0].startswith(p.PROFILE_BASE)
            # Each one reads back by its id.
            read = fhir_get(f"/fhir/{name}/{resource['id']}", token)
            assert read.status_code == 200, (name, resource["id"])
            assert read.json() == resource
        served[name] = bundle["entry"]
    audit = fhir_get("/fhir/AuditEvent", token_for("ig tool")).json()
    for entry in audit["entry"]:
        rules.check(entry["resource"])
    observations = {e["resource"]["id"].rsplit("-", 1)[-1] for e in served["Observation"]}
    assert {"weight", "height", "head", "bmi", "total", "communication"} <= observations


def test_patient_carries_the_nhs_number_and_its_verification_status(fhir_get, token_for, world):
    token = token_for("child health")
    patient = fhir_get(f"/fhir/Patient/{world.baby.public_id}", token).json()
    assert patient["meta"]["profile"] == [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient|2.6.1"
    ]
    nhs = next(
        i for i in patient["identifier"] if i["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    )
    assert nhs["value"] == world.baby.nhs_number
    extension = nhs["extension"][0]
    assert extension["url"] == (
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
    )
    assert extension["valueCodeableConcept"]["coding"][0] == {
        "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
        "code": "08",
        "display": "Trace postponed (baby under six weeks old)",
    }
    assert patient["gender"] == "male"
    assert patient["birthDate"] == "2024-06-01"


def test_a_person_without_a_status_gets_no_status_extension(fhir_get, token_for, world):
    world.mother.nhs_number_status = ""
    world.mother.save()
    patient = fhir_get(f"/fhir/Patient/{world.mother.public_id}", token_for("child health")).json()
    nhs = patient["identifier"][0]
    assert nhs["system"] == p.NHS_NUMBER_SYSTEM and "extension" not in nhs


def test_vital_signs_carry_the_fixed_loinc_snomed_and_ucum_codes(fhir_get, token_for, world):
    token = token_for("child health")
    measurement = world.records["measurement"]
    weight = fhir_get(f"/fhir/Observation/{measurement.public_id}-weight", token).json()
    assert weight["meta"]["profile"][0].startswith(
        p.PROFILE_BASE + "UKCore-Observation-VitalSigns-BodyWeight|"
    )
    assert weight["category"][0]["coding"][0]["code"] == "vital-signs"
    assert {(c["system"], c["code"]) for c in weight["code"]["coding"]} == {
        (p.LOINC, "29463-7"),
        (p.SNOMED, "27113001"),
    }
    assert weight["valueQuantity"] == {
        "value": 12.15,
        "unit": "kilogram",
        "system": p.UCUM,
        "code": "kg",
    }
    centile = next(c for c in weight["component"] if "centile" in c["code"]["text"])
    assert centile["valueQuantity"]["value"] == 65.5  # SDS 0.4
    bmi = fhir_get(f"/fhir/Observation/{measurement.public_id}-bmi", token).json()
    bmi_centile = bmi["component"][0]
    assert bmi_centile["code"]["coding"][0]["code"] == "446974000"
    assert bmi_centile["valueQuantity"]["value"] == 61.8


def test_encounter_has_the_hcp_fields(fhir_get, token_for, world):
    token = token_for("child health")
    encounter = fhir_get(f"/fhir/Encounter/{world.records['review'].public_id}", token).json()
    assert encounter["class"]["code"] == "HH"
    assert encounter["type"][1]["text"] == "Face to face"
    assert encounter["location"][0]["physicalType"]["coding"][0] == {
        "system": p.ENCOUNTER_LOCATION_TYPE,
        "code": "A01",
        "display": "Patient's Home",
    }
    assert encounter["participant"][0]["type"][1]["text"] == "Health visitor"
    assert encounter["participant"][0]["individual"]["reference"] == (
        f"Practitioner/{world.health_visitor.public_id}"
    )


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda r: r["identifier"][0].update(value="9434765918"), "modulus 11"),
        (
            lambda r: r["identifier"][0]["extension"][0]["valueCodeableConcept"]["coding"][
                0
            ].update(code="09"),
            "not 01-08",
        ),
        (
            lambda r: r["identifier"][0]["extension"][0].update(url="https://example.org/x"),
            "unknown identifier extension",
        ),
        (lambda r: r["meta"].update(profile=["http://example.org/Patient"]), "meta.profile"),
    ],
)
def test_the_patient_rules_catch_a_planted_error(world, change, problem):
    from familyhub.fhir import build

    resource = build.patient(world.baby)
    rules.check(resource)
    change(resource)
    with pytest.raises(rules.ResourceInvalid, match=problem):
        rules.check(resource)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda r: r["code"]["coding"].pop(1), "SNOMED CT"),
        (lambda r: r["code"]["coding"][0].update(code="3141-9"), "LOINC"),
        (lambda r: r["valueQuantity"].update(code="g"), "UCUM kg"),
        (lambda r: r["category"][0]["coding"][0].update(code="exam"), "vital-signs"),
        (lambda r: r.update(status="preliminary"), "final"),
    ],
)
def test_the_vital_signs_rules_catch_a_planted_error(world, change, problem):
    from familyhub.fhir import build

    resource = build.measurement_observations(world.records["measurement"])[0]
    rules.check(resource)
    change(resource)
    with pytest.raises(rules.ResourceInvalid, match=problem):
        rules.check(resource)


def test_the_base_schema_catches_a_wrong_type(world):
    from familyhub.fhir import build

    resource = build.patient(world.baby)
    resource["birthDate"] = "the first of June"
    with pytest.raises(rules.ResourceInvalid):
        rules.check(resource)


# --- search and paging -----------------------------------------------------------------------


def _many_measurements(world, count: int) -> None:
    today = timezone.localdate()
    Measurement.objects.bulk_create(
        Measurement(
            person=world.baby,
            owning_service=world.health_visiting,
            measured_on=today - datetime.timedelta(days=10 + i),
            weight_kg=8 + i / 10,
        )
        for i in range(count)
    )


def test_paging_follows_next_links_to_the_end(client, fhir_get, token_for, world):
    _many_measurements(world, 23)
    token = token_for("child health")
    url = f"/fhir/Observation?patient={world.baby.public_id}&code=29463-7&_count=10"
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        bundle = response.json()
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert "self" in links
        seen += ids(bundle)
        url = links.get("next", "")
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 24  # 23 weights and the world's one
    dates = [Measurement.objects.get(public_id=i.removesuffix("-weight")).measured_on for i in seen]
    assert dates == sorted(dates, reverse=True)


def test_merged_sources_page_without_gaps(fhir_get, token_for, world):
    """Encounter comes from contacts and reviews: two pages of one add up to the whole."""
    token = token_for("child health")
    whole = ids(fhir_get("/fhir/Encounter", token).json())
    first = fhir_get("/fhir/Encounter", token, _count=1).json()
    second = fhir_get("/fhir/Encounter", token, _count=1, _offset=1).json()
    assert ids(first) + ids(second) == whole[:2]
    assert first["total"] == len(whole)


def test_search_by_identifier_date_and_last_updated(fhir_get, token_for, world):
    token = token_for("child health")
    by_nhs = fhir_get(
        "/fhir/Patient", token, identifier=f"{p.NHS_NUMBER_SYSTEM}|{world.mother.nhs_number}"
    ).json()
    assert ids(by_nhs) == [str(world.mother.public_id)]
    assert ids(fhir_get("/fhir/Patient", token, birthdate="2024").json()) == [
        str(world.baby.public_id)
    ]
    assert ids(fhir_get("/fhir/Patient", token, birthdate="lt2000-01-01").json()) == [
        str(world.mother.public_id)
    ]
    today = timezone.localdate()
    recent = fhir_get("/fhir/Encounter", token, date=f"ge{today - datetime.timedelta(days=3)}")
    assert ids(recent.json()) == [str(world.records["review"].public_id)]
    future = fhir_get(
        "/fhir/Patient", token, _lastUpdated=f"gt{today + datetime.timedelta(days=1)}"
    )
    assert ids(future.json()) == []
    assert len(ids(fhir_get("/fhir/Patient", token, _lastUpdated=f"ge{today.year}").json())) == 2
    record = world.records["referral"]
    found = fhir_get(
        "/fhir/ServiceRequest", token, identifier=f"{p.RECORD_ID_SYSTEM}|{record.public_id}"
    )
    assert ids(found.json()) == [str(record.public_id)]


@pytest.mark.parametrize(
    "params, named",
    [
        ({"_count": "many"}, "_count"),
        ({"_count": "1000"}, "_count"),
        ({"birthdate": "yesterday"}, "birthdate"),
        ({"birthdate": "ap2020"}, "birthdate"),
        ({"_lastUpdated": "2026-01-01T10:00:00"}, "_lastUpdated"),
        ({"_id": "not-an-id"}, "_id"),
        ({"family_name": "Quenby"}, "family_name"),
    ],
)
def test_a_bad_parameter_is_named(fhir_get, token_for, world, params, named):
    response = fhir_get("/fhir/Patient", token_for("child health"), **params)
    assert response.status_code == 400
    assert named in issue(response)


def _many_children(world, count: int) -> None:
    """Children the health visiting team works with, each with a record of most kinds."""
    from familyhub.access.models import Consent
    from familyhub.childhealth.models import HealthVisitorAllocation
    from familyhub.contacts.models import Contact
    from familyhub.people.models import Relationship
    from familyhub.testing import factories

    today = timezone.localdate()
    for i in range(count):
        child = factories.PersonFactory(authority=world.authority, family_name=f"Child{i}")
        factories.RegistrationFactory(person=child, team=world.hv_team)
        Relationship.objects.create(person=world.mother, relative=child, kind="mother")
        Contact.objects.create(
            person=child,
            owning_service=world.health_visiting,
            team=world.hv_team,
            contact_on=today - datetime.timedelta(days=i),
            kind="centre",
            discussed="Weaning",
        )
        HealthVisitorAllocation.objects.create(
            person=child,
            owning_service=world.health_visiting,
            practitioner=world.health_visitor,
            team=world.hv_team,
        )
        Consent.objects.create(person=child, given=True, method="written")
        Measurement.objects.create(
            person=child,
            owning_service=world.health_visiting,
            measured_on=today - datetime.timedelta(days=i),
            weight_kg=9,
            height_cm=75,
        )


def test_queries_do_not_grow_with_the_page_size(client, token_for, world):
    _many_children(world, 55)
    tokens = {"child health": token_for("child health"), "ig tool": token_for("ig tool")}
    counts = {}
    for size in (10, 50):
        for name in KINDS:
            token = tokens["ig tool" if name == "AuditEvent" else "child health"]
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    f"/fhir/{name}?_count={size}", HTTP_AUTHORIZATION=f"Bearer {token}"
                )
            assert response.status_code == 200
            counts[(name, size)] = (len(queries), len(response.json().get("entry", [])))
    print("queries (and entries) per search:", counts)
    for name in KINDS:
        assert counts[(name, 10)][0] == counts[(name, 50)][0], (name, counts)
    # The pages really differ in size where there is enough to show.
    for name in (
        "Patient",
        "RelatedPerson",
        "EpisodeOfCare",
        "Encounter",
        "Observation",
        "Consent",
        "AuditEvent",
    ):
        assert counts[(name, 10)][1] == 10 and counts[(name, 50)][1] == 50, (name, counts)


# --- the CapabilityStatement -----------------------------------------------------------------


def test_metadata_is_open_and_valid(client, world):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    statement = response.json()
    rules.check_schema(statement)
    assert statement["fhirVersion"] == "4.0.1"
    listed = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(listed) == set(KINDS)
    assert listed["Patient"]["profile"].endswith("UKCore-Patient|2.6.1")
    assert {"identifier", "birthdate", "_lastUpdated"} <= {
        s["name"] for s in listed["Patient"]["searchParam"]
    }
    text = response.content.decode()
    assert "Quenby" not in text and world.baby.nhs_number not in text


def test_only_reads(client, token_for, world):
    token = token_for("child health")
    response = client.post("/fhir/Patient", {}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405
