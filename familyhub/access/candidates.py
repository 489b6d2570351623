"""Single registration's duplicate check, shared by the pages, the API and the referral form:
search the register for likely matches (matching.search) and show each in the minimal view
(name, date of birth, postcode district, household size), logged as a search. It lives in the
access part because what it shows of people the user may not otherwise see is the protocol's
minimal view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Func, Q, Value
from django.db.models.functions import Lower, Replace, Upper

from familyhub.access.layer import match_candidates, viewer_for
from familyhub.matching.search import search_candidates
from familyhub.people.models import Person
from familyhub.people.selectors import household_sizes, postcode_district
from familyhub.places.models import Authority

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
    year_of_birth: int | None = None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    card_number: str = "",
    channel: str = "registration",
    limit: int = 5,
) -> list[ShownCandidate]:
    """Likely existing records for the details typed so far, best first, in the user's council.
    Each one shown is logged; people outside the user's council are never shown."""
    viewer = viewer_for(user)
    if not viewer.authority_ids or not (
        family_name
        or date_of_birth
        or nhs_number
        or postcode
        or card_number
        or (given_name and year_of_birth)
        or given_name
    ):
        return []
    found = []
    if family_name or date_of_birth or nhs_number:
        found = search_candidates(
            authority=Authority.objects.get(pk=viewer.authority_ids[0]),
            given_name=given_name or "",
            family_name=family_name or "",
            date_of_birth=date_of_birth,
            postcode=postcode or "",
            nhs_number=nhs_number or "",
            sex=sex or "",
            limit=limit,
        )
    by_id = {c.person_id: c for c in found}
    direct = _direct_matches(
        viewer,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        year_of_birth=year_of_birth,
        postcode=postcode,
        card_number=card_number,
    )
    if nhs_number:
        direct += list(
            Person.objects.filter(
                nhs_number=nhs_number,
                merged_into__isnull=True,
                authority_id__in=viewer.authority_ids,
            ).values_list("pk", flat=True)[:10]
        )
    ids = list(dict.fromkeys([*by_id, *direct]))[: max(limit, 10)]
    people = match_candidates(user, ids, purpose="Duplicate check at registration", channel=channel)
    sizes = household_sizes([p.pk for p in people])
    typed = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "postcode": postcode,
        "nhs_number": nhs_number,
    }
    shown = []
    for person in people:
        candidate = by_id.get(person.pk)
        fields = dict(candidate.fields) if candidate else _agreement(person, typed)
        shown.append(
            ShownCandidate(
                public_id=person.public_id,
                name=person.display_name,
                date_of_birth=person.date_of_birth,
                postcode_district=postcode_district(person.postcode),
                household_size=sizes.get(person.pk, 0),
                score=float(candidate.score) if candidate else 0.0,
                probability=float(candidate.probability) if candidate else 0.0,
                agree=[_label(n) for n, v in fields.items() if v == "agree"],
                close=[_label(n) for n, v in fields.items() if v == "close"],
                differ=[_label(n) for n, v in fields.items() if v == "differ"],
                fields=fields,
            )
        )
    shown.sort(key=lambda c: -c.score)
    return shown


def _agreement(person: Person, typed: dict) -> dict[str, str]:
    """Which typed details a directly found person has, for the "Why" column."""
    fields: dict[str, str] = {}
    for name, value in typed.items():
        if not value:
            continue
        theirs = getattr(person, name, None)
        if name in ("given_name", "family_name"):
            same = _plain_name(str(theirs or "")) == _plain_name(str(value))
        elif name == "postcode":
            same = "".join(str(theirs or "").split()).upper() == "".join(str(value).split()).upper()
        else:
            same = theirs == value
        fields[name] = "agree" if same else "differ"
    return fields


def _label(name: str) -> str:
    return FIELD_LABELS.get(str(name), str(name))


# Apostrophes as typed on a phone or pasted from a letter: O'Connor, O’Connor, O‘Connor, O`Connor.
APOSTROPHES = ("'", "\u2019", "\u2018", "`", "\u02bc")


def _plain_name(text: str) -> str:
    """A name as compared by the plain lookups: lower case, no apostrophes, trimmed."""
    text = (text or "").strip().lower()
    for mark in APOSTROPHES:
        text = text.replace(mark, "")
    return text


def _plain_name_sql(field_name: str):
    """The database's side of _plain_name, for a column."""
    expression: Func = Lower(field_name)
    for mark in APOSTROPHES:
        expression = Replace(expression, Value(mark), Value(""))
    return expression


def _direct_matches(
    viewer,
    *,
    given_name: str,
    family_name: str,
    date_of_birth,
    postcode: str,
    card_number: str,
    year_of_birth: int | None = None,
) -> list[int]:
    """Plain lookups the scored search does not block on: a family name alone (apostrophes
    straight or curly, any case), a given name with a date or year of birth, a postcode (any
    spacing or case), a family card number."""
    people = Person.objects.filter(merged_into__isnull=True, authority_id__in=viewer.authority_ids)
    if card_number:
        compact = "".join(card_number.split()).upper()
        people = people.filter(
            household_memberships__household__card_number__iexact=compact,
            household_memberships__end__isnull=True,
        )
    if family_name and _plain_name(family_name):
        typed = _plain_name(family_name)
        people = people.annotate(
            plain_family=_plain_name_sql("family_name"), plain_known_as=_plain_name_sql("known_as")
        ).filter(Q(plain_family=typed) | Q(plain_known_as=typed))
    if given_name and _plain_name(given_name):
        people = people.annotate(plain_given=_plain_name_sql("given_name")).filter(
            plain_given__startswith=_plain_name(given_name)[:3]
        )
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    elif year_of_birth:
        people = people.filter(date_of_birth__year=year_of_birth)
    if postcode:
        compact_postcode = "".join(postcode.split()).upper()
        people = people.annotate(
            compact_postcode=Replace(Upper("postcode"), Value(" "), Value(""))
        ).filter(compact_postcode=compact_postcode)
    if not (card_number or family_name or given_name or date_of_birth or postcode or year_of_birth):
        return []
    return list(
        people.order_by("family_name", "given_name", "pk")
        .distinct()
        .values_list("pk", flat=True)[:10]
    )


def find_people(
    user,
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: datetime.date | None = None,
    year_of_birth: int | None = None,
    postcode: str = "",
    card_number: str = "",
    purpose: str,
    channel: str = "search",
    limit: int = 10,
) -> list[Person]:
    """Find people on the register by any combination of details (to refer them, or to start
    a registration): the duplicate search's scored candidates first, then plain exact lookups,
    so "nobody" is only said when nobody in the user's council has those details. Each person
    found is shown in the minimal view and logged as a search."""
    viewer = viewer_for(user)
    if not viewer.authority_ids:
        return []
    ids: list[int] = []
    if family_name or date_of_birth:
        ids += [
            c.person_id
            for c in search_candidates(
                authority=Authority.objects.get(pk=viewer.authority_ids[0]),
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                postcode=postcode,
                limit=limit,
            )
        ]
    ids += _direct_matches(
        viewer,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        year_of_birth=year_of_birth,
        postcode=postcode,
        card_number=card_number,
    )
    ordered = list(dict.fromkeys(ids))[:limit]
    return match_candidates(user, ordered, purpose=purpose, channel=channel)
