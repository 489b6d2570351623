"""Supporting Families: the quarterly data return and the results claim.

A family is claimed when (Supporting Families programme guidance 2022 to 2025, chapter 5,
"Evidencing successful family outcomes", continued for 2025 to 2026) it had needs under at least
three of the ten headline outcomes of the National Supporting Families Outcome Framework
(referrals.needs.Need is that list), a whole-family assessment, a lead practitioner and a family
plan, and an outcome achieved against every identified need that was sustained for six months
after the case closed (casework's sustainment period, broken by a new referral for the family).

Each claimed family carries its evidence: which need, which data, which date. A family whose
evidence is missing is refused with the reason (listed on the worklist); a family is never
claimed twice in the programme (returns.models.SupportingFamiliesClaim's unique constraint, and
the check below, which also keeps a family with two episodes to one line of one claim).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from familyhub.casework.models import (
    Assessment,
    Episode,
    EpisodeNeed,
    EpisodeStatus,
    Goal,
    NeedOutcome,
)
from familyhub.casework.selectors import sustainment_breaking_referrals
from familyhub.casework.services import SF_MINIMUM_NEEDS, SUSTAINMENT_MONTHS
from familyhub.core.dates import add_months
from familyhub.core.exports import XLSX_TYPE, xlsx_bytes
from familyhub.referrals.needs import NEED_LABELS, Need
from familyhub.returns.building import BuildContext, Built, fix_episode
from familyhub.returns.models import ReturnRun, SupportingFamiliesClaim

# The framework claims are counted under: one programme from the framework's start (October
# 2022) through its 2025 to 2026 continuation, within which a family is claimed once.
PROGRAMME = "sf-2022"


@dataclass
class Evidence:
    need: str
    data: str
    on: date | None


@dataclass
class Claim:
    episode_id: int
    episode_public_id: object
    person_id: int
    person_public_id: object
    family_key: str
    team_id: int | None
    child: str
    evidence: list[Evidence] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)


def family_key(episode: Episode) -> str:
    return (
        f"household:{episode.household_id}"
        if episode.household_id
        else f"person:{episode.person_id}"
    )


def _due(context_start: date, context_end: date):
    """Episodes whose six months after closure end in the quarter: the claims due now."""
    return Episode.objects.filter(
        status=EpisodeStatus.CLOSED,
        sf_eligible=True,
        end__gte=add_months(context_start, -SUSTAINMENT_MONTHS),
        end__lte=add_months(context_end, -SUSTAINMENT_MONTHS),
    )


def _evidence(
    episode: Episode, period_end: date, claimed: dict[str, ReturnRun], today: date
) -> Claim:
    claim = Claim(
        episode_id=episode.pk,
        episode_public_id=episode.public_id,
        person_id=episode.person_id,
        person_public_id=episode.person.public_id,
        family_key=family_key(episode),
        team_id=episode.team_id,
        child=f"{episode.person.given_name} {episode.person.family_name}".strip(),
    )
    needs = list(episode.needs.all())
    if len({n.need for n in needs}) < SF_MINIMUM_NEEDS:
        claim.refusals.append(
            ("needs", f"{len(needs)} needs identified: the framework needs at least three")
        )
    assessment = max(episode.assessments.all(), key=lambda a: a.completed_on, default=None)
    if assessment is None:
        claim.refusals.append(("assessment", "No whole-family assessment is recorded"))
    else:
        claim.evidence.append(Evidence("All", "Whole-family assessment", assessment.completed_on))
    if episode.lead_professional is None:
        claim.refusals.append(("lead_professional", "No lead practitioner is recorded"))
    else:
        lead = episode.lead_professional.get_full_name() or episode.lead_professional.username
        claim.evidence.append(Evidence("All", f"Lead practitioner: {lead}", episode.start))
    goals = list(episode.goals.all())
    if not goals:
        claim.refusals.append(("plan", "No family plan (no goal) is recorded"))
    else:
        first = min(goal.created_at for goal in goals).date()
        claim.evidence.append(Evidence("All", f"Family plan: {len(goals)} goals", first))
    planned = {goal.need for goal in goals}
    for need in needs:
        label = NEED_LABELS.get(need.need, need.need)
        if need.outcome != NeedOutcome.ACHIEVED:
            outcome = need.get_outcome_display() or "no outcome recorded"
            claim.refusals.append(
                (f"outcome_{need.need}", f"{label}: {outcome.lower()} at closure, not achieved")
            )
            continue
        data = "Outcome achieved at closure"
        if need.need in planned:
            data += ", against a goal of the family plan"
        claim.evidence.append(Evidence(label, data, episode.end))
    if episode.sustainment_until is None or episode.sustainment_until > min(period_end, today):
        claim.refusals.append(("sustainment", "The six months after closure have not ended"))
    elif sustainment_breaking_referrals(episode).exists():
        claim.refusals.append(
            ("sustainment", "A new referral for the family during the six months after closure")
        )
    else:
        claim.evidence.append(
            Evidence(
                "All",
                f"Sustained: no new referral for the family from {episode.sustainment_from:%d/%m/%Y}",
                episode.sustainment_until,
            )
        )
    earlier = claimed.get(claim.family_key)
    if earlier is not None:
        claim.refusals.append(
            (
                "family",
                f"Already claimed in the {earlier.period_label} claim; a family is claimed once",
            )
        )
    return claim


def _already_claimed() -> dict[str, ReturnRun]:
    return {
        c.family_key: c.run
        for c in SupportingFamiliesClaim.objects.filter(programme=PROGRAMME).select_related("run")
    }


def assess(authority_id: int, start: date, end: date) -> list[Claim]:
    """Every family due a claim in the quarter, with its evidence and any reasons to refuse it.
    A family with two episodes due is claimed on the first and refused on the others."""
    claimed = _already_claimed()
    today = timezone.localdate()
    episodes = (
        _due(start, end)
        .filter(authority_id=authority_id)
        .select_related("person", "lead_professional")
        .prefetch_related("needs", "assessments", "goals")
        .order_by("end", "pk")
    )
    claims: list[Claim] = []
    in_this_claim: set[str] = set()
    for episode in episodes:
        claim = _evidence(episode, end, claimed, today)
        if claim.family_key in in_this_claim:
            claim.refusals.append(("family", "The same family is already in this claim"))
        if not claim.refusals:
            in_this_claim.add(claim.family_key)
        claims.append(claim)
    return claims


def claimable_in(run: ReturnRun) -> list[Claim]:
    """The families a run claims (recomputed when it is sent, on the same rule)."""
    return [c for c in assess(run.authority_id, run.period_start, run.period_end) if not c.refusals]


def data_return(authority_id: int, start: date, end: date) -> list[list[object]]:
    """The quarter's figures: families worked with, families starting, needs by headline outcome."""
    live = Episode.objects.filter(
        Q(end__isnull=True) | Q(end__gte=start),
        authority_id=authority_id,
        sf_eligible=True,
        start__lte=end,
    )
    needs = (
        EpisodeNeed.objects.filter(episode__in=live.values("pk"))
        .values("need")
        .annotate(families=Count("episode", distinct=True))
        .order_by()
    )
    by_need = {row["need"]: row["families"] for row in needs}
    rows: list[list[object]] = [["Measure", "Families"]]
    rows.append(["Families worked with under the programme in the quarter", live.count()])
    rows.append(["Families starting support in the quarter", live.filter(start__gte=start).count()])
    rows.append(
        [
            "Families with a whole-family assessment",
            live.filter(Exists(Assessment.objects.filter(episode_id=OuterRef("pk")))).count(),
        ]
    )
    rows.append(
        [
            "Families with a family plan",
            live.filter(Exists(Goal.objects.filter(episode_id=OuterRef("pk")))).count(),
        ]
    )
    for need in Need:
        rows.append([f"Families with a need: {need.label}", by_need.get(need.value, 0)])
    return rows


