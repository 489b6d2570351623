"""Demo family networks and family group decision making: for two of the demo lead
professional's families, a few people in the family network (a grandparent and a friend the
family agreed to, a neighbour not yet), an offer of a family group decision-making meeting, and
for one of them the meeting and the family's own plan; so the network picture, the offer pages
and the indicators have something in them."""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.familyhelp import services
from familyhub.familyhelp.models import NetworkMember

NETWORK = [
    # relationship, detail, given name, what they can offer, the family agrees
    ("grandparent", "Nan (mum's mum)", "Maureen", "School runs on Mondays and Thursdays", True),
    ("family_friend", "", "Denise", "Someone to talk to; a bed for a night if needed", True),
    ("neighbour", "Next door", "Graham", "Keeps a spare key", False),
]


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    if NetworkMember.objects.filter(person__authority=authority).exists():
        stdout.write("Family networks are already there; left as they are.\n")
        return
    lead = User.objects.filter(username=Role.LEAD_PROFESSIONAL.value).first()
    if lead is None:
        return
    episodes = list(
        Episode.objects.filter(
            authority=authority, lead_professional=lead, status=EpisodeStatus.OPEN
        ).select_related("person")[:2]
    )
    today = timezone.localdate()
    for index, episode in enumerate(episodes):
        members = []
        for relationship, detail, given, offers, agrees in NETWORK:
            members.append(
                services.network_member_add(
                    episode=episode,
                    by=lead,
                    relationship=relationship,
                    relationship_detail=detail,
                    given_name=given,
                    family_name=rng.choice(["Hollins", "Barker", "Okafor", "Nowak", "Patel"]),
                    can_offer=offers,
                    phone=f"07700 900{rng.randint(100, 999)}",
                    family_agrees=agrees,
                    # Invented people: a namesake in the synthetic register is someone else.
                    confirmed_new=True,
                )
            )
        offered_on = max(episode.start, today - datetime.timedelta(days=rng.randint(10, 20)))
        offer = services.fgdm_offer_record(
            episode=episode,
            by=lead,
            offered_on=offered_on,
            response="accepted" if index == 0 else "no_answer",
            responded_on=offered_on if index == 0 else None,
        )
        if index == 0:
            held_on = min(today, offered_on + datetime.timedelta(days=7))
            meeting = services.fgdm_meeting_record(
                offer=offer,
                by=lead,
                held_on=held_on,
                coordinator_name="Sam Idowu (independent coordinator)",
                network_attended=[m for m in members if m.family_agrees],
                professionals_attended=list(episode.team_members.filter(left_on__isnull=True)),
                private_family_time=True,
                notes="The family met on their own for an hour and came back with a plan.",
            )
            services.family_plan_record(
                meeting=meeting,
                by=lead,
                what_will_happen="The children get to school on time every day.",
                who_does_what="Nan does the Monday and Thursday school runs; Denise has the "
                "children after school on Wednesdays; Mum does the rest.",
                by_when="From next week, looked at again in four weeks.",
                agreed_on=held_on,
                review_due=held_on + datetime.timedelta(days=28),
            )
    stdout.write(f"Family networks and meetings for {len(episodes)} families.\n")
