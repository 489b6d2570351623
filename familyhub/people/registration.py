"""Single registration's duplicate check, shared by the pages and the API: search the register
for likely matches and show each through the access layer's minimal registration view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from familyhub.people import access
from familyhub.people.models import Person
from familyhub.people.selectors import authority_of, household_sizes, postcode_district

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "sex": "Sex",
}


@dataclass
class ShownCandidate:
    """What the registrar (or a partner system) may see of a possible match: the minimal view."""

    public_id: object
    name: str
    date_of_birth: datetime.date | None
    postcode_district: str
    household_size: int
    score: float
    probability: float
    agree: list[str] = field(default_factory=list)
    close: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        # Never "100%": the page helps a person decide, it does not decide for them.
        return min(99, round(100 * self.probability))


def find_candidates(
    user,
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: datetime.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    channel: str = "registration",
    limit: int = 5,
) -> list[ShownCandidate]:
    """Likely existing records for the details typed so far, best first. Each one shown is
    logged by the access layer; people the user may not be shown are dropped."""
    if not (family_name or date_of_birth or nhs_number):
        return []
    found = access.search_candidates(
        authority=authority_of(user),
        given_name=given_name or "",
        family_name=family_name or "",
        date_of_birth=date_of_birth,
        postcode=postcode or "",
        nhs_number=nhs_number or "",
        sex=sex or "",
        limit=limit,
    )
    if not found:
        return []
    by_id = {c.person_id: c for c in found}
    allowed = access.match_candidates_for_registration(
        user, Person.objects.filter(pk__in=list(by_id)), channel=channel
    )
    people = list(allowed)
    sizes = household_sizes([p.pk for p in people])
    shown = []
    for person in people:
        candidate = by_id[person.pk]
        fields = dict(candidate.fields)
        shown.append(
            ShownCandidate(
                public_id=person.public_id,
                name=person.display_name,
                date_of_birth=person.date_of_birth,
                postcode_district=postcode_district(person.postcode),
                household_size=sizes.get(person.pk, 0),
                score=float(candidate.score),
                probability=float(candidate.probability),
                agree=[_label(n) for n, v in fields.items() if v == "agree"],
                close=[_label(n) for n, v in fields.items() if v == "close"],
                differ=[_label(n) for n, v in fields.items() if v == "differ"],
                fields=fields,
            )
        )
    shown.sort(key=lambda c: -c.score)
    return shown


def _label(name: str) -> str:
    return FIELD_LABELS.get(str(name), str(name))
