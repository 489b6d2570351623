"""A small household-structured synthetic register with seeded duplicates, for matching's tests
and benchmarks until (and beside) the people part's generator.

Households share a family name and an address; they hold twins, siblings and a parent and child
with one name, which are what make deduplication hard. About `duplicate_rate` of people get one
or two extra records with the errors registers really have: typos, nicknames, day and month
swapped, one date part wrong, a move, a new surname, missing fields.

Columns are the synthetic generator's: id, first_name, surname, dob, sex, address_line1,
postcode, town, nhs_number, true_person_id.
"""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from familyhub.demo.synth import CSV_COLUMNS
from familyhub.people.nicknames import NAME_GROUPS

# The synthetic generator's columns, so either generator's file feeds `familyhub dedupe`.
COLUMNS = list(CSV_COLUMNS)

_GIRLS = [
    "olivia",
    "amelia",
    "isla",
    "ava",
    "mia",
    "ivy",
    "lily",
    "isabella",
    "rosie",
    "sophia",
    "grace",
    "freya",
    "florence",
    "willow",
    "evie",
    "poppy",
    "ella",
    "charlotte",
    "daisy",
    "sienna",
    "elsie",
    "alice",
    "harper",
    "ruby",
    "emily",
    "sophie",
    "jessica",
    "layla",
    "matilda",
    "esme",
    "millie",
    "phoebe",
    "maya",
    "erin",
    "evelyn",
    "zara",
    "aria",
    "hannah",
    "luna",
    "eliza",
    "emma",
    "leah",
    "nancy",
    "hallie",
    "ayesha",
    "fatima",
    "maryam",
    "zainab",
    "aisha",
    "amira",
    "chloe",
    "holly",
    "lucy",
    "megan",
    "katie",
    "lauren",
    "rebecca",
    "catherine",
    "elizabeth",
    "margaret",
    "victoria",
    "samantha",
    "abigail",
    "eleanor",
    "natasha",
    "jennifer",
    "stephanie",
    "louise",
    "caroline",
    "joanne",
    "gemma",
    "kirsty",
    "nicola",
    "claire",
    "sarah",
    "laura",
    "rachel",
    "amy",
    "helen",
    "karen",
    "tracy",
    "donna",
    "lisa",
    "michelle",
    "kelly",
    "emma",
    "charlie",
    "beatrice",
    "imogen",
    "violet",
    "aurora",
    "iris",
]
_BOYS = [
    "muhammad",
    "noah",
    "oliver",
    "george",
    "leo",
    "arthur",
    "oscar",
    "harry",
    "archie",
    "jack",
    "henry",
    "charlie",
    "freddie",
    "theodore",
    "thomas",
    "finley",
    "alfie",
    "theo",
    "jacob",
    "luca",
    "william",
    "isaac",
    "tommy",
    "james",
    "lucas",
    "albert",
    "teddy",
    "max",
    "elijah",
    "mason",
    "roman",
    "ethan",
    "joshua",
    "benjamin",
    "samuel",
    "daniel",
    "joseph",
    "edward",
    "alexander",
    "sebastian",
    "reuben",
    "louie",
    "hugo",
    "adam",
    "ali",
    "omar",
    "yusuf",
    "ibrahim",
    "hamza",
    "michael",
    "christopher",
    "matthew",
    "andrew",
    "david",
    "richard",
    "robert",
    "stephen",
    "paul",
    "mark",
    "anthony",
    "jonathan",
    "nicholas",
    "peter",
    "gregory",
    "kenneth",
    "lee",
    "dean",
    "craig",
    "gary",
    "wayne",
    "darren",
    "jason",
    "ryan",
    "kyle",
    "liam",
    "connor",
    "callum",
    "jamie",
    "dylan",
    "harrison",
    "riley",
    "jude",
    "ezra",
    "rory",
    "felix",
]
_FAMILY = [
    "smith",
    "jones",
    "williams",
    "taylor",
    "brown",
    "davies",
    "evans",
    "wilson",
    "thomas",
    "johnson",
    "roberts",
    "robinson",
    "thompson",
    "wright",
    "walker",
    "white",
    "edwards",
    "hughes",
    "green",
    "hall",
    "lewis",
    "harris",
    "clarke",
    "patel",
    "jackson",
    "wood",
    "turner",
    "martin",
    "cooper",
    "hill",
    "ward",
    "morris",
    "moore",
    "clark",
    "lee",
    "king",
    "baker",
    "harrison",
    "morgan",
    "allen",
    "james",
    "scott",
    "phillips",
    "watson",
    "davis",
    "parker",
    "price",
    "bennett",
    "young",
    "griffiths",
    "mitchell",
    "kelly",
    "cook",
    "carter",
    "richardson",
    "bailey",
    "collins",
    "bell",
    "shaw",
    "murphy",
    "miller",
    "cox",
    "richards",
    "khan",
    "marshall",
    "anderson",
    "simpson",
    "ellis",
    "adams",
    "singh",
    "begum",
    "wilkinson",
    "foster",
    "chapman",
    "powell",
    "webb",
    "rogers",
    "gray",
    "mason",
    "ali",
    "hunt",
    "hussain",
    "campbell",
    "matthews",
    "owen",
    "palmer",
    "holmes",
    "mills",
    "barnes",
    "knight",
    "lloyd",
    "butler",
    "russell",
    "barker",
    "fisher",
    "stevens",
    "jenkins",
    "murray",
    "dixon",
    "harvey",
    "graham",
    "pearson",
    "ahmed",
    "fletcher",
    "walsh",
    "kaur",
    "gibson",
    "howard",
    "andrews",
    "stewart",
    "elliott",
    "reynolds",
    "saunders",
    "payne",
    "fox",
    "ford",
    "pearce",
    "day",
    "brooks",
    "west",
    "lawrence",
    "cole",
    "atkinson",
    "bradley",
    "spencer",
    "gill",
    "dawson",
    "ball",
    "burton",
    "obrien",
    "watts",
    "rose",
    "booth",
    "perry",
    "ryan",
    "grant",
    "wells",
    "armstrong",
    "francis",
    "rees",
    "hayes",
    "hart",
    "hudson",
    "newman",
    "barrett",
    "webster",
    "hunter",
    "gregory",
    "carr",
    "lowe",
    "page",
    "marsh",
    "riley",
    "dunn",
    "woods",
    "parsons",
    "berry",
    "stone",
    "reid",
    "holland",
    "hawkins",
    "harding",
    "porter",
    "robertson",
    "newton",
    "oconnor",
    "kennedy",
    "okafor",
    "nowak",
    "kowalski",
    "mensah",
    "osei",
    "adeyemi",
    "chowdhury",
    "rahman",
    "islam",
    "miah",
    "uddin",
    "sharma",
    "kumar",
    "yilmaz",
    "demir",
    "popescu",
    "ionescu",
    "silva",
    "santos",
    "ferreira",
    "costa",
    "rossi",
    "russo",
    "novak",
    "horvat",
]
_STREETS = [
    "high street",
    "station road",
    "church lane",
    "park avenue",
    "victoria road",
    "green lane",
    "manor road",
    "the crescent",
    "mill lane",
    "kings road",
    "queens road",
    "london road",
    "north street",
    "school lane",
    "chestnut close",
    "orchard way",
    "meadow view",
    "elm grove",
    "springfield road",
    "windsor avenue",
]
_TOWNS = ["Grays", "Tilbury", "Purfleet", "Stanford", "Chadwell", "Corringham"]


