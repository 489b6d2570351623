"""A synthetic population for the demo borough, tests and the matching benchmark.

    generate_population(n_people, seed=1, duplicate_rate=0.05, areas=None) -> iterator of PersonRecord
    write_csv(path_or_file, n_people, seed=1, ...) -> SynthStats
    fill_database(n_people, seed=1, authority=...) -> SynthStats   (Person, Household, ... rows)

Households of one or two parents and their children aged 0-19 live in the borough's areas, more
of them where more people live, and families with needs are commoner where deprivation is higher.
A share of records are near-duplicate registrations of a real person (typos, nicknames, day and
month swapped, moved house, missing fields, changed surname), each labelled with the person it
really is (`true_person_id`), so that matching can be measured against the truth.

Everything is drawn from one random.Random(seed) in a fixed order, so the same seed and the same
arguments give the same records, byte for byte. Every person is invented. NHS numbers start with
99, outside the ranges issued to patients, and pass the mod-11 check.

Speed: names are drawn from pools built once per process (from Faker's locale lists and the
common names below, weighted so that common names are common), many at a time; nothing calls
Faker per person.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from random import Random
from typing import IO, TYPE_CHECKING, Any

from familyhub.people.identifiers import nhs_check_digit
from familyhub.people.models import (
    Address,
    Household,
    HouseholdMembership,
    Person,
    Relationship,
    RelationshipKind,
)
from familyhub.people.nicknames import variants_of
from familyhub.places.models import Area, PostcodeArea
from familyhub.places.postcode_lookup import DEMO_POSTCODES_FILE, post_town

if TYPE_CHECKING:
    from familyhub.places.models import Authority

CSV_COLUMNS = (
    "id",
    "first_name",
    "surname",
    "dob",
    "sex",
    "address_line1",
    "postcode",
    "town",
    "nhs_number",
    "true_person_id",
)
# A fixed "today" for files, so that a seed gives the same file on any day. The database fill
# uses the real date, so that the demo's babies are babies now.
DEFAULT_AS_OF = datetime.date(2026, 11, 1)


# --- Needs -----------------------------------------------------------------------------------
# A household's needs, after the Supporting Families headline outcomes. The chance of each rises
# with the area's deprivation (0 = least deprived area of the borough, 1 = most).
LONE_PARENT = "lone_parent"
TEENAGE_PARENT = "teenage_parent"
CHILD_POVERTY = "child_poverty"
WORKLESSNESS = "worklessness"
DOMESTIC_ABUSE = "domestic_abuse"
HOUSING = "housing"
PARENT_MENTAL_HEALTH = "parent_mental_health"
SUBSTANCE_MISUSE = "substance_misuse"
SCHOOL_ATTENDANCE = "school_attendance"
CHILD_SEND = "child_send"
# Each need as a Supporting Families headline outcome area (the values of referrals.needs.Need,
# named here as text because the spine does not import the parts built on it). Lone and
# teenage parenthood are circumstances, not needs, so they have none.
HEADLINE_NEED = {
    CHILD_POVERTY: "financial",
    WORKLESSNESS: "financial",
    DOMESTIC_ABUSE: "domestic_abuse",
    HOUSING: "housing",
    PARENT_MENTAL_HEALTH: "health",
    SUBSTANCE_MISUSE: "substance_use",
    SCHOOL_ATTENDANCE: "education",
    CHILD_SEND: "early_years",
}
# (need, chance in the least deprived area, chance in the most deprived area)
_NEED_CHANCES = (
    (WORKLESSNESS, 0.05, 0.20),
    (DOMESTIC_ABUSE, 0.02, 0.08),
    (HOUSING, 0.03, 0.12),
    (PARENT_MENTAL_HEALTH, 0.06, 0.14),
    (SUBSTANCE_MISUSE, 0.01, 0.05),
    (SCHOOL_ATTENDANCE, 0.04, 0.14),
    (CHILD_SEND, 0.09, 0.14),
)


# --- Records ---------------------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class HouseholdRecord:
    id: int
    area_code: str
    area_id: int | None
    address_line1: str
    postcode: str
    town: str
    origin: str
    members: list[PersonRecord] = field(default_factory=list)
    needs: tuple[str, ...] = ()

    @property
    def needs_count(self) -> int:
        return len(self.needs)

    @property
    def headline_needs(self) -> tuple[str, ...]:
        """The household's needs as Supporting Families headline areas (referrals' Need values)."""
        return tuple(sorted({HEADLINE_NEED[n] for n in self.needs if n in HEADLINE_NEED}))

    @property
    def lone_parent(self) -> bool:
        return LONE_PARENT in self.needs

    @property
    def teenage_parent(self) -> bool:
        return TEENAGE_PARENT in self.needs


@dataclass(slots=True, eq=False)
class PersonRecord:
    id: int
    first_name: str
    surname: str
    dob: datetime.date
    sex: str
    address_line1: str
    postcode: str
    town: str
    nhs_number: str
    role: str  # mother, father or child
    household: HouseholdRecord | None
    area_code: str
    area_id: int | None
    ethnicity: str
    true_person: PersonRecord | None = None
    changes: tuple[str, ...] = ()  # for a duplicate: how it differs from the true person

    @property
    def true_person_id(self) -> int | None:
        return None if self.true_person is None else self.true_person.id

    @property
    def is_duplicate(self) -> bool:
        return self.true_person is not None

    def csv_row(self) -> list[Any]:
        true = self.true_person
        return [
            self.id,
            self.first_name,
            self.surname,
            self.dob.isoformat(),
            self.sex,
            self.address_line1,
            self.postcode,
            self.town,
            self.nhs_number,
            "" if true is None else true.id,
        ]


@dataclass(slots=True, eq=False)
class SynthArea:
    """An area people are placed in: a ward from the database, or a built-in synthetic one."""

    code: str
    area_id: int | None
    weight: float
    deprivation: float  # 0 least deprived in the borough .. 1 most deprived
    child_poverty_rate: float
    postcodes: list[str]
    towns: list[str]
    streets: list[str] = field(default_factory=list)


@dataclass
class SynthStats:
    people: int = 0
    duplicates: int = 0
    households: int = 0
    memberships: int = 0
    relationships: int = 0
    addresses: int = 0
    households_with_needs: int = 0
    seconds: float = 0.0
    # (duplicate's id, true person's id): the file's ids, or Person pks for a database fill.
    # For a database fill, each household's needs by Household pk (households with any need).
    truth: list[tuple[int, int]] = field(default_factory=list, repr=False)
    needs_by_household: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        text = f"{self.people:,} people ({self.duplicates:,} near-duplicate registrations)"
        if self.households:
            text += f" in {self.households:,} households, {self.households_with_needs:,} with needs"
        return text + f" in {self.seconds:.1f} s"


# --- Name pools --------------------------------------------------------------------------------
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The commonest given names in England and Wales (ONS baby names), in rough order of frequency.
# They carry half the weight; Faker's locale lists make the long tail.
_COMMON_BOYS = _words(
    "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Arthur Thomas James "
    "William Henry Archie Joshua Theo Isaac Ethan Logan Lucas Max Mason Teddy Alexander Daniel "
    "Finley Joseph Samuel Tommy Reggie Riley Harrison Dylan Edward Jayden Tyler Lewis Ryan"
)
_COMMON_GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Emily Isabella Sophia Grace Lily Ella Poppy Evie Jessica "
    "Charlotte Freya Sophie Ruby Daisy Alice Florence Harper Millie Ivy Chloe Willow Evelyn "
    "Rosie Phoebe Sienna Ellie Matilda Scarlett Lola Holly Layla Maisie Erin Megan Lucy"
)
_COMMON_MEN = _words(
    "David Daniel James Michael Christopher Matthew Andrew Mark Paul Richard Thomas Jonathan "
    "Adam Lee Craig Ryan Stephen Jamie Ben Luke Scott Darren Dean Wayne Carl Simon Robert John "
    "Steven Anthony Gary Martin Kevin Jason Peter Ashley Sam Liam Aaron Shaun Nathan Jack Joe"
)
_COMMON_WOMEN = _words(
    "Sarah Laura Emma Rebecca Gemma Claire Lisa Kelly Nicola Amy Hannah Rachel Samantha Stacey "
    "Jessica Charlotte Lauren Kirsty Danielle Jennifer Victoria Louise Hayley Natalie Leanne "
    "Michelle Katie Sophie Jodie Zoe Joanne Kerry Emily Chloe Donna Jade Carly Kayleigh Amanda"
)
_SOUTH_ASIAN_SURNAMES = _words(
    "Patel Khan Ali Hussain Begum Singh Ahmed Shah Islam Rahman Kaur Sharma Mahmood Iqbal Akhtar "
    "Choudhury Miah Uddin Bibi Malik Hussein Chowdhury Kumar Gill Sandhu Aziz Rashid Anwar"
)
_SOUTH_ASIAN_MEN = _words(
    "Muhammad Mohammed Ali Ibrahim Yusuf Zain Ayaan Arjun Aarav Omar Hassan Adam Amir Imran Asif "
    "Rajesh Sanjay Harpreet Gurpreet Ravi Abdul Tariq Bilal Faisal Usman Hamza Rohan Vikram"
)
_SOUTH_ASIAN_WOMEN = _words(
    "Aisha Fatima Maryam Zainab Amira Hafsa Nadia Ayesha Priya Anjali Sana Noor Khadija Simran "
    "Harleen Shazia Ruksana Nusrat Amina Layla Sadia Farah Alisha Jasmin Sabrina Neha Pooja"
)
_WEST_AFRICAN_SURNAMES = _words(
    "Okafor Adeyemi Mensah Okonkwo Boateng Owusu Asante Eze Adebayo Oluwaseun Ogunleye Babatunde "
    "Osei Okoro Nwosu Afolabi Akinola Bello Danso Appiah Obi Adeleke Oyelaran Agyeman Ibe"
)
_WEST_AFRICAN_MEN = _words(
    "Emmanuel Samuel David Daniel Joshua Michael Oluwaseun Chinedu Kwame Kofi Tunde Femi Ade "
    "Ifeanyi Kwabena Yaw Olumide Segun Chukwuemeka Ebuka Tobi Nathaniel Elijah Isaac Caleb"
)
_WEST_AFRICAN_WOMEN = _words(
    "Grace Blessing Esther Precious Favour Adaeze Chiamaka Abena Akosua Ama Funmilayo Folake "
    "Ngozi Temitope Adwoa Comfort Deborah Ruth Mercy Joy Princess Tolulope Ifeoma Efua Naomi"
)
_POLISH_SURNAMES = _words(
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
    "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski "
    "Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król"
)
_POLISH_MEN = _words(
    "Jakub Jan Mateusz Kacper Szymon Antoni Filip Piotr Tomasz Paweł Krzysztof Marcin Michał "
    "Łukasz Adam Dawid Kamil Bartosz Wojciech Marek Grzegorz Rafał Damian Adrian"
)
_POLISH_WOMEN = _words(
    "Anna Maria Katarzyna Małgorzata Agnieszka Zuzanna Julia Zofia Hanna Maja Lena Alicja "
    "Oliwia Natalia Aleksandra Magdalena Joanna Karolina Monika Ewa Marta Paulina Kinga Wiktoria"
)

_RARE_IN_ENGLAND = frozenset(
    _words(
        "Garcia Lopez Torres Flores Rivera Cruz Reyes Morales Ramos Castillo Moreno Romero "
        "Herrera Medina Aguilar Vargas Guzman Salazar Garza Soto Delgado Castro Ortega Silva Vega "
        "Nguyen Kim Tran Le Pham Chen Wang Li Zhang Liu Yang Huang Wu Zhou Xu Sun Ma Zhu Hu Guo "
        "Mendoza Contreras Ortiz Jimenez Guerrero Estrada Rojas Figueroa Espinoza Sandoval Leon"
    )
)
STREET_STEMS = _words(
    "Church Station Park Victoria Queens Kings Mill School Manor Chapel Orchard Windmill "
    "Stanford London Thames Dock Clarence Bridge Broadway Hathaway Rectory Chadwell Lodge "
    "Meadow Elm Oak Ash Beech Willow Cedar Hawthorn Chestnut Rowan Maple Laburnum Lime "
    "Argent Bradleigh Cromwell Darnley Fairfield Garron Hogg Kenning Langthorne Marshfoot "
    "Northview Palmers Quarry Rookery Seabrooke Tyrell Usk Vellacott Wharf Whitmore Blackshots "
    "Long Lane Ford Heath Riverview Gloucester Stifford Dell Hall Springhouse Woodview Conway "
    "Bata Brennan Coopers Dickens Essex Fobbing Giffords Highfield Kirkham Lansbury Morant "
    "Oxford Princess Margaret Raphael St Johns Tennyson Wordsworth Shelley Keats Darwin Newton"
)
STREET_KINDS = _words(
    "Road Road Road Street Avenue Avenue Close Close Close Way Drive Gardens Lane Crescent "
    "Grove Place Court Rise Walk View"
)

# Origin groups: a household's names are drawn from one (children sometimes from the British
# pool), with shares like an outer-London / Essex borough's 2021 census profile.
BRITISH, SOUTH_ASIAN, WEST_AFRICAN, POLISH = "british", "south_asian", "west_african", "polish"
_ORIGIN_SHARES = ((BRITISH, 0.80), (WEST_AFRICAN, 0.09), (SOUTH_ASIAN, 0.06), (POLISH, 0.05))
_ETHNICITIES = {
    BRITISH: (("W1", 0.86), ("W2", 0.02), ("M1", 0.04), ("M4", 0.02), ("W5", 0.02), ("NS", 0.04)),
    SOUTH_ASIAN: (("A1", 0.35), ("A2", 0.35), ("A3", 0.25), ("NS", 0.05)),
    WEST_AFRICAN: (("B2", 0.92), ("M2", 0.04), ("NS", 0.04)),
    POLISH: (("W5", 0.96), ("NS", 0.04)),
}


def _zipf(names: Iterable[str], offset: float) -> dict[str, float]:
    """Rank-frequency weights summing to 1 (the first name is the commonest)."""
    unique = list(dict.fromkeys(names))
    raw = [1.0 / (rank + offset) for rank in range(1, len(unique) + 1)]
    total = sum(raw)
    return {name: weight / total for name, weight in zip(unique, raw, strict=True)}


def _uniform(names: Iterable[str]) -> dict[str, float]:
    unique = [name for name in dict.fromkeys(names) if name.isalpha() or "-" in name]
    return {name: 1.0 / len(unique) for name in unique} if unique else {}


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values()) or 1.0
    return {name: weight / total for name, weight in weights.items()}


def _mix(*parts: tuple[float, dict[str, float]]) -> tuple[list[str], list[float]]:
    """Blend weighted pools (share, weights) into names and cumulative weights."""
    merged: dict[str, float] = {}
    for share, weights in parts:
        for name, weight in weights.items():
            merged[name] = merged.get(name, 0.0) + share * weight
    names = sorted(merged)  # a fixed order, whatever the order of the sources
    cumulative: list[float] = []
    total = 0.0
    for name in names:
        total += merged[name]
        cumulative.append(total)
    return names, cumulative


class _Pool:
    """Weighted names, drawn many at a time from the generator's one Random."""

    __slots__ = ("names", "cumulative", "buffer", "rng")

    def __init__(self, names: list[str], cumulative: list[float], rng: Random) -> None:
        self.names, self.cumulative, self.rng = names, cumulative, rng
        self.buffer: list[str] = []

    def draw(self) -> str:
        if not self.buffer:
            self.buffer = self.rng.choices(self.names, cum_weights=self.cumulative, k=512)
        return self.buffer.pop()


