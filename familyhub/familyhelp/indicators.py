"""Family group decision making in figures for the council, declared to the indicator contract
(core.indicators) and imported by this part's AppConfig.ready(). Counts only: no person leaves
these functions. Each by area (the child's), service (the record's owning service) and team
(the episode's).

- fgdm_offers_made: families stepped up to children's social care in the quarter who had been
  offered a meeting (the duty's point);
- fgdm_offers_accepted: offers made in the quarter that the family accepted;
- fgdm_meetings_held: offers accepted in the quarter with a meeting held;
- fgdm_family_plans: meetings held in the quarter that ended in the family's own plan;
- fgdm_days_referral_to_meeting: the average days from the referral (else the episode's
  start) to the first meeting, for meetings held in the quarter. The contract adds cells up
  across areas, so an indicator can carry an average and not a median: median_days_to_meeting()
  gives the median for the same period.
"""

from __future__ import annotations

import statistics
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from familyhub.casework.models import Episode, EpisodeEvent
from familyhub.core.indicators import Cell, cells, indicator, people_behind
from familyhub.familyhelp.models import FamilyPlan, FgdmMeeting, FgdmOffer, OfferResponse
from familyhub.people.models import Person

PART = "familyhelp"


def _grouped(rows: QuerySet, numerator: Q | None, *, episode: str = "episode__") -> list[Cell]:
    hit = Count("pk") if numerator is None else Count("pk", filter=numerator)
    keys = {"area_id": F("person__area_id"), "service_id": F("owning_service_id")}
    # An episode's own team_id is a field; a record reaches it through its episode.
    team = ("team_id",) if not episode else ()
    if episode:
        keys["team_id"] = F(f"{episode}team_id")
    return cells(
        rows.values(*team, **keys).annotate(numerator=hit, denominator=Count("pk")).order_by()
    )


def _of(model, authority_id: int):
    return model.objects.filter(person__authority_id=authority_id, person__merged_into__isnull=True)


def _stepped_up(authority_id: int, start: date, end: date) -> QuerySet:
    events = EpisodeEvent.objects.filter(
        episode=OuterRef("pk"), kind=EpisodeEvent.Kind.STEPPED_UP, at__date__range=(start, end)
    )
    return _of(Episode, authority_id).filter(Exists(events))


@indicator(
    key="fgdm_offers_made",
    title="Families stepped up to children's social care who were offered a family group "
    "decision-making meeting",
    target=100.0,
    numerator="Families stepped up in the quarter with a meeting offered",
    denominator="Families stepped up to children's social care in the quarter",
    part=PART,
    note="The Children's Wellbeing and Schools Act 2026 (s.1) makes offering a meeting a duty "
    "before an initial child protection conference and before pre-proceedings.",
)
def fgdm_offers_made(authority_id: int, start: date, end: date) -> list[Cell]:
    offered = Exists(FgdmOffer.objects.filter(episode=OuterRef("pk")))
    rows = _stepped_up(authority_id, start, end).annotate(offered=offered)
    return _grouped(rows, Q(offered=True), episode="")


@people_behind("fgdm_offers_made", records=FgdmOffer)
def fgdm_offers_made_people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    episodes = _stepped_up(authority_id, start, end).filter(
        Exists(FgdmOffer.objects.filter(episode=OuterRef("pk")))
    )
    return Person.objects.filter(pk__in=episodes.values("person_id"))


def _offers(authority_id: int, start: date, end: date) -> QuerySet:
    return _of(FgdmOffer, authority_id).filter(offered_on__range=(start, end))


@indicator(
    key="fgdm_offers_accepted",
    title="Offers of a family group decision-making meeting accepted",
    numerator="Offers made in the quarter that the family accepted",
    denominator="Offers made in the quarter",
    part=PART,
)
def fgdm_offers_accepted(authority_id: int, start: date, end: date) -> list[Cell]:
    return _grouped(_offers(authority_id, start, end), Q(response=OfferResponse.ACCEPTED))