CLAIM_HEADER = ["Family", "Child", "Episode", "Need", "Evidence", "Date"]
REFUSED_HEADER = ["Family", "Child", "Episode", "Why it is not claimed"]


def build(context: BuildContext) -> Built:
    authority_id, start, end = context.authority_id, context.start, context.end
    claims = assess(authority_id, start, end)
    context.advance(1)
    claim_rows: list[list[object]] = [list(CLAIM_HEADER)]
    refused_rows: list[list[object]] = [list(REFUSED_HEADER)]
    for claim in claims:
        episode = str(claim.episode_public_id)
        if claim.refusals:
            for field_name, reason in claim.refusals:
                refused_rows.append([claim.family_key, claim.child, episode, reason])
                context.fail(
                    person_id=claim.person_id,
                    team_id=claim.team_id,
                    record="Results claim",
                    field_name=field_name,
                    message=f"Not claimed: {reason}",
                    fix_url=fix_episode(claim.episode_public_id),
                    blocking=False,
                )
            continue
        for item in claim.evidence:
            on = item.on.strftime("%Y-%m-%d") if item.on else ""
            claim_rows.append([claim.family_key, claim.child, episode, item.need, item.data, on])
    context.note_people((c.person_id, c.person_public_id) for c in claims)
    figures = data_return(authority_id, start, end)
    context.advance(1)
    label = context.run.period_label.replace("/", "-").replace(" ", "-")
    claimed = sum(1 for c in claims if not c.refusals)
    return Built(
        file_name=f"supporting-families-{label}.xlsx",
        content_type=XLSX_TYPE,
        content=xlsx_bytes(
            [("Data return", figures), ("Results claim", claim_rows), ("Not claimed", refused_rows)]
        ),
        counts={"families claimed": claimed, "families not claimed": len(claims) - claimed}
        | {"families worked with": int(figures[1][1])},  # type: ignore[call-overload]
    )


STEPS = 2
