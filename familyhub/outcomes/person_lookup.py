"""Finding the person an imported row is about, for the imports of results other systems hold
(EYFSP, maternity): never created, never guessed. By an identifier first (UPN, NHS number),
else by given name, family name and date of birth together, with exactly one match in the
council; the message says what to add when there is no match or more than one."""

from __future__ import annotations

from collections.abc import Callable

from familyhub.core.csvfiles import parse_date
from familyhub.people.models import Person


def find_person(
    authority_id: int, value: Callable[[str], str], *, identifier: str, label: str, who: str
) -> Person | str:
    """`value(column)` reads the row; `identifier` is the column and Person field (upn,
    nhs_number), `label` its name in messages (UPN, NHS number), `who` the person (child,
    mother). Returns the person or the reason there is none."""
    people = Person.objects.filter(authority_id=authority_id, merged_into__isnull=True)
    key = value(identifier).replace(" ", "").upper()
    if key:
        match = list(people.filter(**{identifier: key})[:2])
        if len(match) == 1:
            return match[0]
    born = parse_date(value("date_of_birth"))
    if not (value("family_name") and born):
        return f"No {who} in the register with this {label}; give the name and date of birth too"
    match = list(
        people.filter(
            family_name__iexact=value("family_name"),
            given_name__iexact=value("given_name"),
            date_of_birth=born,
        )[:2]
    )
    if len(match) == 1:
        return match[0]
    if match:
        return (
            f"More than one {who} in the register has this name and date of birth: give the {label}"
        )
    return f"No {who} in the register with this {label}, or this name and date of birth"