@people_behind("fgdm_offers_accepted", records=FgdmOffer)
def fgdm_offers_accepted_people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    accepted = _offers(authority_id, start, end).filter(response=OfferResponse.ACCEPTED)
    return Person.objects.filter(pk__in=accepted.values("person_id"))


@indicator(
    key="fgdm_meetings_held",
    title="Accepted offers with a family group decision-making meeting held",
    numerator="Offers made and accepted in the quarter with a meeting held",
    denominator="Offers made in the quarter that the family accepted",
    part=PART,
)
def fgdm_meetings_held(authority_id: int, start: date, end: date) -> list[Cell]:
    accepted = _offers(authority_id, start, end).filter(response=OfferResponse.ACCEPTED)
    held = accepted.annotate(held=Exists(FgdmMeeting.objects.filter(offer=OuterRef("pk"))))
    return _grouped(held, Q(held=True))


@people_behind("fgdm_meetings_held", records=FgdmMeeting)
def fgdm_meetings_held_people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    meetings = FgdmMeeting.objects.filter(
        offer__in=_offers(authority_id, start, end).filter(response=OfferResponse.ACCEPTED)
    )
    return Person.objects.filter(pk__in=meetings.values("person_id"))


def _meetings(authority_id: int, start: date, end: date) -> QuerySet:
    return _of(FgdmMeeting, authority_id).filter(held_on__range=(start, end))


@indicator(
    key="fgdm_family_plans",
    title="Family group decision-making meetings that ended in the family's own plan",
    numerator="Meetings held in the quarter with a family plan",
    denominator="Meetings held in the quarter",
    part=PART,
)
def fgdm_family_plans(authority_id: int, start: date, end: date) -> list[Cell]:
    rows = _meetings(authority_id, start, end).annotate(
        planned=Exists(FamilyPlan.objects.filter(meeting=OuterRef("pk")))
    )
    return _grouped(rows, Q(planned=True))


@people_behind("fgdm_family_plans", records=FamilyPlan)
def fgdm_family_plans_people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    plans = FamilyPlan.objects.filter(meeting__in=_meetings(authority_id, start, end))
    return Person.objects.filter(pk__in=plans.values("person_id"))


def _first_meetings(authority_id: int, start: date, end: date) -> QuerySet:
    """Each episode's first meeting, when it was held in the period."""
    earlier = FgdmMeeting.objects.filter(
        episode_id=OuterRef("episode_id"), held_on__lt=OuterRef("held_on")
    )
    return _meetings(authority_id, start, end).exclude(Exists(earlier))


def _days(authority_id: int, start: date, end: date) -> list[dict]:
    rows = _first_meetings(authority_id, start, end).values(
        "held_on",
        "episode__start",
        "episode__referral__received_at",
        area_id=F("person__area_id"),
        service_id=F("owning_service_id"),
        team_id=F("episode__team_id"),
    )
    found = []
    for row in rows:
        received = row["episode__referral__received_at"]
        began = received.date() if received else row["episode__start"]
        found.append({**row, "days": max((row["held_on"] - began).days, 0)})
    return found


@indicator(
    key="fgdm_days_referral_to_meeting",
    title="Average days from referral to the family group decision-making meeting",
    unit=" days",
    higher_is_better=False,
    numerator="Days from referral to the first meeting, added up",
    denominator="First meetings held in the quarter",
    part=PART,
    note="From the referral that opened the episode (or the episode's start) to its first meeting.",
)
def fgdm_days_referral_to_meeting(authority_id: int, start: date, end: date) -> list[Cell]:
    # One row per meeting held in the quarter (a few hundred at most), so the days are worked
    # out here; the cells are still counts only.
    return cells(
        {**row, "numerator": row["days"], "denominator": 1}
        for row in _days(authority_id, start, end)
    )


def median_days_to_meeting(authority_id: int, start: date, end: date) -> float | None:
    """The median days from referral to the first meeting, for first meetings in the period."""
    days = [row["days"] for row in _days(authority_id, start, end)]
    return statistics.median(days) if days else None
