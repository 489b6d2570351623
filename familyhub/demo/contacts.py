"""Demo contacts: home visits and calls by the demo lead professional with the families they
lead (some families not seen within the plan's contact frequency, for "Families not seen"), each
with Making Every Contact Count prompts answered, so the contact pages, the timeline and the
prompts' indicators have something in them."""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.contacts.models import Answer, Contact, ContactKind
from familyhub.contacts.prompts import prompts_due
from familyhub.contacts.services import ContactDetails, contact_create
from familyhub.referrals.services import current_household

DISCUSSED = [
    "Morning routines and getting to school on time.",
    "The housing application and the damp in the back bedroom.",
    "Sleep, and how the evenings are going.",
    "Money worries: the cost of living payment and the food bank.",
]
AGREED = [
    "Mum will call the school about a part-time timetable.",
    "I will chase the housing officer this week.",
    "Dad will try the bedtime chart for a fortnight.",
    "We will meet at the family hub next time.",
]


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    if Contact.objects.filter(person__authority=authority).exists():
        stdout.write("Contacts are already there; left as they are.\n")
        return
    lead = User.objects.filter(username=Role.LEAD_PROFESSIONAL.value).first()
    if lead is None:
        return
    team = lead.memberships.select_related("team__service").first()
    episodes = list(
        Episode.objects.filter(
            authority=authority, lead_professional=lead, status=EpisodeStatus.OPEN
        ).select_related("person")[:12]
    )
    today = timezone.localdate()
    made = 0
    for index, episode in enumerate(episodes):
        # Every third family has not been seen for a while.
        last_seen = rng.randint(30, 60) if index % 3 == 0 else rng.randint(1, 12)
        Episode.objects.filter(pk=episode.pk).update(contact_every_days=14)
        for visit in range(rng.randint(1, 3)):
            person = episode.person
            household = current_household(person)
            due = prompts_due(person, household)
            answers = {
                prompt.pk: rng.choice([Answer.DISCUSSED, Answer.SIGNPOSTED, Answer.NOT_RELEVANT])
                for prompt in due[:2]
            }
            seen = (
                [m.person for m in household.memberships.filter(end__isnull=True)][:3]
                if (household)
                else [person]
            )
            contact_create(
                person=person,
                by=lead,
                team=team.team if team else None,
                details=ContactDetails(
                    # Within the episode: nobody visits a family before the work starts.
                    contact_on=max(
                        episode.start, today - datetime.timedelta(days=last_seen + 14 * visit)
                    ),
                    kind=rng.choice(
                        [ContactKind.HOME_VISIT, ContactKind.HOME_VISIT, ContactKind.PHONE]
                    ),
                    seen=seen,
                    discussed=rng.choice(DISCUSSED),
                    agreed=rng.choice(AGREED),
                    child_voice="Said they like it when mum walks them to school.",
                    answers=answers,
                ),
            )
            made += 1
    stdout.write(f"Made {made} contacts with families.\n")