@cache
def _name_tables() -> dict[str, tuple[list[str], list[float]]]:
    """Every pool's names and cumulative weights, built once per process from Faker's lists."""
    from faker.providers.person.en_GB import Provider as GB
    from faker.providers.person.en_IE import Provider as IE
    from faker.providers.person.en_IN import Provider as IN
    from faker.providers.person.en_NG import Provider as NG
    from faker.providers.person.en_US import Provider as US
    from faker.providers.person.pl_PL import Provider as PL
    from faker.providers.person.yo_NG import Provider as YO

    def weighted(source: Any) -> dict[str, float]:
        return _normalised(dict(source)) if isinstance(source, dict) else _uniform(source)

    def polish_female(name: str) -> str:
        for ending, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if name.endswith(ending):
                return name[: -len(ending)] + female
        return name

    def english(source: Any) -> dict[str, float]:
        # The American list's Hispanic and East Asian names are rare in an English borough.
        return {
            name: weight
            for name, weight in weighted(source).items()
            if not name.endswith("ez") and name not in _RARE_IN_ENGLAND
        }

    # Faker's en_GB surnames carry their real shares of the population (Smith 1.15%, the 500
    # together 39.5%); the rest of the population has rarer names, drawn evenly from the
    # Irish and (English-sounding) American lists.
    british_surnames = _mix(
        (0.395, weighted(GB.last_names)),
        (0.30, _uniform(IE.last_names)),
        (0.305, _uniform(english(US.last_names))),
    )
    tables = {
        f"{BRITISH}:surname": british_surnames,
        f"{BRITISH}:child:M": _mix(
            (0.50, _zipf(_COMMON_BOYS, 8)),
            (0.20, _zipf(GB.first_names_male, 20)),
            (0.15, weighted(US.first_names_male)),
            (0.15, _uniform(IE.first_names_male)),
        ),
        f"{BRITISH}:child:F": _mix(
            (0.50, _zipf(_COMMON_GIRLS, 8)),
            (0.20, _zipf(GB.first_names_female, 20)),
            (0.15, weighted(US.first_names_female)),
            (0.15, _uniform(IE.first_names_female)),
        ),
        f"{BRITISH}:adult:M": _mix(
            (0.50, _zipf(_COMMON_MEN, 8)),
            (0.25, _zipf(GB.first_names_male, 20)),
            (0.15, weighted(US.first_names_male)),
            (0.10, _uniform(IE.first_names_male)),
        ),
        f"{BRITISH}:adult:F": _mix(
            (0.50, _zipf(_COMMON_WOMEN, 8)),
            (0.25, _zipf(GB.first_names_female, 20)),
            (0.15, weighted(US.first_names_female)),
            (0.10, _uniform(IE.first_names_female)),
        ),
        f"{SOUTH_ASIAN}:surname": _mix(
            (0.4, _zipf(_SOUTH_ASIAN_SURNAMES, 10)), (0.6, _uniform(IN.last_names))
        ),
        f"{SOUTH_ASIAN}:M": _mix(
            (0.7, _zipf(_SOUTH_ASIAN_MEN, 4)), (0.3, _uniform(IN.first_names_male))
        ),
        f"{SOUTH_ASIAN}:F": _mix(
            (0.7, _zipf(_SOUTH_ASIAN_WOMEN, 4)), (0.3, _uniform(IN.first_names_female))
        ),
        f"{WEST_AFRICAN}:surname": _mix(
            (0.2, _zipf(_WEST_AFRICAN_SURNAMES, 10)),
            (0.3, _uniform(NG.last_names)),
            (0.5, _uniform(YO.last_names)),
        ),
        f"{WEST_AFRICAN}:M": _mix(
            (0.6, _zipf(_WEST_AFRICAN_MEN, 5)),
            (0.25, _uniform(NG.first_names_male)),
            (0.15, _uniform(YO.first_names_male)),
        ),
        f"{WEST_AFRICAN}:F": _mix(
            (0.6, _zipf(_WEST_AFRICAN_WOMEN, 5)),
            (0.25, _uniform(NG.first_names_female)),
            (0.15, _uniform(YO.first_names_female)),
        ),
        f"{POLISH}:surname": _mix(
            (0.4, _zipf(_POLISH_SURNAMES, 10)), (0.6, _uniform(list(PL.male_last_names)))
        ),
        f"{POLISH}:M": _mix((0.7, _zipf(_POLISH_MEN, 4)), (0.3, _uniform(PL.first_names_male))),
        f"{POLISH}:F": _mix((0.7, _zipf(_POLISH_WOMEN, 4)), (0.3, _uniform(PL.first_names_female))),
    }
    # Polish surnames take a feminine ending for women; kept as a lookup, not a second pool.
    tables["_polish_female"] = (
        [polish_female(name) for name in tables[f"{POLISH}:surname"][0]],
        [],
    )
    return tables


