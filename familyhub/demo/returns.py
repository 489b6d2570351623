"""Demo records for the statutory returns: enough for each return to have rows, and the records
complete enough that the demo's returns pass their rules (the tests plant each kind of error).

- Health visiting caseloads run from the new birth visit (the child health demo allocates today),
  so the CSDS has its referrals (CYP101) for past months.
- A child with no NHS number carries the status that says why (03, trace required), and a child
  with none is given their household's postcode, as a practitioner would record them.
- Some open Family Help episodes (level 3 and above) become section 17 children in need through
  casework's own service (for the census), from their start; a child of school age among them
  gets a unique pupil number (DfE check letter, the demo borough's LA number).
- One family whose outcomes were all achieved and sustained has its six months end in the last
  complete quarter, so the Supporting Families claim has a family to claim.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.casework import services as casework_services
from familyhub.casework.models import (
    Assessment,
    Episode,
    EpisodeEvent,
    EpisodeNeed,
    EpisodeStatus,
    Goal,
    NeedOutcome,
)
from familyhub.casework.models import Review as CaseReview
from familyhub.childhealth.models import HealthVisitorAllocation
from familyhub.people.identifiers import upn_check_letter
from familyhub.people.models import HouseholdMembership, NhsNumberStatus, Person
from familyhub.places.models import PostcodeArea
from familyhub.returns.kinds import latest_complete_period

CHILDREN_IN_NEED = 8


def _caseloads_from_birth() -> int:
    moved = 0
    for allocation in HealthVisitorAllocation.objects.select_related("person"):
        born = allocation.person.date_of_birth
        if born and allocation.start > born + timedelta(days=14):
            HealthVisitorAllocation.objects.filter(pk=allocation.pk).update(
                start=born + timedelta(days=10)
            )
            moved += 1
    return moved


def _complete_register(authority) -> int:
    fixed = Person.objects.filter(authority=authority, nhs_number="", nhs_number_status="").update(
        nhs_number_status=NhsNumberStatus.TRACE_REQUIRED
    )
    for person in Person.objects.filter(authority=authority, postcode=""):
        other = (
            HouseholdMembership.objects.filter(
                household__memberships__person=person, end__isnull=True
            )
            .exclude(person=person)
            .exclude(person__postcode="")
            .values_list("person__postcode", flat=True)
            .first()
        )
        if not other:  # nobody at home has one: a postcode of the child's own ward
            ward = PostcodeArea.objects.filter(authority=authority)
            if person.area_id:
                ward = ward.filter(area_id=person.area_id)
            other = ward.order_by("postcode").values_list("postcode", flat=True).first()
        if other:
            Person.objects.filter(pk=person.pk).update(postcode=other)
            fixed += 1
    return fixed


def _upn(serial: int, year: int) -> str:
    tail = f"{settings.FAMILYHUB_DFE_LA_NUMBER}{year % 100:02d}{serial:07d}"
    return f"{upn_check_letter(tail)}{tail}"


def _children_in_need(authority, rng: random.Random) -> int:
    episodes = list(
        Episode.objects.filter(authority=authority, status=EpisodeStatus.OPEN, level__rank__gte=3)
        .filter(needs__isnull=False)
        .distinct()
        .order_by("pk")
        .select_related("level", "person", "lead_professional")
    )
    rng.shuffle(episodes)
    made = 0
    for episode in episodes[:CHILDREN_IN_NEED]:
        by = episode.lead_professional or User.objects.filter(role="lead_professional").first()
        if by is None:
            continue
        with transaction.atomic():
            casework_services.episode_level_change(
                episode=episode,
                by=by,
                version=episode.version,
                level=episode.level,
                reason="Assessed as a child in need: Family Help under section 17",
                child_in_need=True,
            )
            # The service stamps today; the demo's story began with the episode.
            Episode.objects.filter(pk=episode.pk).update(child_in_need_from=episode.start)
        child = episode.person
        born = child.date_of_birth
        if born and not child.upn and (timezone.localdate() - born).days >= 4 * 365:
            Person.objects.filter(pk=child.pk).update(upn=_upn(child.pk, born.year + 4))
        made += 1
    return made


def _shift(episode: Episode, days: int) -> None:
    """Move an episode's whole story `days` earlier (its dates, assessment, plan, reviews)."""
    back = timedelta(days=days)
    fields = ("start", "end", "sustainment_from", "sustainment_until", "next_review_due")
    Episode.objects.filter(pk=episode.pk).update(
        **{f: getattr(episode, f) - back for f in fields if getattr(episode, f)}
    )
    for assessment in Assessment.objects.filter(episode=episode):
        Assessment.objects.filter(pk=assessment.pk).update(
            completed_on=assessment.completed_on - back
        )
    for goal in Goal.objects.filter(episode=episode):
        Goal.objects.filter(pk=goal.pk).update(created_at=goal.created_at - back)
    for review in CaseReview.objects.filter(episode=episode):
        CaseReview.objects.filter(pk=review.pk).update(
            held_on=review.held_on - back, next_review_due=review.next_review_due - back
        )
    for event in EpisodeEvent.objects.filter(episode=episode):
        EpisodeEvent.objects.filter(pk=event.pk).update(at=event.at - back)


def _a_claim(authority, today: date) -> int:
    """A family whose outcomes were all achieved and sustained, its story moved back so that its
    six months ended in the last complete quarter."""
    quarter = latest_complete_period("sf", today)
    not_achieved = EpisodeNeed.objects.exclude(outcome=NeedOutcome.ACHIEVED).values("episode_id")
    episode = (
        Episode.objects.filter(
            authority=authority,
            status=EpisodeStatus.CLOSED,
            sf_eligible=True,
            sustainment_until__isnull=False,
            lead_professional__isnull=False,
            assessments__isnull=False,
            goals__isnull=False,
        )
        .exclude(pk__in=not_achieved)
        .distinct()
        .order_by("pk")
        .first()
    )
    if episode is None or episode.sustainment_until is None:
        return 0
    days = (episode.sustainment_until - (quarter.start + timedelta(days=20))).days
    if days > 0:
        _shift(episode, days)
    return 1


def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    today = timezone.localdate()
    moved = _caseloads_from_birth()
    fixed = _complete_register(authority)
    in_need = _children_in_need(authority, rng)
    claims = _a_claim(authority, today)
    stdout.write(
        f"returns: {moved} caseloads from the new birth visit, {fixed} register details "
        f"completed, {in_need} children in need (section 17), {claims} family to claim.\n"
    )
