"""Early help casework indicators, declared to the indicator contract (core.indicators) and imported by this part's AppConfig.ready(). Counts only: no person leaves these functions."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q

from familyhub.casework.models import Episode, EpisodeNeed, EpisodeStatus, NeedOutcome
from familyhub.core.dates import AddDays
from familyhub.core.indicators import (
    Cell,
    by_characteristic,
    cells,
    characteristic_cells,
    indicator,
)
from familyhub.referrals.models import Referral
from familyhub.referrals.needs import Need

PART = "casework"


def _closed(authority_id: int, start: date, end: date):
    return Episode.objects.filter(
        authority_id=authority_id,
        status=EpisodeStatus.CLOSED,
        end__range=(start, end),
        person__merged_into__isnull=True,
    )


def _grouped(queryset, hit) -> list[Cell]:
    return cells(
        queryset.annotate(hit=hit)
        .values("team_id", area_id=F("person__area_id"), service_id=F("team__service_id"))
        .annotate(numerator=Count("pk", filter=Q(hit=True)), denominator=Count("pk"))
        .order_by()
    )


@indicator(
    key="closed_all_needs_achieved",
    title="Families closed with all needs achieved",
    target=60.0,
    numerator="Early help episodes closed with every identified need achieved",
    denominator="Early help episodes closed in the quarter",
    part=PART,
    note="An episode with no needs recorded counts in the denominator only.",
)
def closed_all_needs_achieved(authority_id: int, start: date, end: date) -> list[Cell]:
    return _grouped(_closed(authority_id, start, end), _all_achieved())


def _all_achieved():
    needs = EpisodeNeed.objects.filter(episode_id=OuterRef("pk"))
    return Exists(needs) & ~Exists(needs.exclude(outcome=NeedOutcome.ACHIEVED))


@by_characteristic("closed_all_needs_achieved")
def closed_all_needs_achieved_by_characteristic(authority_id: int, start: date, end: date):
    closed = _closed(authority_id, start, end).annotate(hit=_all_achieved())
    return characteristic_cells(closed, person="person__")


@indicator(
    key="re_referrals_12_months",
    title="Re-referrals within 12 months of closure",
    higher_is_better=False,
    target=15.0,
    numerator="Closures followed by a new referral of the same child or family within 12 months",
    denominator="Early help episodes closed in the quarter",
    part=PART,
    note="Closures in the last 12 months have not had their full 12 months yet.",
)
def re_referrals_12_months(authority_id: int, start: date, end: date) -> list[Cell]:
    later = Referral.objects.filter(
        Q(person_id=OuterRef("person_id"))
        | Q(household_id=OuterRef("household_id"), household_id__isnull=False),
        received_at__date__gt=OuterRef("end"),
        received_at__date__lte=AddDays(OuterRef("end"), 365),
    )
    return _grouped(_closed(authority_id, start, end), Exists(later))


# One indicator per Supporting Families headline need (referrals/needs.py: the programme's ten
# headline outcomes), so that a framework area such as "Secure housing" or "Safe from domestic
# abuse" reads the need it names. Whether the improvement was sustained six months after closure
# is the results claim's question (the returns part), not this count's.
NEED_INDICATOR_PREFIX = "need_achieved_"


def _need_achieved(need: str):
    def compute(authority_id: int, start: date, end: date) -> list[Cell]:
        with_need = _closed(authority_id, start, end).filter(needs__need=need)
        achieved = Exists(
            EpisodeNeed.objects.filter(
                episode_id=OuterRef("pk"), need=need, outcome=NeedOutcome.ACHIEVED
            )
        )
        return _grouped(with_need, achieved)

    compute.__name__ = compute.__qualname__ = f"{NEED_INDICATOR_PREFIX}{need}"
    return compute


for _need, _label in Need.choices:
    indicator(
        key=f"{NEED_INDICATOR_PREFIX}{_need}",
        title=f"Need achieved at closure: {_label.lower()}",
        target=None,
        numerator=f"Early help episodes closed with the need '{_label}' achieved",
        denominator=f"Early help episodes closed in the quarter with the need '{_label}' identified",
        part=PART,
        note=(
            "Achieved as the lead professional recorded it at closure; 'partly achieved' "
            "does not count. Sustained progress six months on is the Supporting Families "
            "results claim's test, not this one's."
        ),
    )(_need_achieved(_need))
