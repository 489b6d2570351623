"""The URL walk: coverage that cannot be fooled (issues 13 and 14).

One council with a family (two adults and a baby, with unusual names, NHS numbers, a family card
and a postcode of their own) that has real records in every part. Every URL pattern of the site
(django.urls.get_resolver(), every part's urls and the API router; not the admin, static files,
signing in or out) is requested with a real id of the world in each path converter, list and
search pages with the family's details in the query string, by:

- outsiders: a practitioner of each practitioner role in a team that has nothing to do with the
  family, and a commissioner. No response (whatever its status) may contain the family's names,
  NHS numbers, card number, dates of birth, address or postcode. The only exception is the
  protocol's minimal view (name and date of birth, to register or refer someone already known:
  access.layer.person_minimal, access.candidates), on the few pages listed in MINIMAL_VIEW, and
  even there never an NHS number, card number, address or full postcode.
- involved practitioners (the lead professional of the family's episode, the named health
  visitor, the family hub's reception, the front door's triage officer): every response that
  shows a family member (their name or NHS number) must have written an access-log row for that
  person, and no response may show the words of a record (a referral, an assessment, a case
  note, a health review) that access.layer.records_visible_to does not let them open.

Every role's walk also checks the log for outsiders: whoever is shown a name is logged.
Problems are collected over the whole walk and reported at once, `route -> what`.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from familyhub.accounts.roles import PRACTITIONER_ROLES, Role
from familyhub.audit.models import AccessLog
from familyhub.people.identifiers import nhs_check_digit
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "static/", "media/", "account/sign-in", "account/sign-out")
SKIPPED_NAMES = {"two-factor", "sign-in", "sign-out"}

# Pages that may show an outsider the minimal view (name, date of birth, postcode district) of
# someone they act for, by the protocol (access.layer's docstring): the duplicate check of single
# registration (by details or by the family's hub card, which the family shows at the desk),
# registering someone already known, finding and referring a child, the API's duplicate search,
# and break-glass's exact find (an NHS number, or name, date of birth and postcode). Logged like
# any read (checked below).
MINIMAL_VIEW = {
    "people/register/",
    "access/find/",
    "people/register/candidates/",
    "people/register/existing/<uuid:public_id>/",
    "referrals/new/",
    "referrals/new/<uuid:person_id>/",
    "api/^people/search/$",
    r"api/^people/search\.(?P<format>[a-z0-9]+)/?$",
    "access/people/<uuid:public_id>/break-glass/",
}
MINIMAL_DATA = {"name", "date of birth"}
# What says which person a response shows (a date of birth alone does not).
SHOWS_WHO = {"name", "nhs number"}


def nhs(first_nine: str) -> str:
    check = nhs_check_digit(first_nine)
    assert check is not None
    return first_nine + str(check)


@dataclass
class Member:
    person: object
    nhs_number: str
    others: list = field(default_factory=list)  # duplicate records of the same person


@dataclass
class World:
    family: list[Member]
    household: object
    postcode: str
    address: str
    ids: dict[str, list[str]]  # id kind -> real ids of the world
    outsiders: dict[str, object]
    involved: dict[str, object]
    records: dict[str, object]  # a word in a record's text -> the record

    @property
    def people(self) -> list:
        return [m.person for m in self.family]


def build_world() -> World:  # noqa: PLR0915 (one world, built step by step)
    from familyhub.access import services as access_services
    from familyhub.access.models import BreakGlass, Consent, SharedNote
    from familyhub.access.records import Category
    from familyhub.casework import services as casework
    from familyhub.casework.models import Action, Goal, TeamMember
    from familyhub.childhealth import services as childhealth
    from familyhub.childhealth.models import Alert, ReviewDue
    from familyhub.core.progress import job_start
    from familyhub.hubs import services as hubs
    from familyhub.hubs.tests.factories import SessionFactory
    from familyhub.matching.keys import refresh_keys
    from familyhub.matching.models import ReviewPair
    from familyhub.outcomes.models import OutcomeFramework
    from familyhub.people.merging import person_merge
    from familyhub.people.models import PersonImport
    from familyhub.people.services import registration_record
    from familyhub.places.models import SiteKind
    from familyhub.planning.models import BudgetLine, Contract
    from familyhub.planning.tests.factories import ScenarioFactory
    from familyhub.referrals.continuum import ensure_default_continuum
    from familyhub.referrals.models import ContinuumLevel
    from familyhub.referrals.services import referral_create, referral_decide

    ensure_default_continuum()
    today = timezone.localdate()
    authority = factories.AuthorityFactory()
    central = factories.LocalityFactory(authority=authority, name="Central")
    east = factories.LocalityFactory(authority=authority, name="East")
    ward = factories.AreaFactory(authority=authority, locality=central, code="E05099001")
    factories.AreaFactory(authority=authority, locality=east, code="E05099002")
    postcode = "RM16 9QX"
    factories.PostcodeAreaFactory(authority=authority, postcode=postcode, area=ward)
    hub_central = factories.SiteFactory(
        authority=authority, name="Central Family Hub", locality=central, area=ward
    )
    hub_central.kind = SiteKind.FAMILY_HUB
    hub_central.save()
    hub_east = factories.SiteFactory(authority=authority, name="East Family Hub", locality=east)

    def service(name, kind):
        return factories.ServiceFactory(authority=authority, name=name, kind=kind)

    front_door = service("Front door", ServiceKind.FRONT_DOOR)
    early_help = service("Early help", ServiceKind.EARLY_HELP)
    hubs_service = service("Family hubs", ServiceKind.FAMILY_HUB)
    hv = service("Health visiting", ServiceKind.HEALTH_VISITING)
    sn = service("School nursing", ServiceKind.SCHOOL_NURSING)
    duty = service("Out of hours duty", ServiceKind.FRONT_DOOR)  # a second front door

    def team(name, svc, locality, base=None):
        return factories.TeamFactory(name=name, service=svc, locality=locality, base=base)

    fd_team = team("Front door team", front_door, central)
    eh_central = team("Early help Central", early_help, central)
    hub_team = team("Hub Central", hubs_service, central, hub_central)
    hv_central = team("Health visiting Central", hv, central)
    eh_east = team("Early help East", early_help, east)
    hub_east_team = team("Hub East", hubs_service, east, hub_east)
    hv_east = team("Health visiting East", hv, east)
    sn_east = team("School nursing East", sn, east)
    duty_team = team("Duty team", duty, east)

    def user(role, in_team, username):
        made = factories.UserFactory(role=role, username=username)
        if in_team is not None:
            factories.TeamMembershipFactory(user=made, team=in_team)
        return made

    triage = user(Role.TRIAGE_OFFICER, fd_team, "walk_triage")
    leader = user(Role.TEAM_LEADER, eh_central, "walk_leader")
    lead = user(Role.LEAD_PROFESSIONAL, eh_central, "walk_lead")
    reception = user(Role.RECEPTION, hub_team, "walk_reception")
    health_visitor = user(Role.HEALTH_VISITOR, hv_central, "walk_hv")
    ig = user(Role.IG_LEAD, None, "walk_ig")
    outsider_team = {
        Role.RECEPTION: hub_east_team,
        Role.FAMILY_SUPPORT_WORKER: eh_east,
        Role.LEAD_PROFESSIONAL: eh_east,
        Role.HEALTH_VISITOR: hv_east,
        Role.SCHOOL_NURSE: sn_east,
        Role.TRIAGE_OFFICER: duty_team,
        Role.TEAM_LEADER: eh_east,
        Role.SERVICE_MANAGER: eh_east,
    }
    assert set(outsider_team) == set(PRACTITIONER_ROLES)
    outsiders = {role: user(role, t, f"out_{role}") for role, t in outsider_team.items()}
    # A commissioner in the family's own early help team: not a practitioner, sees nobody.
    outsiders[Role.COMMISSIONER] = user(Role.COMMISSIONER, eh_central, "out_commissioner")

    # --- the family -----------------------------------------------------------------------
    address = "17 Lanternfish Row"

    def person(given, dob, sex, nhs_number, **extra):
        return factories.PersonFactory(
            authority=authority,
            given_name=given,
            family_name="Brackenfold",
            date_of_birth=dob,
            sex=sex,
            nhs_number=nhs_number,
            postcode=postcode,
            address_line1=address,
            town="Grays",
            area=ward,
            **extra,
        )

    mum = person("Ottilie", datetime.date(1991, 4, 23), "F", nhs("943476591"))
    dad = person("Caspian", datetime.date(1988, 11, 9), "M", nhs("485777345"))
    baby = person("Wrenna", today - datetime.timedelta(days=300), "F", nhs("401023213"))
    household = factories.HouseholdFactory(authority=authority, card_number="FH73519042")
    for member in (mum, dad, baby):
        factories.HouseholdMembershipFactory(household=household, person=member)

    # Duplicates: mum entered twice (a pair waiting for review), dad entered twice (merged).
    mum_again = factories.PersonFactory(
        authority=authority,
        given_name="Ottilie",
        family_name="Brackenfold",
        date_of_birth=mum.date_of_birth,
        sex="F",
        postcode=postcode,
        area=ward,
    )
    dad_again = factories.PersonFactory(
        authority=authority,
        given_name="Caspian",
        family_name="Brackenfold",
        date_of_birth=dad.date_of_birth,
        sex="M",
        postcode=postcode,
        area=ward,
    )
    refresh_keys([mum.pk, dad.pk, baby.pk, mum_again.pk, dad_again.pk])
    a, b = sorted([mum, mum_again], key=lambda p: p.pk)
    pair = ReviewPair.objects.create(
        person_a=a, person_b=b, score=14.2, probability=0.97, comparison={"family_name": "agree"}
    )
    merge = person_merge(survivor=dad, duplicate=dad_again, by=leader, reason="Entered twice")

    # Registrations: the family at the central hub.
    for member in (mum, dad, baby):
        registration_record(person=member, by=reception, team=hub_team)
    # Mum's second record was registered at the hub too: the hub's team leader reviews the pair.
    registration_record(person=mum_again, by=reception, team=hub_team)

    # Referrals: the baby's decided and allocated to early help (an episode); dad's waiting.
    referral = referral_create(
        person=baby,
        referrer_kind="gp",
        referrer_name="Dr Ada Price",
        referrer_organisation="Grays Surgery",
        concerns="Her weight is faltering and the flat on Quarry Lane is damp.",
        consent="agrees",
        recorded_by=triage,
        needs=["health", "housing"],
    )
    level3 = ContinuumLevel.objects.get(authority__isnull=True, rank=3)
    referral_decide(
        referral=referral,
        by=triage,
        version=referral.version,
        outcome="allocated",
        level=level3,
        reason="Two needs; the family agrees to early help.",
        team=eh_central,
    )
    referral.refresh_from_db()
    waiting = referral_create(
        person=dad,
        referrer_kind="family",
        referrer_name="Mr Brackenfold",
        concerns="He asks for help with debts.",
        consent="agrees",
        recorded_by=triage,
        needs=["financial"],
    )

    # Casework: the episode, allocated, assessed, with a goal, an action and a team member.
    episode = referral.episode
    episode = casework.episode_allocate(
        episode=episode,
        by=leader,
        version=episode.version,
        lead_professional=lead,
        family_agrees=True,
    )
    assessment = casework.assessment_record(
        episode=episode,
        by=lead,
        needs=["health", "housing"],
        strengths="Devoted parents; grandmother Ysolde helps daily.",
        child_voice="A baby: her parents speak for her.",
        family_views="We need a dry flat.",
        level=level3,
    )
    episode.refresh_from_db()
    goal = casework.goal_add(episode=episode, by=lead, need="housing", description="A dry home")
    action = casework.action_add(
        goal=goal, by=lead, description="Call the landlord", due_on=today, owner=lead
    )
    member = casework.team_member_add(
        episode=episode, by=lead, name="Pat Doyle", organisation="Housing", role="Officer"
    )

    # Family Help: the baby's family network (a grandmother the family agreed to, a neighbour
    # not yet), an offer of a family group decision-making meeting, the meeting, the family's
    # own plan and its review.
    from familyhub.familyhelp import services as familyhelp

    grandmother = familyhelp.network_member_add(
        episode=episode,
        by=lead,
        relationship="grandparent",
        given_name="Thessaly",
        family_name="Marchbank",
        phone="07700 900777",
        can_offer="Childcare on Tuesdays",
        family_agrees=True,
    )
    neighbour = familyhelp.network_member_add(
        episode=episode,
        by=lead,
        relationship="neighbour",
        given_name="Orrin",
        family_name="Brackenfold",
        family_agrees=False,
    )
    fgdm_offer = familyhelp.fgdm_offer_record(
        episode=episode, by=lead, offered_on=today, response="accepted"
    )
    fgdm_meeting = familyhelp.fgdm_meeting_record(
        offer=fgdm_offer,
        by=lead,
        held_on=today,
        coordinator=leader,
        network_attended=[grandmother],
        private_family_time=True,
        notes="Held at the Kestrel Moor community room.",
    )
    family_plan = familyhelp.family_plan_record(
        meeting=fgdm_meeting,
        by=lead,
        what_will_happen="Nan minds Wrenna on Juniper Steps days",
        who_does_what="Nan Tuesdays; parents the rest",
        by_when="From next week",
        agreed_on=today,
        review_due=today + datetime.timedelta(days=28),
    )
    plan_review = familyhelp.family_plan_review_record(
        plan=family_plan, by=lead, version=family_plan.version, held_on=today, how_it_went="Well"
    )

    # Child health: the schedule, the named health visitor, a review with an alert, a weight.
    childhealth.schedule_refresh(baby)
    childhealth.allocation_set(person=baby, practitioner=health_visitor, team=hv_central, by=leader)
    dues = list(ReviewDue.objects.filter(person=baby).order_by("window_start"))
    recorded = dues[0]
    health_review = childhealth.review_record(
        due=recorded,
        by=health_visitor,
        done_on=today - datetime.timedelta(days=1),
        place="home",
        outcome="completed",
        epds_total=20,
        notes="Seen at home with her aunt Pernille.",
    )
    childhealth.measurement_record(
        person=baby, by=health_visitor, measured_on=today, weight_kg=Decimal("8.1")
    )

    # Hubs: a session at the central hub, the baby booked, mum walked in.
    session = SessionFactory(
        authority=authority, site=hub_central, service=hubs_service, date=today
    )
    booking = hubs.booking_create(session=session, person=baby, by=reception)
    hubs.walk_in_add(session=session, person=mum, by=reception)

    # Between services: the health visitor refers mum to the hub, which accepts; a letter to a
    # partner outside Familyhub; the hub records a home visit with mum.
    from familyhub.contacts.services import ContactDetails, contact_create
    from familyhub.referrals.services import inbox_decide

    to_hub = referral_create(
        person=mum,
        referrer_kind="health_visitor",
        referrer_name="Hana Visitor",
        referrer_organisation="Health visiting",
        concerns="Low after the birth; the postnatal group would help.",
        consent="agrees",
        recorded_by=health_visitor,
        needs=["health"],
        to_service=hubs_service,
    )
    inbox_decide(
        referral=to_hub, by=reception, version=to_hub.version, decision="accepted", worker=reception
    )
    partner = service("Riverside Counselling", ServiceKind.OTHER)
    partner.referral_address = "1 Riverside Walk"
    partner.save()
    letter = referral_create(
        person=mum,
        referrer_kind="health_visitor",
        referrer_name="Hana Visitor",
        referrer_organisation="Health visiting",
        concerns="Counselling for low mood.",
        consent="agrees",
        recorded_by=health_visitor,
        needs=["health"],
        to_service=partner,
        sent_by="letter",
    )
    home_visit = contact_create(
        person=mum,
        by=reception,
        team=hub_team,
        details=ContactDetails(
            contact_on=today,
            kind="home_visit",
            seen=[mum, baby],
            discussed="The postnatal group and sleep.",
        ),
    )

    # Access: a note, a consent, a share, a break-glass use waiting for review.
    note = SharedNote.objects.create(
        person=mum,
        owning_service=hubs_service,
        category=Category.GENERAL,
        title="Asked about the stay and play",
        body="Her partner works nights at the Tilbury depot.",
        recorded_by=reception,
    )
    consent = access_services.consent_record(
        person=mum, by=reception, given=True, method="verbal", services=[hubs_service]
    )
    access_services.share_create(
        person=baby,
        by=health_visitor,
        owning_service=hv,
        reason="Weight concern",
        recipient_team=eh_central,
        basis="duty_to_share",
        safeguarding_reason="Weight falling for three weeks and the family missed two visits",
        article9_condition="9_2_g_sch1_18",
    )
    # A decision not to share (waiting for the information governance lead's review).
    decision = access_services.decision_not_to_share_record(
        person=mum,
        by=reception,
        owning_service=hubs_service,
        reason="She asked us not to tell the school",
        detriment="Her former partner works at the school and would learn where she lives now",
    )
    glass_user = user(Role.FAMILY_SUPPORT_WORKER, team("Glass team", early_help, east), "glass")
    access_services.break_glass_start(
        user=glass_user,
        person=baby,
        ground="emergency",
        reason="Police called about a child at this address tonight.",
    )

    # Imports, a job, planning's objects.
    job = job_start(kind="import", title="Import families.csv", total=1, user=reception)
    person_import = PersonImport.objects.create(
        authority=authority,
        filename="families.csv",
        rows=[
            ["given_name", "family_name", "date_of_birth", "nhs_number"],
            ["Wrenna", "Brackenfold", baby.date_of_birth.isoformat(), baby.nhs_number],
        ],
        bad_rows=[
            {"row": 2, "values": {"family_name": "Brackenfold"}, "errors": {"x": "y"}},
        ],
        created_by=reception,
        job=job,
    )
    person_import.links.create(row_number=2, person=baby, created=False, score=20.0)
    scenario = ScenarioFactory(authority=authority)
    contract = Contract.objects.create(
        authority=authority,
        service=early_help,
        provider="Parenting Ltd",
        annual_value=Decimal("12000"),
        start=today,
    )
    BudgetLine.objects.create(
        authority=authority, programme="Family hubs", year=today.year, plan=Decimal("5000")
    )

    from familyhub.accounts.models import User
    from familyhub.notifications.models import Notification

    def public_ids(rows) -> list[str]:
        return [str(row.public_id) for row in rows]

    ids: dict[str, list[str]] = {
        "person": public_ids([mum, dad, baby]),
        # The register's own pages are also given dad's merged-away record (they follow it to
        # dad, or refuse it).
        "register_person": public_ids([mum, dad, baby, dad_again]),
        "duplicate": public_ids([mum_again, dad_again]),
        "household": [str(household.public_id)],
        "merge": [str(merge.public_id)],
        "import": [str(person_import.public_id)],
        "job": [str(job.public_id)],
        "pair": [str(pair.public_id)],
        "consent": public_ids(Consent.objects.filter(pk=consent.pk)),
        "note": [str(note.public_id)],
        "staff": public_ids(User.objects.filter(pk__in=[lead.pk, reception.pk, glass_user.pk])),
        "break_glass": public_ids(BreakGlass.objects.all()),
        "decision": [str(decision.public_id)],
        "referral": public_ids([referral, waiting, to_hub, letter]),
        "contact": [str(home_visit.public_id)],
        "episode": [str(episode.public_id)],
        "team_member": public_ids(TeamMember.objects.filter(episode=episode))
        + [str(member.public_id)],
        "goal": public_ids(Goal.objects.filter(episode=episode)),
        "network_member": public_ids([grandmother, neighbour]),
        "fgdm_offer": [str(fgdm_offer.public_id)],
        "fgdm_meeting": [str(fgdm_meeting.public_id)],
        "family_plan": [str(family_plan.public_id)],
        "familyhelp_record": public_ids(
            [grandmother, neighbour, fgdm_offer, fgdm_meeting, family_plan, plan_review]
        ),
        "action": [str(action.public_id)] + public_ids(Action.objects.filter(goal=goal)),
        "review_due": public_ids(dues),
        "practitioner": [str(health_visitor.public_id)],
        "alert": public_ids(Alert.objects.filter(person=baby)),
        "session": [str(session.public_id)],
        "booking": [str(booking.public_id)],
        "contract": [str(contract.public_id)],
        "scenario": [str(scenario.public_id)],
        # Notifications of the above (the break-glass, the referrals): each only its user's.
        "notification": public_ids(Notification.objects.all()),
        "framework": list(OutcomeFramework.objects.values_list("slug", flat=True)[:3]),
        "area": [ward.code],
        "format": ["csv"],
        "api_format": ["json"],
    }
    # Births: the NHS's birth notification of the baby, applied (its page follows her record).
    from familyhub.births import generator as births_generator
    from familyhub.births import services as births_services

    birth_message, _ = births_services.receive(
        births_generator.birth_message(
            mother=None,
            baby_nhs_number=baby.nhs_number,
            baby_given="Wrenna",
            baby_family="Brackenfold",
            born=baby.date_of_birth,
        ),
        channel="mesh",
        authority=authority,
    )
    type(birth_message).objects.filter(pk=birth_message.pk).update(status="applied", person=baby)
    ids["birth_message"] = [str(birth_message.public_id)]
    ids = {kind: list(dict.fromkeys(values)) for kind, values in ids.items()}
    family = [
        Member(mum, mum.nhs_number, [mum_again]),
        Member(dad, dad.nhs_number, [dad_again]),
        Member(baby, baby.nhs_number),
    ]
    involved = {
        "lead professional": lead,
        "named health visitor": health_visitor,
        "hub reception": reception,
        "front door triage": triage,
        "hub team leader": user(Role.TEAM_LEADER, hub_team, "walk_hub_leader"),
        "information governance lead": ig,
    }
    # Words only a record's own text holds: a page showing one shows the record.
    records = {
        "Quarry Lane": referral,
        "Ysolde": assessment,
        "Tilbury depot": note,
        "Pernille": health_review,
        "Kestrel Moor": fgdm_meeting,
        "Juniper Steps": family_plan,
    }
    return World(family, household, postcode, address, ids, outsiders, involved, records)


# --- the routes ---------------------------------------------------------------------------


@dataclass
class Route:
    route: str
    name: str
    pattern: object  # the URLPattern
    prefix: str
    params: list[str]


def walk(patterns=None, prefix: str = "") -> list[Route]:
    found: list[Route] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            regex = entry.pattern.regex
            params = list(regex.groupindex)
            found.append(Route(route, entry.name or "", entry, prefix, params))
    return [
        r
        for r in found
        if not r.route.startswith(SKIPPED_PREFIXES)
        and r.name not in SKIPPED_NAMES
        and not r.route.startswith("^static")
    ]


# (route prefix, parameter) -> kind of id; the first matching prefix wins.
ID_KINDS: list[tuple[str, str, str]] = [
    ("jobs/", "public_id", "job"),
    ("people/import/", "public_id", "import"),
    ("people/households/", "public_id", "household"),
    ("people/merges/", "public_id", "merge"),
    ("people/", "public_id", "register_person"),
    ("people/", "duplicate_id", "duplicate"),
    ("matching/review/", "public_id", "pair"),
    ("access/families/", "public_id", "household"),
    ("access/api/families/", "public_id", "household"),
    ("access/people/", "public_id", "person"),
    ("access/consents/", "public_id", "consent"),
    ("access/notes/", "public_id", "note"),
    ("access/log/people/", "public_id", "person"),
    ("access/log/staff/", "public_id", "staff"),
    ("access/break-glass/reviews/", "public_id", "break_glass"),
    ("access/decisions/reviews/", "public_id", "decision"),
    ("referrals/new/", "person_id", "person"),
    ("referrals/", "public_id", "referral"),
    ("casework/", "public_id", "episode"),
    ("casework/", "member_id", "team_member"),
    ("casework/", "goal_id", "goal"),
    ("casework/", "action_id", "action"),
    ("family-help/records/", "public_id", "familyhelp_record"),
    ("family-help/", "public_id", "episode"),
    ("family-help/", "member_id", "network_member"),
    ("family-help/", "offer_id", "fgdm_offer"),
    ("family-help/", "meeting_id", "fgdm_meeting"),
    ("family-help/", "plan_id", "family_plan"),
    ("births/messages/", "public_id", "birth_message"),
    ("child-health/reviews/", "public_id", "review_due"),
    ("child-health/caseload/", "public_id", "practitioner"),
    ("child-health/people/", "public_id", "person"),
    ("child-health/alerts/", "public_id", "alert"),
    ("hubs/sessions/", "public_id", "session"),
    ("hubs/bookings/", "public_id", "booking"),
    ("hubs/families/", "public_id", "person"),
    ("outcomes/", "slug", "framework"),
    ("outcomes/", "code", "area"),
    ("planning/budget/contracts/", "public_id", "contract"),
    ("planning/scenarios/", "public_id", "scenario"),
    ("notifications/", "public_id", "notification"),
    ("contacts/new/", "person_id", "person"),
    ("contacts/", "public_id", "contact"),
    ("api/", "public_id", "register_person"),
    ("api/", "format", "api_format"),
    ("", "format", "format"),
    ("", "fmt", "format"),
]


def candidates(world: World, route: Route, param: str) -> list[str]:
    """Real values for a route's parameter; every id of the world when it cannot be matched."""
    if param == "key":
        from familyhub.core import indicators

        # One indicator of each part that has people behind it (the drill-down), and one without.
        drilling = route.route.endswith("/people/")
        keys: dict[str, str] = {}
        for key, spec in sorted(indicators.all_registered().items()):
            if spec.people is not None or not drilling:
                keys.setdefault(f"{spec.part}-{spec.people is not None}", key)
        return list(keys.values())
    for prefix, name, kind in ID_KINDS:
        if name == param and route.route.startswith(prefix):
            return world.ids[kind]
    return [value for values in world.ids.values() for value in values]


