"""Issue 15 item 1: what is recorded is shown. Each form a practitioner fills is submitted through
its page with distinctive values in every field; the record page (and the family timeline, where
the record appears there) shows each value back to its author."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.childhealth import services as ch_services
from familyhub.childhealth.models import ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests import conftest as childhealth_fixtures
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

# The child health part's fixtures (a health visiting team, its health visitor, a child maker).
hv_service = childhealth_fixtures.hv_service
hv_team = childhealth_fixtures.hv_team
ward = childhealth_fixtures.ward
owner = childhealth_fixtures.owner
make_child = childhealth_fixtures.make_child


def _page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args), follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def baby(make_child, owner, hv_team):
    child = make_child(
        date_of_birth=timezone.localdate() - timedelta(days=45), sex="F", family_name="Quenby"
    )
    ch_services.schedule_refresh(child)
    ch_services.allocation_set(person=child, practitioner=owner, team=hv_team, by=owner)
    return child


@pytest.fixture
def hv(client, signed_in, owner):
    return signed_in(client, owner)


def test_six_to_eight_week_review_is_shown_on_the_child_record_and_the_timeline(hv, baby, owner):
    due = ReviewDue.objects.get(person=baby, kind=ReviewKind.SIX_EIGHT_WEEK)
    done_on = timezone.localdate() - timedelta(days=1)
    response = hv.post(
        reverse("childhealth:review-record", args=[due.public_id]),
        {
            **date_fields("done_on", done_on.isoformat()),
            "place": "clinic",
            "outcome": "completed",
            "whooley_low_mood": "yes",
            "whooley_little_interest": "no",
            "whooley_wants_help": "yes",
            "epds_total": "17",
            "epds_self_harm": "2",
            "breastfeeding": "partial",
            "safeguarding_concern": "on",
            "notes": "Mum tired; Periwinkle-7731 follow-up agreed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "childhealth:child", baby.public_id)
    section = page.split("Reviews done")[1].split('id="growth"')[0]
    for value in (
        "6 to 8 week",
        done_on.strftime("%-d %B %Y"),
        "clinic",
        "Feeling down: yes",
        "little interest: no",
        "wants help: yes",
        "Total 17",
        "self-harm item 2",
        "Partially breastfed",
        "Concern recorded",
        "Periwinkle-7731 follow-up agreed",
    ):
        assert value.lower() in section.lower(), value
    timeline = _page(hv, "access:person-family", baby.public_id)
    assert "Periwinkle-7731 follow-up agreed" in timeline
    assert "Health review" in timeline


def test_screening_is_shown_with_its_notes(hv, baby):
    screened_on = timezone.localdate() - timedelta(days=2)
    response = hv.post(
        reverse("childhealth:screening-add", args=[baby.public_id]),
        {
            "kind": "hearing",
            **date_fields("screened_on", screened_on.isoformat()),
            "left": "pass",
            "right": "refer",
            "notes": "Wax seen; Marigold-5512 recheck",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "childhealth:child", baby.public_id)
    section = page.split('<h2 class="govuk-heading-m">Screening</h2>')[1]
    for value in (
        screened_on.strftime("%-d %B %Y"),
        "Hearing screen",
        "left pass",
        "right refer",
        "Marigold-5512 recheck",
    ):
        assert value in section, value
    assert "Marigold-5512 recheck" in _page(hv, "access:person-family", baby.public_id)


def test_onward_referral_is_shown_with_its_notes(hv, baby):
    referred_on = timezone.localdate() - timedelta(days=3)
    response = hv.post(
        reverse("childhealth:referral-add", args=[baby.public_id]),
        {
            "reason": "development",
            "to_service_name": "Zephyr Speech Clinic",
            **date_fields("referred_on", referred_on.isoformat()),
            "notes": "Parent consented; Tangerine-9044",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "childhealth:child", baby.public_id)
    section = page.split("Onward referrals")[1]
    for value in (
        referred_on.strftime("%-d %B %Y"),
        "Zephyr Speech Clinic",
        "development",
        "Tangerine-9044",
    ):
        assert value in section, value
    timeline = _page(hv, "access:person-family", baby.public_id)
    assert "Zephyr Speech Clinic" in timeline and "Tangerine-9044" in timeline


def test_measurement_is_shown(hv, baby):
    measured_on = timezone.localdate()
    response = hv.post(
        reverse("childhealth:measurement-add", args=[baby.public_id]),
        {
            **date_fields("measured_on", measured_on.isoformat()),
            "weight_kg": "4.817",
            "height_cm": "56.3",
            "head_circumference_cm": "38.9",
            "context": "other",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "childhealth:child", baby.public_id)
    section = page.split('data-testid="measurements"')[1].split("</table>")[0]
    for value in (measured_on.strftime("%-d %B %Y"), "4.817", "56.3", "38.9", "Other contact"):
        assert value in section, value
    assert "4.817" in _page(hv, "access:person-family", baby.public_id)


def test_named_practitioner_is_shown(hv, baby, owner):
    page = _page(hv, "childhealth:child", baby.public_id)
    assert (owner.get_full_name() or owner.username) in page


def test_review_notes_are_not_shown_to_an_outsider(client, signed_in, make_user, baby, owner):
    due = ReviewDue.objects.get(person=baby, kind=ReviewKind.SIX_EIGHT_WEEK)
    signed_in(client, owner).post(
        reverse("childhealth:review-record", args=[due.public_id]),
        {
            **date_fields("done_on", date.today().isoformat()),
            "place": "home",
            "outcome": "completed",
            "notes": "Secret-4410",
        },
    )
    from familyhub.testing import factories

    other = factories.TeamFactory(
        name="Elsewhere", service=factories.ServiceFactory(authority=baby.authority, name="Other")
    )
    outsider = make_user("health_visitor", team=other, username="hv_elsewhere")
    client.logout()
    signed_in(client, outsider)
    assert client.get(reverse("childhealth:child", args=[baby.public_id])).status_code == 404
    response = client.get(reverse("access:person-family", args=[baby.public_id]))
    assert "Secret-4410" not in response.content.decode()


# --- casework: the early help episode page and the family timeline ---------------------------


@pytest.fixture
def world(db):
    from familyhub.referrals.tests.factories import build_world

    return build_world()


@pytest.fixture
def episode(world):
    from familyhub.casework.tests.test_services import open_episode

    return open_episode(world)


def test_assessment_every_field_is_shown(client, signed_in, world, episode):
    from familyhub.referrals.tests.factories import level

    lead = signed_in(client, world.lead)
    response = lead.post(
        reverse("casework:assessment", args=[episode.public_id]),
        {
            "needs": ["education", "housing"],
            "need_detail": "Rent arrears since Quillon-3301",
            "strengths": "Grandmother Ostrava-1122 helps daily",
            "child_voice": "I want my own Juniper-6650 room",
            "family_views": "We want Harbour-8876 support",
            "level": level(3).pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(lead, "casework:episode", episode.public_id)
    section = page.split('data-testid="assessment"')[1].split("</dl>")[0]
    for value in (
        "Quillon-3301",
        "Ostrava-1122",
        "Juniper-6650",
        "Harbour-8876",
        "level 3",
    ):
        assert value in section, value
    for need in ("education", "housing"):
        from familyhub.referrals.needs import NEED_LABELS

        assert str(NEED_LABELS[need]) in section.replace("&#x27;", "'")
    assert "Early help assessment" in _page(lead, "access:person-family", episode.person.public_id)


def test_goal_action_review_and_team_member_are_shown(client, signed_in, world, episode):
    from familyhub.casework.models import Goal

    lead = signed_in(client, world.lead)
    response = lead.post(
        reverse("casework:goal-add", args=[episode.public_id]),
        {"need": "education", "description": "Attend Lindenbrook-2209 every day"},
    )
    if response.status_code == 200:  # the goal form offers the assessed needs only
        need = response.context["form"].fields["need"].choices[0][0]
        response = lead.post(
            reverse("casework:goal-add", args=[episode.public_id]),
            {"need": need, "description": "Attend Lindenbrook-2209 every day"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    goal = Goal.objects.get(episode=episode)
    due_on = timezone.localdate() + timedelta(days=20)
    response = lead.post(
        reverse("casework:action-add", args=[episode.public_id, goal.public_id]),
        {
            "description": "Phone Marlowe-4471 about transport",
            "owner_name": "Aunt Beatrix-5530",
            **date_fields("due_on", due_on.isoformat()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    held_on = timezone.localdate()
    next_due = timezone.localdate() + timedelta(days=33)
    response = lead.post(
        reverse("casework:review", args=[episode.public_id]),
        {
            **date_fields("held_on", held_on.isoformat()),
            "notes": "Attendance up; Saffron-7782 noted",
            **date_fields("next_review_due", next_due.isoformat()),
            f"score_{goal.public_id}": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = lead.post(
        reverse("casework:team-member-add", args=[episode.public_id]),
        {
            "name": "Ms Fennimore-3390",
            "organisation": "Brackenridge-1180 Primary",
            "role": "Class teacher",
            "contact": "fennimore@example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(lead, "casework:episode", episode.public_id)
    for value in (
        "Lindenbrook-2209",
        "Marlowe-4471",
        "Aunt Beatrix-5530",
        due_on.strftime("%-d %B %Y"),
        held_on.strftime("%-d %B %Y"),
        "Saffron-7782",
        "7/10",
        next_due.strftime("%-d %B %Y"),
        "Ms Fennimore-3390",
        "Brackenridge-1180 Primary",
        "Class teacher",
        "fennimore@example.org",
    ):
        assert value in page, value
    timeline = _page(lead, "access:person-family", episode.person.public_id)
    assert "Saffron-7782" in timeline
    assert next_due.strftime("%d %B %Y") in timeline


def test_step_up_and_close_reasons_are_shown(client, signed_in, world, episode):
    leader = signed_in(client, world.team_leader)
    episode.refresh_from_db()
    response = leader.post(
        reverse("casework:step-up", args=[episode.public_id]),
        {"version": episode.version, "reason": "Escalated after Wolfram-6621 incident"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(leader, "casework:episode", episode.public_id)
    assert "Wolfram-6621" in page


def test_a_referral_and_its_decision_are_shown_to_the_front_door(client, signed_in, world):
    from familyhub.referrals.models import Referral
    from familyhub.referrals.tests.factories import level

    referrer = signed_in(client, world.lead)
    response = referrer.post(
        reverse("referrals:new", args=[world.child.public_id]),
        {
            "referrer_kind": "school",
            "referrer_name": "Ms Zephyrine Price",
            "referrer_organisation": "Quarrybank Primary",
            "referrer_role": "Designated safeguarding lead",
            "referrer_phone": "01632 960417",
            "referrer_email": "z.price@quarrybank.example",
            "needs": ["education", "housing"],
            "concerns": "Attendance fell to 61% after the family moved into temporary housing.",
            "consent": "agrees",
            "urgency": "standard",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    front_door = signed_in(client, world.triage)
    page = _page(front_door, "referrals:detail", referral.public_id)
    for shown in (
        "Ms Zephyrine Price",
        "Quarrybank Primary",
        "Designated safeguarding lead",
        "01632 960417",
        "z.price@quarrybank.example",
        "Attendance fell to 61%",
        "Getting a good education",
        "Secure housing",
    ):
        assert shown in page, shown
    front_door.post(
        reverse("referrals:decide", args=[referral.public_id]),
        {
            "version": referral.version,
            "level": level(2).pk,
            "outcome": "signposted",
            "reason": "Housing advice service and the school's attendance officer first.",
        },
    )
    page = _page(front_door, "referrals:detail", referral.public_id)
    assert "the school&#x27;s attendance officer first" in page or "school's attendance" in page


def test_closing_shows_the_reason_each_outcome_and_why_achieved_despite_a_score(
    client, signed_in, world, episode
):
    from familyhub.casework import services as casework

    goal = casework.goal_add(
        episode=episode, by=world.lead, need="education", description="Tom goes to school"
    )
    scores = {str(g.public_id): 6 for g in episode.goals.all()}  # every goal, ours at 6/10
    assert str(goal.public_id) in scores
    casework.review_record(
        episode=episode, by=world.lead, held_on=timezone.localdate(), scores=scores
    )
    leader = signed_in(client, world.team_leader)
    episode.refresh_from_db()
    form = {
        "version": episode.version,
        "reason": "Plan finished; Halvorsen-4410 agreed by the family.",
        "outcome_education": "achieved",
        "outcome_family_relationships": "partly",
        "outcome_housing": "not_achieved",
    }
    refused = leader.post(reverse("casework:close", args=[episode.public_id]), form)
    assert refused.status_code == 400  # achieved against 6/10: asks why first
    assert "last scored 6 out of 10" in refused.content.decode()
    response = leader.post(
        reverse("casework:close", args=[episode.public_id]),
        {
            "version": episode.version,
            "reason": "Plan finished; Halvorsen-4410 agreed by the family.",
            "outcome_education": "achieved",
            "outcome_family_relationships": "partly",
            "outcome_housing": "not_achieved",
            "explanation": "School confirms full attendance for Kestrel-918 weeks since the review.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = _page(leader, "casework:episode", episode.public_id)
    for shown in (
        "Halvorsen-4410",
        "Kestrel-918",
        ": achieved",
        ": partly achieved",
        ": not achieved",
    ):
        assert shown in page, shown


# --- contacts: the contact page and the family timeline ----------------------------------------


def test_a_contact_every_field_and_its_prompt_answers_are_shown(client, signed_in, world, episode):
    from familyhub.contacts.models import Contact, Prompt
    from familyhub.contacts.prompts import ensure_default_prompts

    ensure_default_prompts()
    smoking = Prompt.objects.get(authority__isnull=True, code="smoking")
    dentist = Prompt.objects.get(authority__isnull=True, code="dentist")
    lead = signed_in(client, world.lead)
    contact_on = timezone.localdate() - timedelta(days=2)
    next_on = timezone.localdate() + timedelta(days=12)
    response = lead.post(
        reverse("contacts:new", args=[world.child.public_id]),
        {
            **date_fields("contact_on", contact_on.isoformat()),
            "kind": "school",
            "seen": [world.child.pk, world.mother.pk],
            "present": "Uncle Thorvald-6612",
            "child_voice": "I like Periwinkle-2290 club",
            "discussed": "Homework and Quenby-7741 sleep routine",
            "agreed": "Mum tries Lantern-3381 chart",
            **date_fields("next_contact_on", next_on.isoformat()),
            "category": "mental_health",
            f"prompt_{smoking.pk}": "signposted",
            f"prompt_{dentist.pk}": "not_relevant",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get()
    page = _page(lead, "contacts:contact", contact.public_id)
    for value in (
        contact_on.strftime("%-d %B %Y"),
        "At school",
        "Tom Walker, Jane Walker",
        "Uncle Thorvald-6612",
        "I like Periwinkle-2290 club",
        "Homework and Quenby-7741 sleep routine",
        "Mum tries Lantern-3381 chart",
        next_on.strftime("%-d %B %Y"),
        "Mental health",
        "Signposted",
        "Not relevant",
    ):
        assert value in page.replace("&#x27;", "'"), value
    timeline = _page(lead, "access:person-family", world.child.public_id).replace("&#x27;", "'")
    for value in (
        "At school on " + contact_on.strftime("%-d %B %Y"),
        "Seen: Tom Walker, Jane Walker",
        "Uncle Thorvald-6612",
        "I like Periwinkle-2290 club",
        "Quenby-7741",
        "Lantern-3381",
        "Next contact: " + next_on.strftime("%-d %B %Y"),
        "Does anyone in the household smoke? signposted",
        "registered with a dentist? not relevant",
    ):
        assert value in timeline, value


# --- access: a share's lawful basis, a decision not to share, the chronology's words ----------


def test_a_share_its_basis_and_safeguarding_reason_are_shown(hv, baby, hv_team):
    from familyhub.access.models import Share

    response = hv.post(
        reverse("access:share", args=[baby.public_id]),
        {
            "recipient_team": hv_team.pk,
            "category": "general",
            "reason": "Handover-7731 before the move",
            "basis": "duty_to_share",
            "safeguarding_reason": "Neighbour-4420 heard the baby crying for hours at night",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Share.objects.get().basis == "duty_to_share"
    page = _page(hv, "access:person-family", baby.public_id)
    assert "Handover-7731" in page and "Neighbour-4420" in page
    assert "The duty to share information relevant to safeguarding" in page


def test_a_decision_not_to_share_and_why_sharing_would_be_more_detrimental_are_shown(hv, baby):
    response = hv.post(
        reverse("access:decide-not-to-share", args=[baby.public_id]),
        {
            "reason": "Mother-8812 asked us not to",
            "detriment": "Father-3391 works at the receiving clinic and would learn where they live",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "access:person-family", baby.public_id)
    assert "Mother-8812" in page and "Father-3391" in page


def test_a_chronology_note_is_shown(hv, baby, owner):
    from familyhub.access.chronology import events_for

    event = events_for(owner, baby)[0]
    response = hv.post(
        reverse("access:person-chronology", args=[baby.public_id]) + "?all=1",
        {"event": event.key, "significance": "yes", "note": "Chronology-5150 first concern"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(hv, "access:person-chronology", baby.public_id)
    assert "Chronology-5150 first concern" in page


# --- family help: the family network, and family group decision making -------------------------


def test_family_network_and_fgdm_every_field_is_shown(client, signed_in, world, episode):
    from familyhub.familyhelp.models import FamilyPlan, FgdmMeeting, FgdmOffer, NetworkMember

    lead = signed_in(client, world.lead)
    today = timezone.localdate()
    response = lead.post(
        reverse("familyhelp:network-add", args=[episode.public_id]),
        {
            "given_name": "Rosalind",
            "family_name": "Thistlewood-4471",
            **date_fields("date_of_birth", "1959-02-14"),
            "relationship": "grandparent",
            "relationship_detail": "Granny Marsh-2290",
            "can_offer": "Sleepovers at Wimbrel-5512",
            "phone": "07700 900314",
            "email": "rosalind@example.com",
            "family_agrees": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = NetworkMember.objects.get()
    page = _page(lead, "familyhelp:network", episode.public_id).replace("&#x27;", "'")
    for value in (
        "Rosalind Thistlewood-4471",
        "Grandparent",
        "Granny Marsh-2290",
        "Sleepovers at Wimbrel-5512",
        "07700900314",
        "rosalind@example.com",
        "Yes, on " + today.strftime("%-d %B %Y"),
    ):
        assert value in page, value
    assert member.member.date_of_birth == date(1959, 2, 14)

    response = lead.post(
        reverse("familyhelp:offer-add", args=[episode.public_id]),
        {
            **date_fields("offered_on", today.isoformat()),
            "offered_by": world.colleague.pk,
            "response": "accepted",
            "declined_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = FgdmOffer.objects.get()
    lead_member = episode.team_members.get(user=world.lead)
    response = lead.post(
        reverse("familyhelp:meeting-add", args=[episode.public_id, offer.public_id]),
        {
            **date_fields("held_on", today.isoformat()),
            "coordinator_name": "Coordinator Pelham-8830",
            "network_attended": [str(member.public_id)],
            "professionals_attended": [str(lead_member.public_id)],
            "others_attended": "Family friend Osgood-1170",
            "private_family_time": "yes",
            "notes": "Lunch at Corrie-6645",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = FgdmMeeting.objects.get()
    review_due = today + timedelta(days=30)
    response = lead.post(
        reverse("familyhelp:plan-add", args=[episode.public_id, meeting.public_id]),
        {
            "what_will_happen": "Tom walks to Yarrow-3390 school",
            "who_does_what": "Granny Tuesdays; Mum Fenwick-2201",
            "by_when": "By half term Quay-7723",
            **date_fields("agreed_on", today.isoformat()),
            **date_fields("review_due", review_due.isoformat()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = FamilyPlan.objects.get()
    next_review = today + timedelta(days=60)
    response = lead.post(
        reverse("familyhelp:plan-review", args=[episode.public_id, plan.public_id]),
        {
            "version": plan.version,
            **date_fields("held_on", today.isoformat()),
            "how_it_went": "Mostly Larkspur-4410 well",
            **date_fields("next_review_due", next_review.isoformat()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _page(lead, "familyhelp:fgdm", episode.public_id).replace("&#x27;", "'")
    for value in (
        "Offered on " + today.strftime("%-d %B %Y"),
        str(world.colleague),
        "Accepted",
        "Coordinator Pelham-8830",
        "Granny Marsh-2290",
        str(world.lead),
        "Family friend Osgood-1170",
        "Lunch at Corrie-6645",
        "Tom walks to Yarrow-3390 school",
        "Granny Tuesdays; Mum Fenwick-2201",
        "By half term Quay-7723",
        "Mostly Larkspur-4410 well",
        next_review.strftime("%-d %B %Y"),
    ):
        assert value in page, value
    timeline = _page(lead, "access:person-family", world.child.public_id).replace("&#x27;", "'")
    for value in (
        "Family network: a grandparent, “Granny Marsh-2290”",
        "Sleepovers at Wimbrel-5512",
        "Family group decision-making meeting offered on " + today.strftime("%-d %B %Y"),
        "Offered by " + str(world.colleague),
        "Coordinator: Coordinator Pelham-8830",
        "Granny Marsh-2290",
        "Family friend Osgood-1170",
        "Private family time: yes",
        "Lunch at Corrie-6645",
        "Tom walks to Yarrow-3390 school",
        "Granny Tuesdays; Mum Fenwick-2201",
        "By half term Quay-7723",
        "Mostly Larkspur-4410 well",
    ):
        assert value in timeline, value
    # The member's own name and numbers are theirs: the child's timeline never shows them.
    assert "Thistlewood-4471" not in timeline and "07700900314" not in timeline