# --- Areas -------------------------------------------------------------------------------------
def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _make_streets(rng: Random, count: int) -> list[str]:
    streets: list[str] = []
    seen: set[str] = set()
    while len(streets) < count:
        name = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_KINDS)}"
        if name not in seen:
            seen.add(name)
            streets.append(name)
    return streets


def builtin_areas() -> list[SynthArea]:
    """The demo borough's 19 wards from the committed synthetic postcode lookup, for when the
    database holds no areas (so that a file can be made on an empty database)."""

    by_ward: dict[str, list[str]] = {}
    imd: dict[str, int] = {}
    with DEMO_POSTCODES_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_ward.setdefault(row["osward"], []).append(row["pcds"])
            imd[row["osward"]] = int(row["imd"])
    highest = max(imd.values())
    areas = []
    for code in sorted(by_ward):
        deprivation = 1 - (imd[code] - 1) / max(1, highest - 1)
        postcodes = sorted(by_ward[code])
        areas.append(
            SynthArea(
                code=code,
                area_id=None,
                weight=float(len(postcodes)),
                deprivation=deprivation,
                child_poverty_rate=0.08 + 0.26 * deprivation,
                postcodes=postcodes,
                towns=[post_town(postcode) for postcode in postcodes],
            )
        )
    return areas


