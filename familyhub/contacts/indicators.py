"""Making Every Contact Count figures, declared to the indicator contract (core.indicators) and
imported by this part's AppConfig.ready(). Counts only: no person leaves these functions.

Every prompt a contact offered is a PromptAnswer row (blank answer: offered, not answered), so:

- mecc_prompts_answered: prompts answered out of prompts offered, at contacts in the period;
- mecc_prompts_<answer> (discussed, signposted, referred, declined, not_relevant): prompts given
  that answer out of prompts answered.

Each by area (the person's), service (the contact's owning service) and team (the recorder's).
Prompts are data a council edits, so the figures per prompt are not indicators (whose keys never
change): prompt_figures() gives them, per prompt code and answer, for the same period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from familyhub.access.records import Category
from familyhub.contacts.models import (
    Answer,
    Contact,
    HouseholdSmoking,
    ParentWork,
    PostnatalMood,
    Prompt,
    PromptAnswer,
)
from familyhub.core.indicators import Cell, cells, indicator, people_behind
from familyhub.people.models import Person

PART = "contacts"


def _offered(authority_id: int, start: date, end: date) -> QuerySet[PromptAnswer]:
    return PromptAnswer.objects.filter(
        contact__person__authority_id=authority_id,
        contact__person__merged_into__isnull=True,
        contact__contact_on__range=(start, end),
    )


def _grouped(rows: QuerySet[PromptAnswer], numerator: Q, denominator: Q | None) -> list[Cell]:
    counted = Count("pk") if denominator is None else Count("pk", filter=denominator)
    return cells(
        rows.values(
            area_id=F("contact__person__area_id"),
            service_id=F("contact__owning_service_id"),
            team_id=F("contact__team_id"),
        )
        .annotate(numerator=Count("pk", filter=numerator), denominator=counted)
        .order_by()
    )


ANSWERED = ~Q(answer="")


@indicator(
    key="mecc_prompts_answered",
    title="Making Every Contact Count prompts answered",
    target=80.0,
    numerator="Prompts answered at contacts in the quarter",
    denominator="Prompts offered at contacts in the quarter",
    part=PART,
    note="A prompt is offered when the family's record says it applies and it was not answered "
    "for the family recently (each council sets its prompts and how often they are asked).",
)
def mecc_prompts_answered(authority_id: int, start: date, end: date) -> list[Cell]:
    return _grouped(_offered(authority_id, start, end), ANSWERED, None)


@people_behind("mecc_prompts_answered", records=Contact)
def mecc_prompts_answered_people(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    answered = _offered(authority_id, start, end).filter(ANSWERED)
    return Person.objects.filter(pk__in=answered.values("contact__person_id"))


def _by_answer(answer: Answer) -> None:
    """Register mecc_prompts_<answer>: prompts given this answer out of prompts answered."""
    key = f"mecc_prompts_{answer.value}"
    words = answer.label.lower()

    def compute(authority_id: int, start: date, end: date) -> list[Cell]:
        return _grouped(_offered(authority_id, start, end), Q(answer=answer.value), ANSWERED)

    compute.__name__ = compute.__qualname__ = key
    indicator(
        key=key,
        title=f"Making Every Contact Count prompts answered “{words}”",
        numerator=f"Prompts answered “{words}” at contacts in the quarter",
        denominator="Prompts answered at contacts in the quarter",
        part=PART,
        # More referrals and signposting is the point; more declined is not.
        higher_is_better=answer in (Answer.SIGNPOSTED, Answer.REFERRED, Answer.DISCUSSED),
    )(compute)


for _answer in Answer:
    _by_answer(_answer)


@dataclass
class PromptFigure:
    """One prompt's figures for a period: how often it was offered, and each answer."""

    code: str
    question: str
    offered: int = 0
    answered: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # Answer value -> count