def fill(route: Route, values: dict[str, str]) -> str:
    """The path of a route with these parameter values (converters and regex groups alike)."""
    path = route.route
    for param, value in values.items():
        path = re.sub(r"\(\?P<" + param + r">[^)]*\)", value, path)
        path = re.sub(r"<(?:\w+:)?" + param + r">", value, path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


def urls_for(world: World, route: Route) -> list[str]:
    if not route.params:
        return [fill(route, {})]
    # Each parameter takes each of its candidates in turn (the others their first), so a route
    # with two ids is walked with every value of each without a full product.
    options = {p: candidates(world, route, p) for p in route.params}
    base = {p: values[0] for p, values in options.items()}
    paths = []
    for param, values in options.items():
        for value in values:
            paths.append(fill(route, {**base, param: value}))
    return list(dict.fromkeys(paths))


def queries(world: World) -> list[dict[str, str]]:
    """What a search page is given: the family's details, as each search form names them."""
    mum = world.family[0].person
    dob = mum.date_of_birth
    by_name = {
        "q": "Brackenfold",
        "given_name": "Ottilie",
        "family_name": "Brackenfold",
        "person": "Brackenfold",
        "name": "Brackenfold",
        "date_of_birth": dob.isoformat(),
        "date_of_birth_day": str(dob.day),
        "date_of_birth_month": str(dob.month),
        "date_of_birth_year": str(dob.year),
        "year_of_birth": str(dob.year),
        "postcode": world.postcode,
        "scope": "team",
    }
    by_number = {
        "q": world.family[0].nhs_number,
        "nhs_number": world.family[0].nhs_number,
        "card_number": world.household.card_number,
    }
    return [by_name, by_number]


# --- what a response must not show -------------------------------------------------------


def date_forms(day: datetime.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
    ]


def data_of(world: World, member: Member) -> list[tuple[str, str]]:
    """(what, text) pairs that would show this person."""
    person = member.person
    spaced = f"{member.nhs_number[:3]} {member.nhs_number[3:6]} {member.nhs_number[6:]}"
    data = [
        ("name", person.given_name),
        ("nhs number", member.nhs_number),
        ("nhs number", spaced),
    ]
    data += [("date of birth", text) for text in date_forms(person.date_of_birth)]
    return data


def family_data(world: World) -> list[tuple[str, str, str]]:
    """(whose, what, text) for the whole family, and the household's own data."""
    rows = [("the family", "name", "Brackenfold")]
    for member in world.family:
        rows += [(member.person.given_name, what, text) for what, text in data_of(world, member)]
    rows += [
        ("the family", "card number", world.household.card_number),
        ("the family", "postcode", world.postcode),
        ("the family", "postcode", world.postcode.replace(" ", "")),
        ("the family", "address", world.address),
    ]
    return rows


def body_of(response, sent: dict[str, str]) -> str:
    """The response as text, without what the request itself sent (a search form shows back what
    was typed in it, and its links carry the query)."""
    content = getattr(response, "content", b"")
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    text = content.decode("utf-8", "replace")
    for value in sorted(set(sent.values()), key=len, reverse=True):
        if not value:
            continue
        for form in {value, quote(value), quote(value).replace("%20", "+")}:
            text = text.replace(f'value="{form}"', 'value=""')
        text = text.replace(urlencode({"x": value})[2:], "")
    if sent:
        text = text.replace(urlencode(sent), "")
    return text


@dataclass
class Walk:
    routes: int = 0
    requests: int = 0
    ok: int = 0
    showing: int = 0  # responses that show a family member's name
    words_seen: set = field(default_factory=set)  # words of world.records some page showed
    hidden: set = field(default_factory=set)  # words of the records the layer hides from them
    problems: list[str] = field(default_factory=list)


def signed_in_client(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(raise_request_exception=False)
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def walk_as(world: World, user, *, outsider: bool) -> Walk:
    from familyhub.access import layer

    client = signed_in_client(user)
    result = Walk()
    # The records the access layer lets this user open: any other record's words are a leak.
    hidden = {
        word: record
        for word, record in world.records.items()
        if not layer.records_visible_to(user, type(record).objects.filter(pk=record.pk)).exists()
    }
    result.hidden = set(hidden)
    data = family_data(world)
    groups = {m.person.given_name: {m.person.pk, *(o.pk for o in m.others)} for m in world.family}

    def get(route: Route, path: str, query: dict[str, str]) -> int:
        result.requests += 1
        last_log = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        accept = {"HTTP_ACCEPT": "application/json"} if route.route.startswith("api/") else {}
        where = path + ("?" + urlencode(query) if query else "")
        try:
            response = client.get(path, query, **accept)
        except Exception as error:  # a crash is a problem, not the end of the walk
            result.problems.append(f"{where} -> crashed: {error!r}")
            return 500
        result.ok += response.status_code == 200
        if response.status_code >= 500:
            result.problems.append(f"{where} -> {response.status_code} (a server error)")
        text = body_of(response, query)
        shown = {whose for whose, what, t in data if what in SHOWS_WHO and t in text}
        result.showing += bool(shown)
        if outsider:
            allowed = MINIMAL_DATA if route.route in MINIMAL_VIEW else set()
            leaks = {f"{whose}'s {what}" for whose, what, t in data if t in text}
            leaks -= {f"{whose}'s {what}" for whose, what, _ in data if what in allowed}
            if leaks:
                result.problems.append(
                    f"{where} -> {response.status_code} shows " + ", ".join(sorted(leaks))
                )
        result.words_seen |= {word for word in world.records if word in text}
        for word, record in hidden.items():
            if word in text:
                result.problems.append(
                    f"{where} -> {response.status_code} shows a {record._meta.verbose_name} "
                    f"the access layer hides from {user.username} ({word!r})"
                )
        logged = set(AccessLog.objects.filter(pk__gt=last_log).values_list("person_pk", flat=True))
        for given in sorted(shown - {"the family"}):
            if not groups[given] & logged:
                result.problems.append(
                    f"{where} -> {response.status_code} shows {given}, not logged"
                    f" ({len(logged)} others logged)"
                )
        return response.status_code

    for route in walk():
        result.routes += 1
        paths = urls_for(world, route)
        status = get(route, paths[0], {})
        if status == 405:
            continue  # POST only (require_POST answers before the view looks at any id)
        for path in paths[1:]:
            get(route, path, {})
        if not route.params and status in (200, 400):
            # A page refused or redirected without a query is refused with one too (a search
            # that wants a query answers 400 without one).
            for query in queries(world):
                get(route, paths[0], query)
    return result


def report(who: str, result: Walk) -> str:
    return (
        f"{who}: {len(result.problems)} problems over {result.routes} routes "
        f"({result.requests} requests, {result.ok} answered 200, {result.showing} show the "
        "family):\n" + "\n".join(result.problems)
    )


OUTSIDER_ROLES = [*sorted(PRACTITIONER_ROLES), Role.COMMISSIONER]


@pytest.mark.parametrize("role", OUTSIDER_ROLES)
def test_an_outsider_sees_nothing_of_the_family_on_any_page(role):
    world = build_world()
    result = walk_as(world, world.outsiders[role], outsider=True)
    print(report(f"outsider {role}", result))
    assert result.routes > 100
    assert not result.problems, report(f"outsider {role}", result)


@pytest.mark.parametrize(
    "who",
    [
        "lead professional",
        "named health visitor",
        "hub reception",
        "front door triage",
        "hub team leader",
        "information governance lead",
    ],
)
def test_every_person_an_involved_practitioner_is_shown_is_logged(who):
    world = build_world()
    result = walk_as(world, world.involved[who], outsider=False)
    print(report(who, result))
    # The walk's ids are real: they open the involved practitioner's pages, and those pages show
    # the family (so the text the outsiders' walk looks for is the text pages show).
    # (The information governance lead sees people only on the access log's pages.)
    enough = 1 if who == "information governance lead" else 20
    assert result.ok > 40 and result.showing >= enough, report(who, result)
    print(f"{who}: records hidden {sorted(result.hidden)}, words seen {sorted(result.words_seen)}")
    # Every record the layer lets them open is shown by some page (the walk reaches it).
    assert set(world.records) - result.hidden <= result.words_seen, report(who, result)
    assert not result.problems, report(who, result)


def test_the_walk_covers_every_route_and_fills_every_id():
    world = build_world()
    routes = walk()
    names = {r.route for r in routes}
    assert "access/families/<uuid:public_id>/" in names
    assert any(r.route.startswith("api/^people/") for r in routes)
    assert any(r.route.startswith("planning/scenarios/") for r in routes)
    for route in routes:
        for path in urls_for(world, route):
            assert "<" not in path and "(?P" not in path, path
            uuid_like = re.findall(r"[0-9a-f-]{36}", path)
            assert all(uuid.UUID(u) for u in uuid_like)