def areas_from_database(authority: Authority) -> list[SynthArea]:
    """The authority's wards (or other areas) with their postcodes; [] when none are loaded.

    An area's share of households follows its 0-19 population, else its total population,
    else its number of postcodes. An area with no postcodes in the lookup gets invented ones.
    """

    areas = list(Area.objects.filter(authority=authority).order_by("code"))
    if not areas:
        return []
    postcodes: dict[int, list[str]] = {}
    for area_id, postcode in (
        PostcodeArea.objects.filter(authority=authority)
        .order_by("postcode")
        .values_list("area_id", "postcode")
    ):
        postcodes.setdefault(area_id, []).append(postcode)
    ranks = [area.imd_rank for area in areas if area.imd_rank]
    highest = max(ranks) if ranks else 1
    out = []
    for index, area in enumerate(areas):
        if area.imd_rank:
            deprivation = 1 - (area.imd_rank - 1) / max(1, highest - 1)
        elif area.imd_decile:
            deprivation = 1 - (area.imd_decile - 1) / 9
        else:
            deprivation = 0.5
        codes = postcodes.get(area.pk) or _invented_postcodes(index, area.code)
        weight = area.population_0_19 or area.population_total or len(codes)
        out.append(
            SynthArea(
                code=area.code,
                area_id=area.pk,
                weight=float(weight),
                deprivation=deprivation,
                child_poverty_rate=(
                    area.child_poverty_rate
                    if area.child_poverty_rate is not None
                    else 0.08 + 0.26 * deprivation
                ),
                postcodes=codes,
                towns=[post_town(code) or area.name for code in codes],
            )
        )
    return out


def _invented_postcodes(index: int, code: str) -> list[str]:
    rng = Random(f"{index}:{code}")
    outward = f"ZZ{index % 99 + 1}"
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return sorted(
        {
            f"{outward} {rng.randrange(1, 10)}{rng.choice(letters)}{rng.choice(letters)}"
            for _ in range(60)
        }
    )


