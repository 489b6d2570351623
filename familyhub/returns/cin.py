"""The Children in Need census: child-level XML for the DfE's COLLECT, 2026 to 2027 (1 April 2026
to 31 March 2027), for the children the council supported under section 17 (casework episodes
with child_in_need_from, the Family Help record of a child in need).

Each child is checked against the specification's rules before export (the failures name the
child, the element and the page that puts it right), then the whole message is validated with
xmlschema against schemas/cin_census_2026_27.xsd, a schema TRANSCRIBED from the specification
(the DfE publishes no XSD we could find; see that file's header and docs/RETURNS.md).

Not held in Familyhub, so not sent: section 47 enquiries, initial child protection conferences
and child protection plans (those stay with the child protection team's own system), and the
factors identified at assessment.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import xmlschema
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from familyhub.casework.models import Episode
from familyhub.people.identifiers import is_valid_upn
from familyhub.people.models import Ethnicity, Person
from familyhub.referrals.models import ReferrerKind
from familyhub.referrals.needs import Need
from familyhub.returns.building import BuildContext, Built, fix_episode, fix_person_details

SCHEMA_PATH = Path(__file__).parent / "schemas" / "cin_census_2026_27.xsd"
SOFTWARE = "Familyhub"

# Our register keeps the ONS 2021 census categories; the census asks for the DfE's codes.
# "Gypsy or Irish Traveller" (W3) covers two of the DfE's codes (WIRT, WROM): a practitioner
# must say which, so it is a failure rather than a guess.
ETHNICITY: dict[str, str] = {
    Ethnicity.WHITE_BRITISH: "WBRI",
    Ethnicity.WHITE_IRISH: "WIRI",
    Ethnicity.WHITE_ROMA: "WROM",
    Ethnicity.WHITE_OTHER: "WOTH",
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: "MWBC",
    Ethnicity.MIXED_WHITE_BLACK_AFRICAN: "MWBA",
    Ethnicity.MIXED_WHITE_ASIAN: "MWAS",
    Ethnicity.MIXED_OTHER: "MOTH",
    Ethnicity.ASIAN_INDIAN: "AIND",
    Ethnicity.ASIAN_PAKISTANI: "APKN",
    Ethnicity.ASIAN_BANGLADESHI: "ABAN",
    Ethnicity.ASIAN_CHINESE: "CHNE",
    Ethnicity.ASIAN_OTHER: "AOTH",
    Ethnicity.BLACK_CARIBBEAN: "BCRB",
    Ethnicity.BLACK_AFRICAN: "BAFR",
    Ethnicity.BLACK_OTHER: "BOTH",
    Ethnicity.OTHER_ARAB: "OOTH",
    Ethnicity.OTHER_ANY: "OOTH",
    Ethnicity.NOT_STATED: "REFU",
    "": "NOBT",
}

REFERRAL_SOURCE: dict[str, str] = {
    ReferrerKind.FAMILY: "1A",
    ReferrerKind.SCHOOL: "2A",
    ReferrerKind.EARLY_YEARS: "2B",
    ReferrerKind.GP: "3A",
    ReferrerKind.HEALTH_VISITOR: "3B",
    ReferrerKind.HOUSING: "4",
    ReferrerKind.SOCIAL_CARE: "5A",
    ReferrerKind.POLICE: "6",
    ReferrerKind.OTHER_SERVICE: "8",
}
SOURCE_UNKNOWN = "10"

# The census's primary need (N1 abuse or neglect ... N8 absent parenting) from the family's
# headline needs, most pressing first: a local mapping, said in docs/RETURNS.md.
PRIMARY_NEED = [
    (Need.CHILD_SAFETY, "N1"),
    (Need.DOMESTIC_ABUSE, "N1"),
    (Need.HEALTH, "N3"),
    (Need.FAMILY_RELATIONSHIPS, "N5"),
    (Need.CRIME, "N6"),
    (Need.FINANCIAL, "N7"),
    (Need.HOUSING, "N4"),
    (Need.SUBSTANCE_USE, "N4"),
    (Need.EDUCATION, "N4"),
    (Need.EARLY_YEARS, "N4"),
]
# RC7: services ceased for any other reason, including the child no longer being in need.
CLOSED_NO_LONGER_IN_NEED = "RC7"


@lru_cache(maxsize=1)
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


@dataclass
class ChildRow:
    person: Person
    episodes: list[Episode]


def children_in_need(authority_id: int, start: date, end: date):
    """Episodes with a section 17 spell that overlaps the census year."""
    return (
        Episode.objects.filter(
            Q(child_in_need_until__isnull=True) | Q(child_in_need_until__gte=start),
            authority_id=authority_id,
            child_in_need_from__isnull=False,
            child_in_need_from__lte=end,
            person__merged_into__isnull=True,
        )
        .select_related("person", "referral")
        .prefetch_related("needs", "assessments")
        .order_by("person_id", "child_in_need_from", "pk")
    )


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return element


def _primary_need(episode: Episode) -> str | None:
    needs = {n.need for n in episode.needs.all()}
    return next((code for need, code in PRIMARY_NEED if need in needs), None)


class Checks:
    """The specification's rules, one failure per broken rule, each naming the element."""

    def __init__(self, context: BuildContext, person: Person, episode: Episode) -> None:
        self.context, self.person, self.episode = context, person, episode

    def fail(self, element: str, message: str, *, details: bool = False) -> None:
        fix = (
            fix_person_details(self.person.public_id)
            if details
            else fix_episode(self.episode.public_id)
        )
        self.context.fail(
            person_id=self.person.pk,
            team_id=self.episode.team_id,
            record="Child" if details else "CINdetails",
            field_name=element,
            message=message,
            fix_url=fix,
        )


