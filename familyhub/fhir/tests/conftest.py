"""A small council for the FHIR API's tests: health visiting, school nursing and early help;
a family (a mother and her baby, with their relationship and household) that health visiting
and school nursing are involved with; a second child no one here works with; records of every
kind; and API clients, each tied to a service account."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from familyhub.access.models import Basis, Consent, SharingAgreement
from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode
from familyhub.childhealth.models import HealthVisitorAllocation, Measurement, Review, ReviewDue
from familyhub.contacts.models import Contact
from familyhub.fhir.models import ApiClient
from familyhub.people.identifiers import nhs_check_digit
from familyhub.people.models import Relationship
from familyhub.referrals.models import Referral
from familyhub.services.models import ServiceKind
from familyhub.testing import factories


def nhs(first_nine: str) -> str:
    return first_nine + str(nhs_check_digit(first_nine))


@dataclass
class World:
    authority: object
    health_visiting: object
    school_nursing: object
    early_help: object
    hv_team: object
    sn_team: object
    eh_team: object
    health_visitor: object
    mother: object
    baby: object
    stranger: object
    records: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)


def _client(world: World, name: str, account, scopes: str = "patient/*.read") -> ApiClient:
    client = ApiClient(name=name, service_account=account, scopes=scopes)
    world.secrets[name] = client.set_new_secret()
    client.save()
    world.clients[name] = client
    return client


def review_for(world: World, person, *, done_on, **scores) -> Review:
    due = ReviewDue.objects.create(
        person=person,
        owning_service=world.health_visiting,
        authority=world.authority,
        kind="two_year",
        window_start=done_on - datetime.timedelta(days=30),
        window_end=done_on + datetime.timedelta(days=30),
        late_until=done_on + datetime.timedelta(days=60),
    )
    return Review.objects.create(
        person=person,
        owning_service=world.health_visiting,
        due=due,
        kind="two_year",
        done_on=done_on,
        place=scores.pop("place", "home"),
        outcome="completed",
        done_by=world.health_visitor,
        recorded_by=world.health_visitor,
        **scores,
    )


@pytest.fixture
def world(db) -> World:
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority)

    def service(kind, name):
        made = factories.ServiceFactory(authority=authority, kind=kind, name=name)
        return made, factories.TeamFactory(service=made, locality=locality, name=f"{name} team")

    health_visiting, hv_team = service(ServiceKind.HEALTH_VISITING, "Health visiting")
    school_nursing, sn_team = service(ServiceKind.SCHOOL_NURSING, "School nursing")
    early_help, eh_team = service(ServiceKind.EARLY_HELP, "Early help")
    health_visitor = factories.UserFactory(role=Role.HEALTH_VISITOR, username="hv-human")
    factories.TeamMembershipFactory(user=health_visitor, team=hv_team)

    household = factories.HouseholdFactory(authority=authority)
    mother = factories.PersonFactory(
        authority=authority,
        given_name="Marigold",
        family_name="Quenby",
        nhs_number=nhs("943476591"),
        nhs_number_status="01",
        date_of_birth=datetime.date(1994, 3, 2),
    )
    baby = factories.PersonFactory(
        authority=authority,
        given_name="Wren",
        family_name="Quenby",
        nhs_number=nhs("943476592"),
        nhs_number_status="08",
        date_of_birth=datetime.date(2024, 6, 1),
        sex="M",
    )
    stranger = factories.PersonFactory(
        authority=authority,
        given_name="Isolde",
        family_name="Farthing",
        nhs_number=nhs("943476593"),
        nhs_number_status="02",
    )
    for person in (mother, baby):
        factories.HouseholdMembershipFactory(household=household, person=person)
        for team in (hv_team, sn_team):
            factories.RegistrationFactory(person=person, team=team)
    Relationship.objects.create(
        person=mother, relative=baby, kind="mother", parental_responsibility=True
    )
    # Early help shares its general records with school nursing, never its safeguarding ones.
    SharingAgreement.objects.create(
        name="Early help to school nursing",
        owner_service=early_help,
        recipient_service=school_nursing,
        categories=["general"],
        basis=Basis.PUBLIC_TASK,
    )
    world = World(
        authority,
        health_visiting,
        school_nursing,
        early_help,
        hv_team,
        sn_team,
        eh_team,
        health_visitor,
        mother,
        baby,
        stranger,
    )
    today = timezone.localdate()
    world.records["measurement"] = Measurement.objects.create(
        person=baby,
        owning_service=health_visiting,
        recorded_by=health_visitor,
        measured_on=today - datetime.timedelta(days=3),
        weight_kg=Decimal("12.150"),
        height_cm=Decimal("86.5"),
        height_position="standing",
        head_circumference_cm=Decimal("48.1"),
        weight_sds=0.4,
        height_sds=-0.2,
        head_circumference_sds=0.1,
        bmi=16.2,
        reference="UK-WHO",
        z_score=0.3,
        centile=61.8,
    )
    world.records["review"] = review_for(
        world,
        baby,
        done_on=today - datetime.timedelta(days=3),
        whooley_low_mood=False,
        whooley_little_interest=False,
        epds_total=7,
        asq_used=True,
        asq_communication=50,
        asq_gross_motor=55,
        asq_fine_motor=45,
        asq_problem_solving=40,
        asq_personal_social=50,
    )
    world.records["general_contact"] = Contact.objects.create(
        person=baby,
        owning_service=early_help,
        team=eh_team,
        recorded_by=health_visitor,
        contact_on=today - datetime.timedelta(days=5),
        kind="home_visit",
        discussed="Sleep",
    )
    world.records["safeguarding_contact"] = Contact.objects.create(
        person=baby,
        owning_service=early_help,
        team=eh_team,
        category="safeguarding",
        contact_on=today - datetime.timedelta(days=4),
        kind="phone",
        discussed="Worries about bruising",
    )
    world.records["stranger_contact"] = Contact.objects.create(
        person=stranger,
        owning_service=school_nursing,
        team=sn_team,
        contact_on=today - datetime.timedelta(days=2),
        kind="school",
        discussed="Drop-in",
    )
    world.records["episode"] = Episode.objects.create(
        person=baby,
        owning_service=early_help,
        authority=authority,
        household=household,
        team=eh_team,
        lead_professional=health_visitor,
        status="open",
    )
    world.records["referral"] = Referral.objects.create(
        person=baby,
        owning_service=health_visiting,
        authority=authority,
        referrer_kind="gp",
        referrer_name="Dr Amos",
        concerns="Feeding",
        consent="agrees",
        decision_due_at=timezone.now() + datetime.timedelta(days=2),
        needs=["health"],
    )
    world.records["allocation"] = HealthVisitorAllocation.objects.create(
        person=baby, owning_service=health_visiting, practitioner=health_visitor, team=hv_team
    )
    consent = Consent.objects.create(person=mother, given=True, method="verbal")
    consent.services.add(early_help)
    world.records["consent"] = consent

    hv_account = factories.UserFactory(role=Role.HEALTH_VISITOR, username="svc-child-health")
    factories.TeamMembershipFactory(user=hv_account, team=hv_team)
    sn_account = factories.UserFactory(role=Role.SCHOOL_NURSE, username="svc-school-nursing")
    factories.TeamMembershipFactory(user=sn_account, team=sn_team)
    ig_account = factories.UserFactory(role=Role.IG_LEAD, username="svc-ig-tool")
    _client(world, "child health", hv_account)
    _client(world, "school nursing", sn_account)
    _client(world, "patients only", hv_account, scopes="patient/Patient.read")
    _client(world, "ig tool", ig_account, scopes="patient/AuditEvent.read")
    return world


@pytest.fixture
def token_for(client, world):
    """A bearer token for one of the world's clients (its name), for the scopes asked."""

    def get(name: str, scope: str = "") -> str:
        data = {
            "grant_type": "client_credentials",
            "client_id": world.clients[name].client_id,
            "client_secret": world.secrets[name],
        }
        if scope:
            data["scope"] = scope
        response = client.post("/fhir/token", data)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return get


@pytest.fixture
def fhir_get(client):
    def get(path: str, token: str | None = None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return client.get(path, params, **headers)

    return get