# --- The generator ----------------------------------------------------------------------------
class _Generator:
    """One run: its Random, pools, areas and counters. Draw order is fixed, hence determinism."""

    def __init__(
        self,
        n_people: int,
        *,
        seed: int,
        duplicate_rate: float,
        areas: list[SynthArea],
        as_of: datetime.date,
    ) -> None:
        if n_people < 0:
            raise ValueError("n_people must be 0 or more.")
        if not 0 <= duplicate_rate < 1:
            raise ValueError("duplicate_rate must be at least 0 and below 1.")
        if not areas:
            raise ValueError("There are no areas to place people in.")
        self.rng = rng = Random(seed)
        self.as_of = as_of
        self.as_of_ordinal = as_of.toordinal()
        self.n_duplicates = round(n_people * duplicate_rate)
        self.n_real = n_people - self.n_duplicates
        self.duplicate_chance = self.n_duplicates / self.n_real if self.n_real else 0.0
        self.areas = areas
        self.area_cumulative = _cumulative([max(area.weight, 0.0) or 1.0 for area in areas])
        for area in areas:
            # Streets belong to postcodes: each postcode is one street (real ones hold ~15
            # addresses on one or two streets).
            area.streets = _make_streets(rng, max(1, len(area.postcodes)))
        self.tables = _name_tables()
        self.pools = {
            key: _Pool(names, cumulative, rng)
            for key, (names, cumulative) in self.tables.items()
            if cumulative
        }
        self.polish_female = dict(
            zip(self.tables[f"{POLISH}:surname"][0], self.tables["_polish_female"][0], strict=True)
        )
        self.origins = [origin for origin, _ in _ORIGIN_SHARES]
        self.origin_cumulative = _cumulative([share for _, share in _ORIGIN_SHARES])
        self.ethnicities = {
            origin: ([code for code, _ in shares], _cumulative([s for _, s in shares]))
            for origin, shares in _ETHNICITIES.items()
        }
        # NHS numbers: 99 then seven digits walked through an affine bijection of 0..10^7-1,
        # so they are unique without a set of those already issued.
        self.nhs_step = 3_141_593
        self.nhs_offset = rng.randrange(10_000_000)
        self.nhs_serial = 0
        self.household_serial = 0
        # Households per area in proportion to weight; each postcode a few dozen addresses.
        self.house_numbers = max(
            30, int(n_people / 3.4 / max(1, sum(len(a.postcodes) for a in areas)) * 1.5)
        )

    # -- small draws
    def nhs_number(self) -> str:
        while True:
            value = (self.nhs_serial * self.nhs_step + self.nhs_offset) % 10_000_000
            self.nhs_serial += 1
            first_nine = f"99{value:07d}"
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"

    def given_name(self, origin: str, sex: str, adult: bool) -> str:
        if origin == BRITISH:
            return self.pools[f"{BRITISH}:{'adult' if adult else 'child'}:{sex}"].draw()
        # Children of families from abroad often have names common in England.
        if not adult and self.rng.random() < 0.3:
            return self.pools[f"{BRITISH}:child:{sex}"].draw()
        return self.pools[f"{origin}:{sex}"].draw()

    def surname(self, origin: str) -> str:
        return self.pools[f"{origin}:surname"].draw()

    def for_sex(self, surname: str, sex: str) -> str:
        return self.polish_female.get(surname, surname) if sex == "F" else surname

    def ethnicity(self, origin: str) -> str:
        codes, cumulative = self.ethnicities[origin]
        return self.rng.choices(codes, cum_weights=cumulative)[0]

    def address(self, area: SynthArea) -> tuple[str, str, str]:
        rng = self.rng
        index = rng.randrange(len(area.postcodes))
        number = rng.randrange(1, self.house_numbers)
        if rng.random() < 0.12:
            line1 = f"Flat {rng.randrange(1, 25)}, {number} {area.streets[index]}"
        else:
            line1 = f"{number} {area.streets[index]}"
        return line1, area.postcodes[index], area.towns[index]

    def date(self, days_ago: int) -> datetime.date:
        return datetime.date.fromordinal(self.as_of_ordinal - days_ago)

    # -- a household
    def household(self, budget: int) -> HouseholdRecord:
        rng = self.rng
        area = self.areas[
            min(
                len(self.areas) - 1,
                _bisect(self.area_cumulative, rng.random() * self.area_cumulative[-1]),
            )
        ]
        d = area.deprivation
        origin = self.origins[
            _bisect(self.origin_cumulative, rng.random() * self.origin_cumulative[-1])
        ]
        self.household_serial += 1
        line1, postcode, town = self.address(area)
        household = HouseholdRecord(
            id=self.household_serial,
            area_code=area.code,
            area_id=area.area_id,
            address_line1=line1,
            postcode=postcode,
            town=town,
            origin=origin,
        )
        # A household's frailty makes its needs cluster, as Supporting Families finds.
        frailty = rng.lognormvariate(0.0, 0.6)
        needs: list[str] = []
        lone = rng.random() < min(0.9, (0.15 + 0.25 * d) * frailty)
        teenage = rng.random() < min(0.6, (0.015 + 0.06 * d) * frailty)
        if lone:
            needs.append(LONE_PARENT)
        if teenage:
            needs.append(TEENAGE_PARENT)
        poverty = area.child_poverty_rate * (1.7 if lone else 0.8) * math.sqrt(frailty)
        if rng.random() < min(0.95, poverty):
            needs.append(CHILD_POVERTY)
        for need, low, high in _NEED_CHANCES:
            if rng.random() < min(0.9, (low + (high - low) * d) * frailty):
                needs.append(need)

        # Children: the eldest's age first, then younger siblings at intervals; fewer where
        # the eldest is young. Ages are in days.
        want = rng.choices((1, 2, 3, 4, 5, 6), cum_weights=(42, 80, 94, 98, 99.4, 100))[0]
        eldest_days = rng.randrange(0, 20 * 365)
        child_days = [eldest_days]
        while len(child_days) < want:
            if rng.random() < 0.015:
                child_days.append(child_days[-1])  # twins
                continue
            gap = int(rng.uniform(1.2, 5.5) * 365.25)
            if child_days[-1] - gap < 0:
                break
            child_days.append(child_days[-1] - gap)
        # Mother's age at the eldest's birth: under 20 for a teenage parent; younger where
        # deprivation is higher.
        if teenage:
            first_birth = rng.uniform(15.5, 19.9)
        else:
            first_birth = min(44.0, max(20.0, rng.gauss(30.5 - 3.5 * d, 5.0)))
        mother_days = eldest_days + int(first_birth * 365.25)
        father_days = mother_days + int(rng.gauss(2.5, 3.5) * 365.25)
        father_days = max(father_days, eldest_days + int(16.5 * 365.25))

        family_surname = self.surname(origin)
        # Lone parents are mostly mothers; couples are mostly mother and father.
        parents: list[tuple[str, int]] = []
        if lone:
            parents.append(
                ("mother", mother_days) if rng.random() < 0.9 else ("father", father_days)
            )
        else:
            parents.extend((("mother", mother_days), ("father", father_days)))
        mother_surname = family_surname
        if not lone and rng.random() < 0.3:
            mother_surname = self.surname(origin)  # not married, or kept her name
        children_surname = family_surname
        if lone and rng.random() < 0.35:
            children_surname = self.surname(origin)  # the absent parent's name

        members = household.members
        for role, days in parents:
            if len(members) >= budget:
                break
            sex = "F" if role == "mother" else "M"
            surname = mother_surname if role == "mother" else family_surname
            members.append(
                self.person(
                    origin, sex, days, role, self.for_sex(surname, sex), household, area, adult=True
                )
            )
        for days in child_days:
            if len(members) >= budget:
                break
            sex = "M" if rng.random() < 0.512 else "F"
            child = self.person(
                origin,
                sex,
                days,
                "child",
                self.for_sex(children_surname, sex),
                household,
                area,
                adult=False,
            )
            taken = {m.first_name for m in members if m.role == "child"}
            # A son named after his father, a daughter after her mother (John Smith and John Smith).
            parent_role = "father" if sex == "M" else "mother"
            parent = next((m for m in members if m.role == parent_role), None)
            if (
                parent is not None
                and parent.first_name not in taken
                and rng.random() < (0.04 if sex == "M" else 0.01)
            ):
                child.first_name = parent.first_name
            tries = 0
            while child.first_name in taken and tries < 5:
                child.first_name = self.given_name(origin, sex, adult=False)
                tries += 1
            members.append(child)
        household.needs = tuple(needs)
        return household

    def person(
        self,
        origin: str,
        sex: str,
        days: int,
        role: str,
        surname: str,
        household: HouseholdRecord,
        area: SynthArea,
        *,
        adult: bool,
    ) -> PersonRecord:
        # About 1 in 12 has no NHS number on file (new arrivals, records not yet traced).
        nhs = self.nhs_number() if self.rng.random() >= 0.08 else ""
        return PersonRecord(
            id=0,
            first_name=self.given_name(origin, sex, adult),
            surname=surname,
            dob=self.date(days),
            sex=sex,
            address_line1=household.address_line1,
            postcode=household.postcode,
            town=household.town,
            nhs_number=nhs,
            role=role,
            household=household,
            area_code=area.code,
            area_id=area.area_id,
            ethnicity=self.ethnicity(origin),
        )

    # -- near-duplicates
    def duplicate(self, true: PersonRecord) -> PersonRecord:
        rng = self.rng
        dup = PersonRecord(
            id=0,
            first_name=true.first_name,
            surname=true.surname,
            dob=true.dob,
            sex=true.sex,
            address_line1=true.address_line1,
            postcode=true.postcode,
            town=true.town,
            nhs_number=true.nhs_number,
            role=true.role,
            household=None,
            area_code=true.area_code,
            area_id=true.area_id,
            ethnicity=true.ethnicity,
            true_person=true,
        )
        changes: list[str] = []
        kinds = rng.choices(
            (
                "typo_first",
                "typo_surname",
                "nickname",
                "day_month_swap",
                "dob_typo",
                "moved",
                "missing",
                "changed_surname",
            ),
            cum_weights=(18, 34, 48, 58, 64, 80, 94, 100),
            k=1 + (rng.random() < 0.45) + (rng.random() < 0.15),
        )
        for kind in dict.fromkeys(kinds):
            changes.append(self.corrupt(dup, kind))
        if _same(dup, true):
            changes.append(self.corrupt(dup, "typo_surname"))
        if _same(dup, true):
            dup.nhs_number, dup.postcode = "", ""
            changes.append("missing")
        dup.changes = tuple(changes)
        return dup

    def corrupt(self, dup: PersonRecord, kind: str) -> str:
        rng = self.rng
        if kind == "typo_first":
            dup.first_name = _typo(rng, dup.first_name)
        elif kind == "typo_surname":
            dup.surname = _typo(rng, dup.surname)
        elif kind == "nickname":
            others = sorted(variants_of(dup.first_name) - {dup.first_name.lower()})
            if not others:
                dup.first_name = _typo(rng, dup.first_name)
                return "typo_first"
            dup.first_name = rng.choice(others).capitalize()
        elif kind == "day_month_swap":
            dob = dup.dob
            if dob.day <= 12 and dob.day != dob.month:
                dup.dob = dob.replace(month=dob.day, day=dob.month)
            else:
                return self.corrupt(dup, "dob_typo")
        elif kind == "dob_typo":
            shift = rng.choice((-10, -2, -1, 1, 2, 10, 365, -365))
            moved = dup.dob + datetime.timedelta(days=shift)
            dup.dob = (
                moved
                if moved.toordinal() <= self.as_of_ordinal
                else dup.dob - datetime.timedelta(days=abs(shift))
            )
        elif kind == "moved":
            area = (
                self.areas[_bisect(self.area_cumulative, rng.random() * self.area_cumulative[-1])]
                if rng.random() < 0.4
                else next((a for a in self.areas if a.code == dup.area_code), self.areas[0])
            )
            dup.address_line1, dup.postcode, dup.town = self.address(area)
            dup.area_code, dup.area_id = area.code, area.area_id
        elif kind == "missing":
            if dup.nhs_number and (not dup.postcode or rng.random() < 0.6):
                dup.nhs_number = ""
            elif dup.postcode:
                dup.postcode = ""
            else:
                dup.address_line1 = ""
        elif kind == "changed_surname":
            origin = dup.household.origin if dup.household else BRITISH
            adult = dup.role != "child"
            new = self.for_sex(self.surname(origin), dup.sex)
            if dup.sex == "F" and adult:
                dup.surname = new  # marriage
            elif rng.random() < 0.5:
                dup.surname = f"{dup.surname}-{new}"
            else:
                dup.surname = new  # took a step-parent's name
        return kind