def _zipf_weights(count: int, power: float = 0.45) -> list[float]:
    return [1.0 / (rank + 1) ** power for rank in range(count)]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice(string.ascii_lowercase)
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.3 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.55:
        return word[:i] + word[i + 1 :]
    if kind < 0.8:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def _nickname(rng: random.Random, name: str) -> str | None:
    for group in NAME_GROUPS:
        if name in group:
            others = [n for n in group if n != name]
            return rng.choice(others) if others else None
    return None


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.girl_w = _zipf_weights(len(_GIRLS))
        self.boy_w = _zipf_weights(len(_BOYS))
        self.family_w = _zipf_weights(len(_FAMILY))
        self.nhs_seen: set[str] = set()
        self.next_true = 0

    def given(self, sex: str, avoid: set[str] = frozenset()) -> str:  # type: ignore[assignment]
        names, weights = (_GIRLS, self.girl_w) if sex == "F" else (_BOYS, self.boy_w)
        while True:
            name = self.rng.choices(names, weights)[0]
            if name not in avoid:
                return name

    def postcode(self) -> str:
        rng = self.rng
        district = f"{rng.choice(['RM', 'SS', 'CM', 'IG', 'E'])}{rng.randint(1, 20)}"
        return f"{district} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}{rng.choice('ABDEFGHJLNPQRSTUWXY')}"

    def address(self) -> tuple[str, str, str]:
        rng = self.rng
        return (
            f"{rng.randint(1, 240)} {rng.choice(_STREETS).title()}",
            self.postcode(),
            rng.choice(_TOWNS),
        )

    def nhs(self) -> str:
        while True:
            value = "".join(self.rng.choice(string.digits) for _ in range(10))
            if value not in self.nhs_seen:
                self.nhs_seen.add(value)
                return value

    def dob(self, low_years: float, high_years: float) -> date:
        days = self.rng.uniform(low_years * 365.25, high_years * 365.25)
        return self.today - timedelta(days=int(days))

    def person(self, **fields) -> dict:
        self.next_true += 1
        return {"true_person_id": self.next_true, **fields}

    def household(self) -> list[dict]:
        rng = self.rng
        family = rng.choices(_FAMILY, self.family_w)[0]
        line1, postcode, town = self.address()
        where = {"address_line1": line1, "postcode": postcode, "town": town}
        people = []
        mother_dob = self.dob(19, 50)
        mother = self.person(
            first_name=self.given("F"), surname=family, dob=mother_dob, sex="F", **where
        )
        people.append(mother)
        father = None
        if rng.random() < 0.6:
            father = self.person(
                first_name=self.given("M"),
                surname=family,
                dob=mother_dob - timedelta(days=rng.randint(-1500, 3000)),
                sex="M",
                **where,
            )
            people.append(father)
        elif rng.random() < 0.3:
            mother["surname"] = rng.choices(_FAMILY, self.family_w)[0]
        used = {mother["first_name"]} | ({father["first_name"]} if father else set())
        age_mother = (self.today - mother_dob).days / 365.25
        for _ in range(rng.choices([0, 1, 2, 3, 4], [0.12, 0.35, 0.33, 0.14, 0.06])[0]):
            upper = min(18.0, age_mother - 17)
            if upper <= 0:
                break
            sex = rng.choice("FM")
            if father and sex == "M" and rng.random() < 0.06:
                name = father["first_name"]  # a son named after his father
            else:
                name = self.given(sex, used)
            used.add(name)
            child = self.person(
                first_name=name, surname=family, dob=self.dob(0, upper), sex=sex, **where
            )
            people.append(child)
            if rng.random() < 0.03:  # twins: one birthday, two names
                sex2 = rng.choice("FM")
                twin_name = self.given(sex2, used)
                used.add(twin_name)
                people.append(
                    self.person(
                        first_name=twin_name, surname=family, dob=child["dob"], sex=sex2, **where
                    )
                )
        for one in people:
            one["nhs_number"] = self.nhs() if rng.random() < 0.55 else ""
        return people

    def corrupt(self, original: dict) -> dict:
        rng = self.rng
        copy = dict(original)
        errors = rng.choices(
            [
                "typo_given",
                "nickname",
                "typo_family",
                "swap_dm",
                "dob_part",
                "move",
                "new_surname",
                "drop_nhs",
                "drop_postcode",
                "drop_dob",
                "drop_sex",
            ],
            [14, 10, 12, 7, 8, 14, 4, 14, 3, 2, 2],
            k=rng.choice([1, 1, 2, 2, 3]),
        )
        for error in errors:
            dob = copy["dob"]
            if error == "typo_given":
                copy["first_name"] = _typo(rng, copy["first_name"])
            elif error == "nickname":
                copy["first_name"] = _nickname(rng, copy["first_name"]) or copy["first_name"]
            elif error == "typo_family":
                copy["surname"] = _typo(rng, copy["surname"])
            elif error == "swap_dm" and dob and dob.day <= 12:
                copy["dob"] = date(dob.year, dob.day, dob.month)
            elif error == "dob_part" and dob:
                part = rng.choice(["year", "month", "day"])
                try:
                    if part == "year":
                        copy["dob"] = dob.replace(year=dob.year + rng.choice([-1, 1]))
                    elif part == "month":
                        copy["dob"] = dob.replace(month=rng.randint(1, 12))
                    else:
                        copy["dob"] = dob.replace(day=rng.randint(1, 28))
                except ValueError:
                    pass
            elif error == "move":
                line1, postcode, town = self.address()
                copy.update(address_line1=line1, postcode=postcode, town=town)
            elif error == "new_surname" and copy["sex"] == "F":
                copy["surname"] = rng.choices(_FAMILY, self.family_w)[0]
            elif error == "drop_nhs":
                copy["nhs_number"] = ""
            elif error == "drop_postcode":
                copy["postcode"] = ""
            elif error == "drop_dob":
                copy["dob"] = None
            elif error == "drop_sex":
                copy["sex"] = ""
        return copy


def generate_rows(
    people: int, *, seed: int = 1, duplicate_rate: float = 0.12, today: date | None = None
) -> Iterator[dict]:
    """About `people` records (true people plus their duplicates), shuffled within blocks."""
    gen = _Generator(seed, today or date(2026, 1, 1))
    made = 0
    row_id = 0
    while made < people:
        block = []
        for member in gen.household():
            block.append(member)
            if gen.rng.random() < duplicate_rate:
                for _ in range(gen.rng.choice([1, 1, 1, 2])):
                    block.append(gen.corrupt(member))
        gen.rng.shuffle(block)
        for record in block:
            if made >= people:
                break
            row_id += 1
            made += 1
            yield {
                "id": row_id,
                "first_name": record["first_name"].title(),
                "surname": record["surname"].title(),
                "dob": record["dob"].isoformat() if record["dob"] else "",
                "sex": record["sex"],
                "address_line1": record["address_line1"],
                "postcode": record["postcode"],
                "town": record["town"],
                "nhs_number": record["nhs_number"],
                "true_person_id": record["true_person_id"],
            }


def write_csv(path: str | Path, people: int, *, seed: int = 1) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in generate_rows(people, seed=seed):
            writer.writerow(row)
            count += 1
    return count