def prompt_figures(authority_id: int, start: date, end: date) -> list[PromptFigure]:
    """Per prompt code (a council's own prompt and a default one with the same code count
    together), the prompts offered at contacts in the period and the answers given, in one
    query (and one for the questions)."""
    rows = list(
        _offered(authority_id, start, end)
        .values("prompt__code", "answer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The council's own question for a code, else the default one (ordered last, so it wins).
    questions = dict(
        Prompt.objects.filter(Q(authority_id=authority_id) | Q(authority__isnull=True))
        .filter(code__in={row["prompt__code"] for row in rows})
        .order_by(F("authority_id").asc(nulls_first=True))
        .values_list("code", "question")
    )
    figures: dict[str, PromptFigure] = {}
    for row in rows:
        code = row["prompt__code"]
        figure = figures.setdefault(code, PromptFigure(code, questions.get(code, code)))
        figure.offered += row["n"]
        if row["answer"]:
            figure.answered += row["n"]
            figure.answers[row["answer"]] = figure.answers.get(row["answer"], 0) + row["n"]
    return sorted(figures.values(), key=lambda figure: figure.code)


# --- What practitioners learned at contacts ---------------------------------------------------
# Each counts people, from the latest contact in the quarter that recorded the answer (an
# earlier answer the same quarter is superseded), by the person's area and the contact's
# service and team.


def _latest_learned(authority_id: int, start: date, end: date, field: str) -> QuerySet[Contact]:
    recorded = Contact.objects.filter(
        person__authority_id=authority_id,
        person__merged_into__isnull=True,
        contact_on__range=(start, end),
    ).exclude(**{field: ""})
    later = recorded.filter(person_id=OuterRef("person_id")).filter(
        Q(contact_on__gt=OuterRef("contact_on"))
        | Q(contact_on=OuterRef("contact_on"), pk__gt=OuterRef("pk"))
    )
    return recorded.filter(~Exists(later))


def _learned_cells(contacts: QuerySet[Contact], numerator: Q) -> list[Cell]:
    return cells(
        contacts.values("team_id", area_id=F("person__area_id"), service_id=F("owning_service_id"))
        .annotate(numerator=Count("pk", filter=numerator), denominator=Count("pk"))
        .order_by()
    )


@indicator(
    key="smoke_free_homes",
    title="Smoke-free homes",
    numerator="People whose household no one smokes in, at their latest contact",
    denominator="People asked about smoking in the household at a contact in the quarter",
    part=PART,
    note="As the practitioner recorded it at a contact ('what you learned').",
)
def smoke_free_homes(authority_id: int, start: date, end: date) -> list[Cell]:
    latest = _latest_learned(authority_id, start, end, "household_smoking")
    return _learned_cells(latest, Q(household_smoking=HouseholdSmoking.NO_ONE))


@indicator(
    key="parents_in_work_or_training",
    title="Parents in work or training",
    numerator="Parents in work, or in education or training, at their latest contact",
    denominator="Parents asked about work or training at a contact in the quarter",
    part=PART,
)
def parents_in_work_or_training(authority_id: int, start: date, end: date) -> list[Cell]:
    latest = _latest_learned(authority_id, start, end, "parent_work")
    return _learned_cells(latest, Q(parent_work__in=[ParentWork.WORKING, ParentWork.TRAINING]))


@indicator(
    key="postnatal_depression_treated",
    title="Postnatal depression treated or supported",
    numerator="Mothers with postnatal depression who are treated or supported",
    denominator="Mothers with postnatal depression (diagnosed, or treated) at their latest contact",
    part=PART,
    category=Category.MENTAL_HEALTH,
)
def postnatal_depression_treated(authority_id: int, start: date, end: date) -> list[Cell]:
    latest = _latest_learned(authority_id, start, end, "postnatal_mood").filter(
        postnatal_mood__in=[PostnatalMood.DIAGNOSED, PostnatalMood.TREATED]
    )
    return _learned_cells(latest, Q(postnatal_mood=PostnatalMood.TREATED))