def _bisect(cumulative: list[float], value: float) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, value), len(cumulative) - 1)


_KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


def _typo(rng: Random, name: str) -> str:
    """One slip of the keyboard or the ear: a neighbouring key, two letters swapped, one dropped
    or doubled. The first letter is kept, as it usually is."""
    if len(name) < 3:
        return name + name[-1].lower()
    for _ in range(5):
        at = rng.randrange(1, len(name))
        kind = rng.randrange(4)
        if kind == 0:
            letter = name[at].lower()
            swap = _KEYBOARD_NEIGHBOURS.get(letter)
            if not swap:
                continue
            out = name[:at] + rng.choice(swap) + name[at + 1 :]
        elif kind == 1 and at < len(name) - 1:
            out = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
        elif kind == 2:
            out = name[:at] + name[at + 1 :]
        else:
            out = name[:at] + name[at] + name[at:]
        if out != name:
            return out
    return name + "e"


_COMPARED = ("first_name", "surname", "dob", "sex", "address_line1", "postcode", "nhs_number")


def _same(a: PersonRecord, b: PersonRecord) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in _COMPARED)


def _resolve_areas(areas: list[SynthArea] | None) -> list[SynthArea]:
    return areas if areas else builtin_areas()


_BLOCK = 5000  # real people a block; duplicates made in one block are emitted in the next


