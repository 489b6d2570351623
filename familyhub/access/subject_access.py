"""A person's data, assembled once from every part, for two readers:

- the family side's download ("your data"): what the family side may show, and a list of what
  is withheld and why ("withheld: reason"), never the withheld content;
- the information governance lead's subject access request (UK GDPR Article 15): everything
  held, each row that needs a decision before release marked for redaction with its reason
  (a sensitive category, third-party information, free text to read first).

Each part adds its sections on the hook `sections`, from its AppConfig.ready():

    from familyhub.access import subject_access

    def family_plan(context):
        '''The family plan: goals and actions.'''
        ...
        return [subject_access.Section(key="plan", heading="Family plan", columns=[...], rows=[...])]

    subject_access.sections.register(family_plan)

A provider reads through the access layer: for the family audience `layer.family_records`
(and what it withholds becomes `withheld` lines), for the staff audience every record of the
person (the IG lead decides what to release). The access part registers the core record, every
PersonRecord kind (generically), consents and the access log itself.

Exports: `as_json` (a machine-readable document, format FORMAT below) and `as_pdf` (core.pdf).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from familyhub.core.hooks import Hook
from familyhub.core.pdf import Document
from familyhub.people.models import Person

FAMILY = "family"
STAFF = "staff"
FORMAT = "familyhub-subject-access/1"


@dataclass
class Withheld:
    """Something left out, said without its content."""

    what: str
    reason: str
    count: int = 1

    def line(self) -> str:
        many = f" ({self.count})" if self.count > 1 else ""
        return f"withheld: {self.reason}. {self.what}{many}"


@dataclass
class Section:
    """One part of the export: a table, with what was withheld (family) or what to redact (staff:
    `redact` holds one reason, or "", per row)."""

    key: str
    heading: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    redact: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def lines(self) -> list[tuple[list[str], str]]:
        """Each row with its reason for redaction ("" for none)."""
        return list(zip(self.rows, self.redact, strict=False))

    def add(self, values: Iterable[Any], *, redact: str = "") -> None:
        self.rows.append([_text(v) for v in values])
        self.redact.append(redact)


@dataclass
class Context:
    """Who the export is for, and for whom it is made."""

    person: Person
    audience: str  # FAMILY or STAFF
    user: Any  # the family account, or the IG lead

    @property
    def for_family(self) -> bool:
        return self.audience == FAMILY


Provider = Callable[[Context], Iterable[Section]]
sections: Hook[Provider] = Hook("subject_access_sections", "each part's part of a person's data")


@dataclass
class PersonPart:
    person_name: str
    person_public_id: str
    sections: list[Section]


@dataclass
class Bundle:
    audience: str
    made_at: str
    made_for: str
    people: list[PersonPart]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y %H:%M") if hasattr(value, "hour") else f"{value:%-d %B %Y}"
    return str(value)


def deadline_for(received: date) -> date:
    """One calendar month after the day a request is received (the ICO: the corresponding day
    of the next month; the last day of that month when it has no such day)."""
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(received.day, last))


def assemble(people: Iterable[Person], *, audience: str, user, made_for: str = "") -> Bundle:
    """Every part's sections for each person, in the hook's order."""
    parts = []
    for person in people:
        context = Context(person=person, audience=audience, user=user)
        found: list[Section] = []
        for provider in sections:
            found.extend(provider(context) or [])
        parts.append(PersonPart(person.display_name, str(person.public_id), found))
    return Bundle(
        audience=audience,
        made_at=timezone.now().isoformat(timespec="seconds"),
        made_for=made_for,
        people=parts,
    )


def as_json(bundle: Bundle) -> dict[str, Any]:
    """The machine-readable export: each section's rows as objects keyed by column, and what
    was withheld (family) or marked for redaction (staff)."""
    people = []
    for part in bundle.people:
        out_sections = []
        for section in part.sections:
            rows = []
            for values, redact in zip(section.rows, section.redact, strict=False):
                row: dict[str, Any] = dict(zip(section.columns, values, strict=False))
                if bundle.audience == STAFF and redact:
                    row["for_redaction"] = redact
                rows.append(row)
            entry: dict[str, Any] = {"key": section.key, "heading": section.heading, "rows": rows}
            if section.note:
                entry["note"] = section.note
            if section.withheld:
                entry["withheld"] = [asdict(w) | {"line": w.line()} for w in section.withheld]
            out_sections.append(entry)
        people.append(
            {"name": part.person_name, "id": part.person_public_id, "sections": out_sections}
        )
    return {
        "format": FORMAT,
        "service": settings.FAMILYHUB_SERVICE_NAME,
        "audience": bundle.audience,
        "made_at": bundle.made_at,
        "made_for": bundle.made_for,
        "people": people,
    }


def as_pdf(bundle: Bundle) -> bytes:
    """The readable export: a heading per person and section, a table of rows, and the list of
    what was withheld and why (family) or a column of what to redact (staff)."""
    staff = bundle.audience == STAFF
    title = "Subject access request: for review" if staff else "Your information"
    document = Document(
        title=title,
        subtitle=f"{settings.FAMILYHUB_SERVICE_NAME}. Made {bundle.made_at[:10]}"
        + (f" for {bundle.made_for}" if bundle.made_for else ""),
        footer=title,
    )
    if staff:
        document.paragraph(
            "Everything held about this person. Rows marked in the column 'For redaction' need a "
            "decision before release: third-party information and sensitive categories."
        )
    else:
        document.paragraph(
            "This is what the family side of the service shows you. Some things are kept out; "
            "each is listed as 'withheld' with the reason, not what it says. You can ask for "
            "everything we hold with a subject access request."
        )
    for part in bundle.people:
        document.heading(part.person_name)
        for section in part.sections:
            document.heading(section.heading, level=2)
            if section.note:
                document.paragraph(section.note)
            columns = section.columns + (["For redaction"] if staff else [])
            rows = [
                values + ([redact] if staff else [])
                for values, redact in zip(section.rows, section.redact, strict=False)
            ]
            if rows:
                document.table(columns, rows)
            elif not section.withheld:
                document.paragraph("Nothing recorded.")
            for withheld in section.withheld:
                document.paragraph(withheld.line())
    return document.output()
