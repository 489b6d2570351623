from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.audit.models import AccessLog
from familyhub.familyhelp import services
from familyhub.familyhelp.models import FamilyPlan, NetworkMember, OfferResponse
from familyhub.familyhelp.tests.helpers import add_member, meeting, offer, plan
from familyhub.people.models import ContactDetail, Person

pytestmark = pytest.mark.django_db


def test_someone_new_is_registered_in_the_register_with_their_contact_details(world, episode):
    before = Person.objects.count()
    record = add_member(world, episode)
    assert Person.objects.count() == before + 1
    member = record.member
    assert (member.given_name, member.family_name) == ("Marigold", "Pennywhistle")
    assert member.authority_id == episode.authority_id
    assert record.person_id == world.child.pk and record.episode == episode
    # The register holds the numbers, so the record keeps no copy.
    held = set(ContactDetail.objects.filter(person=member).values_list("kind", "value"))
    assert held == {("mobile", "07700900123"), ("email", "marigold@example.com")}
    assert record.phone == "" and record.email == ""
    assert record.family_agrees and record.family_agreed_on == timezone.localdate()
    # The write is logged for the child and for the member.
    writes = AccessLog.objects.filter(action__in=["change", "create"])
    logged = set(writes.values_list("person_pk", flat=True))
    assert {world.child.pk, member.pk} <= logged


def test_someone_already_in_the_register_keeps_numbers_the_register_lacks_on_the_record(
    world, episode
):
    record = add_member(
        world, episode, member=world.mother, relationship="other_relative", phone="01632 960001"
    )
    assert record.member == world.mother
    assert record.phone == "01632960001" and record.email == "marigold@example.com"
    with pytest.raises(ValidationError) as error:
        add_member(world, episode, member=world.mother)
    assert "member" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_member(world, episode, member=world.child)
    assert "member" in error.value.message_dict


def test_bad_network_input_is_named_by_field(world, episode):
    with pytest.raises(ValidationError) as error:
        services.network_member_add(
            episode=episode,
            by=world.lead,
            relationship="cousin twice removed",
            family_agrees=None,
            family_name="",
            phone="12",
            email="not an email",
            date_of_birth=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert set(error.value.message_dict) == {
        "relationship",
        "family_agrees",
        "family_name",
        "phone",
        "email",
        "date_of_birth",
    }
    assert not NetworkMember.objects.exists()


def test_a_change_on_an_old_version_is_refused(world, episode):
    record = add_member(world, episode, family_agrees=False)
    assert record.family_agreed_on is None
    changed = services.network_member_change(
        record=record,
        by=world.lead,
        version=record.version,
        relationship="grandparent",
        can_offer="Sleepovers",
        family_agrees=True,
    )
    assert changed.version == 2 and changed.family_agreed_on == timezone.localdate()
    with pytest.raises(services.StaleRecord):
        services.network_member_change(
            record=record,
            by=world.colleague,
            version=1,
            relationship="neighbour",
            family_agrees=False,
        )
    record.refresh_from_db()
    assert record.relationship == "grandparent" and record.can_offer == "Sleepovers"


def test_offer_meeting_plan_and_review(world, episode):
    nan = add_member(world, episode)
    the_offer = offer(world, episode, response=OfferResponse.NO_ANSWER)
    assert the_offer.offered_by == world.lead and the_offer.responded_on is None
    with pytest.raises(ValidationError) as error:
        meeting(world, the_offer)
    assert "held_on" in error.value.message_dict  # not accepted yet
    answered = services.fgdm_offer_answer(
        offer=the_offer, by=world.lead, version=the_offer.version, response="accepted"
    )
    assert answered.responded_on == timezone.localdate()
    with pytest.raises(services.StaleRecord):
        services.fgdm_offer_answer(
            offer=the_offer, by=world.lead, version=1, response="declined", declined_reason="x"
        )
    lead_member = episode.team_members.get(user=world.lead)
    held = meeting(world, answered, network_attended=[nan], professionals_attended=[lead_member])
    assert list(held.network_attended.all()) == [nan]
    assert held.coordinator_display == str(world.colleague)
    the_plan = plan(world, held)
    assert the_plan.person_id == world.child.pk
    later = timezone.localdate() + datetime.timedelta(days=60)
    review = services.family_plan_review_record(
        plan=the_plan,
        by=world.lead,
        version=the_plan.version,
        held_on=timezone.localdate(),
        how_it_went="Going well",
        next_review_due=later,
    )
    the_plan.refresh_from_db()
    assert review.plan == the_plan and the_plan.review_due == later
    with pytest.raises(services.StaleRecord):
        services.family_plan_review_record(
            plan=the_plan, by=world.lead, version=1, held_on=timezone.localdate(), how_it_went="x"
        )


def test_fgdm_bad_input_is_named_by_field(world, episode):
    future = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        services.fgdm_offer_record(
            episode=episode, by=world.lead, offered_on=future, response="declined"
        )
    assert set(error.value.message_dict) == {"offered_on", "declined_reason"}
    the_offer = offer(world, episode)
    with pytest.raises(ValidationError) as error:
        services.fgdm_meeting_record(
            offer=the_offer,
            by=world.lead,
            held_on=None,
            private_family_time=None,
            coordinator=world.lead,
            coordinator_name="Also a name",
        )
    assert set(error.value.message_dict) == {"held_on", "private_family_time", "coordinator_name"}
    held = meeting(world, the_offer)
    with pytest.raises(ValidationError) as error:
        plan(world, held, what_will_happen=" ", review_due=timezone.localdate())
    assert set(error.value.message_dict) == {"what_will_happen", "review_due"}
    assert not FamilyPlan.objects.exists()
    declined = services.fgdm_offer_answer(
        offer=offer(world, episode, response="no_answer"),
        by=world.lead,
        version=1,
        response="declined",
        declined_reason="We manage as a family",
    )
    assert declined.declined_reason == "We manage as a family"


def test_someone_who_looks_registered_already_is_not_registered_twice_unasked(world, episode):
    first = add_member(world, episode)
    from familyhub.referrals.tests.factories import allocated_episode

    other = allocated_episode(world, person=world.mother)
    with pytest.raises(ValidationError) as error:
        add_member(world, other)  # the same Marigold Pennywhistle, born the same day
    assert "confirmed_new" in error.value.message_dict
    assert "Pennywhistle" not in str(error.value.message_dict)
    again = add_member(world, other, confirmed_new=True)
    assert again.member_id != first.member_id
