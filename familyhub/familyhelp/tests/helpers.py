"""Builders the tests share: a network member, an offer, a meeting, a plan."""

from __future__ import annotations

import datetime

from django.utils import timezone

from familyhub.familyhelp import services


def add_member(world, episode, *, family_agrees=True, **fields):
    values = {
        "relationship": "grandparent",
        "given_name": "Marigold",
        "family_name": "Pennywhistle",
        "date_of_birth": datetime.date(1958, 5, 1),
        "relationship_detail": "Nan (mum's mum)",
        "can_offer": "School runs on Mondays",
        "phone": "07700 900123",
        "email": "marigold@example.com",
    }
    values.update(fields)
    return services.network_member_add(
        episode=episode, by=world.lead, family_agrees=family_agrees, **values
    )


def offer(world, episode, response="accepted", **fields):
    return services.fgdm_offer_record(
        episode=episode,
        by=world.lead,
        offered_on=fields.pop("offered_on", timezone.localdate()),
        response=response,
        **fields,
    )


def meeting(world, the_offer, **fields):
    values = {
        "held_on": timezone.localdate(),
        "coordinator": world.colleague,
        "private_family_time": True,
        "notes": "Everyone came.",
    }
    values.update(fields)
    return services.fgdm_meeting_record(offer=the_offer, by=world.lead, **values)


def plan(world, the_meeting, **fields):
    today = timezone.localdate()
    values = {
        "what_will_happen": "Tom gets to school every day",
        "who_does_what": "Nan does Mondays; Mum the rest",
        "by_when": "From next week",
        "agreed_on": today,
        "review_due": today + datetime.timedelta(days=28),
    }
    values.update(fields)
    return services.family_plan_record(meeting=the_meeting, by=world.lead, **values)