def _identifiers(child: ET.Element, person: Person, checks: Checks, end: date) -> None:
    ids = ET.SubElement(child, "ChildIdentifiers")
    _text(ids, "LAchildID", person.pk)
    upn = (person.upn or "").strip().upper()
    if upn and is_valid_upn(upn):
        _text(ids, "UPN", upn)
    elif upn:
        checks.fail("UPN", f"The UPN {upn} fails its check letter or shape", details=True)
    elif person.is_unborn or (person.date_of_birth and (end - person.date_of_birth).days < 6 * 365):
        _text(ids, "UPNunknown", "UN1")  # under 6 and not yet at school
    else:
        checks.fail(
            "UPN", "No UPN: a child of school age needs their unique pupil number", details=True
        )
    if person.is_unborn or person.date_of_birth is None:
        if person.expected_date_of_delivery:
            _text(ids, "ExpectedPersonBirthDate", person.expected_date_of_delivery)
        else:
            checks.fail(
                "PersonBirthDate",
                "Neither a date of birth nor an expected date of birth is recorded",
                details=True,
            )
    else:
        _text(ids, "PersonBirthDate", person.date_of_birth)
    _text(ids, "Sex", person.sex or "U")
    if person.date_of_death:
        _text(ids, "PersonDeathDate", person.date_of_death)


def _characteristics(child: ET.Element, person: Person, checks: Checks) -> None:
    chars = ET.SubElement(child, "ChildCharacteristics")
    code = ETHNICITY.get(person.ethnicity)
    if code is None:
        checks.fail(
            "Ethnicity",
            f"{person.get_ethnicity_display()} does not say which census code applies "
            "(Traveller of Irish heritage, or Gypsy/Roma)",
            details=True,
        )
        code = "NOBT"
    _text(chars, "Ethnicity", code)
    disabilities = ET.SubElement(chars, "Disabilities")
    _text(disabilities, "Disability", "DDA" if person.disability_or_send else "NONE")


