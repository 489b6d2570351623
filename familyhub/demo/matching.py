"""Demo data for matching: train the model on the demo register and fill the review queue.

The synthetic population's near-duplicates (synth.py: "Jack Akhtar" registered again as
"Jk Akhtar", same date of birth) must be in the review queue on day one of the demo, whatever the
trained model makes of them: the queue is seeded first from records that share an NHS number,
then from records with the same family name, date of birth and postcode and given names that
begin alike, and then the batch deduplication adds what else it finds."""

from __future__ import annotations

import random
from collections import defaultdict

from familyhub.matching.dedupe import run_register
from familyhub.matching.keys import KEYED_FIELDS, norm_name, norm_postcode
from familyhub.matching.models import ReviewPair
from familyhub.matching.services import queue_pair
from familyhub.people.models import HouseholdMembership, Person


def seed_known_duplicates(*, authority) -> int:
    """Queue (through matching.services, logged) every pair of live records in the council that
    share an NHS number, or a family name, date of birth, postcode and given-name initial.
    Returns how many pairs are new in the queue."""

    people = {
        p.pk: p
        for p in Person.objects.filter(authority=authority, merged_into__isnull=True).only(
            "pk", "public_id", *KEYED_FIELDS
        )
    }
    groups: dict[tuple, list[int]] = defaultdict(list)
    for person in people.values():
        if person.nhs_number:
            groups[("nhs", person.nhs_number)].append(person.pk)
        given, family = norm_name(person.given_name), norm_name(person.family_name)
        if person.date_of_birth and family and given and person.postcode:
            groups[
                ("names", family, person.date_of_birth, norm_postcode(person.postcode), given[0])
            ].append(person.pk)
    # A second registration has no household (synth.py); twins share one, and a name initial.
    in_household = set(
        HouseholdMembership.objects.filter(
            person_id__in=list(people), end__isnull=True
        ).values_list("person_id", flat=True)
    )
    pairs: set[tuple[int, int]] = set()
    for key, members in groups.items():
        if not 1 < len(members) <= 4:  # a large group is a data fault, not one person
            continue
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if key[0] == "names" and a in in_household and b in in_household:
                    continue
                pairs.add((a, b))
    known = set(ReviewPair.objects.values_list("person_a_id", "person_b_id"))
    queued = 0
    for a, b in sorted(pairs - known):
        queue_pair(
            people[a],
            people[b],
            by=None,
            reason="Demo: a near-duplicate registration in the synthetic register",
            channel="task",
        )
        queued += 1
    return queued


def load_demo(*, authority, rng: random.Random, stdout) -> None:

    seeded = seed_known_duplicates(authority=authority)
    report = run_register(authority_id=authority.pk, train=True)
    stdout.write(
        f"Matching: trained on {report['records']:,} people; "
        f"{seeded + report.get('queued', 0):,} possible duplicates queued for review "
        f"({seeded:,} near-duplicate registrations seeded).\n"
    )