def generate_chunks(
    n_people: int,
    *,
    seed: int = 1,
    duplicate_rate: float = 0.05,
    areas: list[SynthArea] | None = None,
    as_of: datetime.date | None = None,
) -> Iterator[list[PersonRecord]]:
    """The population in blocks of a few thousand records, ids assigned, in file order.

    `n_people` counts every record, near-duplicates included. A duplicate comes a block or so
    after its true person, at a random place among other people, as a later registration would.
    """
    gen = _Generator(
        n_people,
        seed=seed,
        duplicate_rate=duplicate_rate,
        areas=_resolve_areas(areas),
        as_of=as_of or DEFAULT_AS_OF,
    )
    rng = gen.rng
    next_id = 1
    made_real = 0
    made_dups = 0
    pending: list[PersonRecord] = []
    recent: list[PersonRecord] = []

    def emit(real: list[PersonRecord], dups: list[PersonRecord]) -> list[PersonRecord]:
        nonlocal next_id
        out = list(real)
        for dup in dups:
            out.insert(rng.randrange(len(out) + 1), dup)
        for record in out:
            record.id = next_id
            next_id += 1
        return out

    while made_real < gen.n_real:
        block: list[PersonRecord] = []
        new_dups: list[PersonRecord] = []
        while len(block) < _BLOCK and made_real < gen.n_real:
            household = gen.household(gen.n_real - made_real)
            for person in household.members:
                block.append(person)
                made_real += 1
                if made_dups < gen.n_duplicates and rng.random() < gen.duplicate_chance:
                    new_dups.append(gen.duplicate(person))
                    made_dups += 1
        recent = block
        yield emit(block, pending)
        pending = new_dups
    # Top up to the exact number of duplicates asked for, from the last people made.
    while made_dups < gen.n_duplicates and recent:
        pending.append(gen.duplicate(rng.choice(recent)))
        made_dups += 1
    if pending:
        yield emit([], pending)


def generate_population(
    n_people: int,
    *,
    seed: int = 1,
    duplicate_rate: float = 0.05,
    areas: list[SynthArea] | None = None,
    as_of: datetime.date | None = None,
) -> Iterator[PersonRecord]:
    """Every record, one at a time (see generate_chunks). A real person's household is
    `record.household` (with its `needs`); a duplicate's is None and its `true_person` is set."""
    for chunk in generate_chunks(
        n_people, seed=seed, duplicate_rate=duplicate_rate, areas=areas, as_of=as_of
    ):
        yield from chunk


def write_csv(
    out: Path | str | IO[str],
    n_people: int,
    *,
    seed: int = 1,
    duplicate_rate: float = 0.05,
    areas: list[SynthArea] | None = None,
    as_of: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> SynthStats:
    """Write the population as CSV (CSV_COLUMNS, dates ISO); `progress(n)` after each block.
    The returned stats' `truth` holds (id, true_person_id) for every near-duplicate."""
    import time

    started = time.perf_counter()
    stats = SynthStats()
    households: set[int] = set()
    with contextlib.ExitStack() as stack:
        handle: IO[str] = (
            stack.enter_context(Path(out).open("w", newline="", encoding="utf-8"))
            if isinstance(out, (str, Path))
            else out
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for chunk in generate_chunks(
            n_people, seed=seed, duplicate_rate=duplicate_rate, areas=areas, as_of=as_of
        ):
            writer.writerows([record.csv_row() for record in chunk])
            for record in chunk:
                if record.true_person is not None:
                    stats.duplicates += 1
                    stats.truth.append((record.id, record.true_person.id))
                elif record.household is not None and record.household.id not in households:
                    households.add(record.household.id)
                    stats.households_with_needs += bool(record.household.needs)
            stats.people += len(chunk)
            if progress:
                progress(len(chunk))
    stats.households = len(households)
    stats.seconds = time.perf_counter() - started
    return stats


def csv_text(n_people: int, **options: Any) -> str:
    """The CSV as a string (for tests and small samples)."""
    buffer = io.StringIO()
    write_csv(buffer, n_people, **options)
    return buffer.getvalue()


# --- Filling the database ---------------------------------------------------------------------
class _Table:
    """Rows for one table, written in bulk below the ORM: COPY on PostgreSQL, executemany
    elsewhere. Building a model instance per row costs more than the rest of the fill put
    together. Columns the fill does not set take their model default, worked out once, so a
    field another part adds to the model (with a default) needs no change here."""

    def __init__(self, model: Any, explicit: list[str], connection: Any, now: Any) -> None:
        import uuid

        from django.db import models

        self.table = model._meta.db_table
        self.connection = connection
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name in explicit or f.attname in explicit or not f.primary_key
        ]
        names = {f.name: i for i, f in enumerate(fields)} | {
            f.attname: i for i, f in enumerate(fields)
        }
        self.columns = [f.column for f in fields]
        self.positions = [names[name] for name in explicit]
        self.template: list[Any] = [None] * len(fields)
        self.uuid_positions: list[int] = []
        native_uuid = connection.features.has_native_uuid_field
        self.new_uuid: Callable[[], Any] = uuid.uuid4 if native_uuid else (lambda: uuid.uuid4().hex)
        for index, f in enumerate(fields):
            if f.name in explicit or f.attname in explicit:
                continue
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                self.template[index] = f.get_db_prep_save(now, connection)
            elif isinstance(f, models.UUIDField) and callable(f.default):
                self.uuid_positions.append(index)
            else:
                default = f.get_default()
                if default is None and not f.null:
                    raise ValueError(
                        f"{model.__name__}.{f.name} has no default, so the synthetic fill "
                        "cannot leave it out: add it to the fill."
                    )
                self.template[index] = f.get_db_prep_save(default, connection)
        self.rows: list[list[Any]] = []

    def add(self, *values: Any) -> None:
        row = self.template.copy()
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        for position in self.uuid_positions:
            row[position] = self.new_uuid()
        self.rows.append(row)

    def flush(self) -> int:
        count = len(self.rows)
        if not count:
            return 0
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})", self.rows
                )
        self.rows = []
        return count