def _cin_details(child: ET.Element, episode: Episode, checks: Checks, end: date) -> None:
    details = ET.SubElement(child, "CINdetails")
    referral = episode.referral
    referred = (
        timezone.localtime(referral.received_at).date() if referral else episode.child_in_need_from
    )
    assert episode.child_in_need_from is not None  # the cohort's own filter
    if referred is None or referred > episode.child_in_need_from:
        referred = episode.child_in_need_from
    _text(details, "CINreferralDate", referred)
    source = (
        REFERRAL_SOURCE.get(referral.referrer_kind, SOURCE_UNKNOWN) if referral else SOURCE_UNKNOWN
    )
    _text(details, "ReferralSource", source)
    need = _primary_need(episode)
    if need is None:
        checks.fail(
            "PrimaryNeedCode", "No need is recorded, so the census's primary need is unknown"
        )
    else:
        _text(details, "PrimaryNeedCode", need)
    closed = (
        episode.child_in_need_until
        if episode.child_in_need_until and episode.child_in_need_until <= end
        else None
    )
    if closed is not None:
        if closed < referred:
            checks.fail("CINclosureDate", "The child in need spell ends before it starts")
        _text(details, "CINclosureDate", closed)
        _text(details, "ReasonForClosure", CLOSED_NO_LONGER_IN_NEED)
    for assessment in sorted(episode.assessments.all(), key=lambda a: a.completed_on):
        if referred <= assessment.completed_on <= end:
            group = ET.SubElement(details, "Assessments")
            _text(group, "AssessmentActualStartDate", assessment.completed_on)
            _text(group, "AssessmentAuthorisationDate", assessment.completed_on)
    plan = ET.SubElement(details, "CINPlanDates")
    _text(plan, "CINPlanStartDate", episode.child_in_need_from)
    if closed is not None:
        _text(plan, "CINPlanEndDate", closed)
    _text(details, "ReferralNFA", "false")


def header(context: BuildContext) -> ET.Element:
    message = ET.Element("Message")
    head = ET.SubElement(message, "Header")
    collection = ET.SubElement(head, "CollectionDetails")
    _text(collection, "Collection", "CIN")
    _text(collection, "Year", context.end.year)
    _text(collection, "ReferenceDate", context.end)
    source = ET.SubElement(head, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", settings.FAMILYHUB_DFE_LA_NUMBER)
    _text(source, "SoftwareCode", SOFTWARE)
    _text(source, "Release", "1")
    _text(source, "SerialNo", f"{context.run.pk:03d}")
    _text(source, "DateTime", timezone.localtime().replace(microsecond=0, tzinfo=None))
    return message


def _schema_failures(context: BuildContext, xml: bytes, children: list[ChildRow]) -> int:
    """Every schema error, named by the child it sits in (or the header)."""
    count = 0
    for error in schema().iter_errors(xml):
        count += 1
        path = error.path or ""
        match = re.search(r"Child\[(\d+)\]", path)
        row = children[int(match.group(1)) - 1] if match else None
        element = path.rsplit("/", 1)[-1] if path else "Message"
        context.fail(
            person_id=row.person.pk if row else None,
            team_id=row.episodes[0].team_id if row else None,
            record="XML schema",
            field_name=re.sub(r"\[\d+\]", "", element),
            message=f"Does not match the census schema: {error.reason or error.message}",
            fix_url=fix_person_details(row.person.public_id) if row else "",
        )
    return count


def build(context: BuildContext) -> Built:
    children: list[ChildRow] = []
    for episode in children_in_need(context.authority_id, context.start, context.end):
        if children and children[-1].person.pk == episode.person_id:
            children[-1].episodes.append(episode)
        else:
            children.append(ChildRow(episode.person, [episode]))
    context.advance(1)
    message = header(context)
    listed = ET.SubElement(message, "Children")
    for row in children:
        child = ET.SubElement(listed, "Child")
        first = Checks(context, row.person, row.episodes[0])
        _identifiers(child, row.person, first, context.end)
        _characteristics(child, row.person, first)
        for episode in row.episodes:
            _cin_details(child, episode, Checks(context, row.person, episode), context.end)
    context.note_people((row.person.pk, row.person.public_id) for row in children)
    ET.indent(message)
    xml = ET.tostring(message, encoding="utf-8", xml_declaration=True)
    schema_errors = _schema_failures(context, xml, children) if children else 0
    if not children:
        context.fail(
            person_id=None,
            record="Children",
            field_name="Child",
            message="No child was supported under section 17 in the year: the census needs one",
        )
    context.advance(1)
    year = context.run.period_label.replace("/", "-")
    return Built(
        file_name=f"cin-census-{year}.xml",
        content_type="application/xml",
        content=xml,
        counts={
            "children": len(children),
            "CINdetails": sum(len(row.episodes) for row in children),
            "schema errors": schema_errors,
        },
    )


STEPS = 2