def fill_database(
    n_people: int,
    *,
    authority: Authority,
    seed: int = 1,
    duplicate_rate: float = 0.05,
    areas: list[SynthArea] | None = None,
    as_of: datetime.date | None = None,
    progress: bool = False,
) -> SynthStats:
    """Add the population to the register: Person, Household, HouseholdMembership,
    Relationship (mother/father with parental responsibility, partner, sibling) and Address rows.

    Near-duplicates become separate Person rows with no household, as a second registration
    would; the truth is returned in `stats.truth` as (duplicate pk, true pk) pairs, never stored
    on Person. Households' needs come back in `stats.needs_by_household`. One transaction: an
    error leaves the register as it was. Primary keys are assigned here, above the highest in
    use (the two tables are locked on PostgreSQL meanwhile), so relationships need no round
    trip; the key sequences are moved on afterwards. Writes below the ORM on purpose (bulk
    loading of invented people), so it bypasses people.services and any signals.
    """
    import time

    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    started = time.perf_counter()
    if areas is None:
        areas = areas_from_database(authority) or builtin_areas()
    as_of = as_of or timezone.localdate()
    stats = SynthStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n_people, desc="People", unit=" people", leave=False)
    now = timezone.now()
    adapt_date = connection.ops.adapt_datefield_value
    people = _Table(
        Person,
        ["id", "authority_id", "given_name", "family_name", "date_of_birth", "sex",
         "nhs_number", "ethnicity", "address_line1", "town", "postcode", "area_id"],
        connection, now,
    )  # fmt: skip
    households = _Table(Household, ["id", "authority_id", "card_number"], connection, now)
    memberships = _Table(
        HouseholdMembership, ["household_id", "person_id", "start"], connection, now
    )
    relationships = _Table(
        Relationship,
        ["person_id", "relative_id", "kind", "parental_responsibility", "start"],
        connection, now,
    )  # fmt: skip
    addresses = _Table(
        Address, ["person_id", "line1", "town", "postcode", "area_id", "start"], connection, now
    )
    mother, father = str(RelationshipKind.MOTHER), str(RelationshipKind.FATHER)
    partner, sibling = str(RelationshipKind.PARTNER), str(RelationshipKind.SIBLING)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {Person._meta.db_table}, {Household._meta.db_table} "
                    "IN SHARE ROW EXCLUSIVE MODE"
                )
        person_base = Person.objects.aggregate(top=Max("pk"))["top"] or 0
        household_base = Household.objects.aggregate(top=Max("pk"))["top"] or 0
        authority_id = authority.pk
        for chunk in generate_chunks(
            n_people, seed=seed, duplicate_rate=duplicate_rate, areas=areas, as_of=as_of
        ):
            for record in chunk:
                pk = person_base + record.id
                dob = adapt_date(record.dob)
                people.add(
                    pk, authority_id, record.first_name, record.surname, dob, record.sex,
                    record.nhs_number, record.ethnicity, record.address_line1, record.town,
                    record.postcode, record.area_id,
                )  # fmt: skip
                household = record.household
                if household is None:  # a near-duplicate: a registration of its own
                    stats.duplicates += 1
                    stats.truth.append((pk, person_base + record.true_person_id))  # type: ignore[operator]
                    if record.address_line1:
                        addresses.add(
                            pk,
                            record.address_line1,
                            record.town,
                            record.postcode,
                            record.area_id,
                            None,
                        )
                    continue
                if record is household.members[0]:
                    household_pk = household_base + household.id
                    households.add(household_pk, authority_id, f"S{household_pk:09d}")
                    children = [m for m in household.members if m.role == "child"]
                    parents = [m for m in household.members if m.role != "child"]
                    # The household began with its eldest child (or its parents, if none).
                    began = adapt_date(min(c.dob for c in children)) if children else None
                    for member in household.members:
                        member_pk = person_base + member.id
                        start = adapt_date(member.dob) if member.role == "child" else began
                        memberships.add(household_pk, member_pk, start)
                        addresses.add(
                            member_pk, member.address_line1, member.town, member.postcode,
                            member.area_id, start,
                        )  # fmt: skip
                    for parent in parents:
                        kind = mother if parent.role == "mother" else father
                        for child in children:
                            relationships.add(
                                person_base + parent.id, person_base + child.id, kind, True,
                                adapt_date(child.dob),
                            )  # fmt: skip
                    if len(parents) == 2:
                        a, b = (person_base + p.id for p in parents)
                        relationships.add(a, b, partner, False, None)
                        relationships.add(b, a, partner, False, None)
                    for child in children:
                        for other in children:
                            if other is not child:
                                relationships.add(
                                    person_base + child.id, person_base + other.id, sibling,
                                    False, adapt_date(max(child.dob, other.dob)),
                                )  # fmt: skip
                    if household.needs:
                        stats.households_with_needs += 1
                        stats.needs_by_household[household_pk] = household.needs
            stats.households += households.flush()
            stats.people += people.flush()
            stats.memberships += memberships.flush()
            stats.relationships += relationships.flush()
            stats.addresses += addresses.flush()
            if bar is not None:
                bar.update(len(chunk))
        # Explicit keys do not move PostgreSQL's sequences; the next ordinary insert must not
        # collide with the rows just made.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Household]):
                cursor.execute(sql)
    if bar is not None:
        bar.close()
    stats.seconds = time.perf_counter() - started
    global last_fill
    last_fill = stats
    return stats


# The stats of the latest fill in this process. The demo's part loaders run right after the fill
# with a fixed signature (authority, rng, stdout), and read the households' needs from here.
last_fill: SynthStats | None = None


def write_truth(path: Path | str, pairs: Iterable[tuple[int, int]]) -> int:
    """Write (duplicate id, true person id) pairs as CSV for the matching benchmark."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person_id", "true_person_id"])
        for pair in pairs:
            writer.writerow(pair)
            count += 1
    return count
