"""The Community Services Data Set, monthly, for health visiting and school nursing: CSDS v1.6
(the technical output specification NHS England publishes with the v1.6 Intermediate Database),
read with OHID's "Healthy child programme: supplementary guidance for completing the Community
Services Data Set" (February 2026, written for v1.6).

The tables produced, one CSV each in a zip, named and columned as in the specification:
  CYP000Header        the submission: data set version, provider, reporting period
  CYP001MPI           the master patient index: every child with a contact in the month or on a
                      health visiting caseload during it
  CYP002GP            the GP practice (the register holds none: the NHS default code V81999,
                      "practice code not known")
  CYP101Referral      the referral to the service: the health visiting caseload allocation
  CYP201CareContact   each review, and each health visiting or school nursing contact, in the month
  CYP202CareActivity  what was done at each contact: the review, each measurement (a coded
                      observation, SNOMED CT) and the feeding status at the 6-8 week review
Not produced (docs/RETURNS.md): CYP102 service or team type referred to, the school table, coded
scored assessments (ASQ-3, EPDS), and every table outside the Healthy Child Programme.

Each record is checked against the specification's rules (mandatory items reject the record,
required items must be reported where they apply) before export; a failure names the child, the
table and the field, and links to the page that fixes it. The month is read in chunks of children
(keyset pages by primary key), so memory stays flat however many children a county has.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.childhealth.models import (
    Feeding,
    HealthVisitorAllocation,
    Measurement,
    Outcome,
    Place,
    Review,
)
from familyhub.contacts.models import Contact, ContactKind
from familyhub.people.identifiers import is_valid_nhs_number
from familyhub.people.models import Ethnicity, NhsNumberStatus, Person, Sex
from familyhub.places.postcodes import is_valid_postcode
from familyhub.returns.building import BuildContext, Built, fix_child_health, fix_person_details
from familyhub.services.models import ServiceKind

DATA_SET_VERSION = "1.6"
CHUNK = 2000
HCP_SERVICES = (ServiceKind.HEALTH_VISITING, ServiceKind.SCHOOL_NURSING)
GP_NOT_KNOWN = "V81999"  # the NHS default GP practice code: practice code not known
SNOMED = "06"  # the coding scheme in use: SNOMED CT

# NHS Data Dictionary ETHNIC CATEGORY (2001 census categories) from the register's ONS 2021 ones.
ETHNIC_CATEGORY: dict[str, str] = {
    Ethnicity.WHITE_BRITISH: "A",
    Ethnicity.WHITE_IRISH: "B",
    Ethnicity.WHITE_GYPSY_TRAVELLER: "C",
    Ethnicity.WHITE_ROMA: "C",
    Ethnicity.WHITE_OTHER: "C",
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: "D",
    Ethnicity.MIXED_WHITE_BLACK_AFRICAN: "E",
    Ethnicity.MIXED_WHITE_ASIAN: "F",
    Ethnicity.MIXED_OTHER: "G",
    Ethnicity.ASIAN_INDIAN: "H",
    Ethnicity.ASIAN_PAKISTANI: "J",
    Ethnicity.ASIAN_BANGLADESHI: "K",
    Ethnicity.ASIAN_OTHER: "L",
    Ethnicity.BLACK_CARIBBEAN: "M",
    Ethnicity.BLACK_AFRICAN: "N",
    Ethnicity.BLACK_OTHER: "P",
    Ethnicity.ASIAN_CHINESE: "R",
    Ethnicity.OTHER_ARAB: "S",
    Ethnicity.OTHER_ANY: "S",
    Ethnicity.NOT_STATED: "Z",
    "": "99",
}
# PERSON STATED GENDER CODE
GENDER: dict[str, str] = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.UNKNOWN: "X"}
# ATTENDED OR DID NOT ATTEND: 5 attended (seen on time), 2 cancelled by the patient, 3 did not
# attend. A child who moved away had no contact, so is not sent.
ATTENDED: dict[str, str] = {Outcome.COMPLETED: "5", Outcome.DECLINED: "2", Outcome.NOT_BROUGHT: "3"}
# CONSULTATION MEDIUM USED: 01 face to face, 02 telephone, 03 telemedicine (video).
MEDIUM_BY_PLACE: dict[str, str] = {Place.VIRTUAL: "02"}
MEDIUM_BY_CONTACT: dict[str, str] = {ContactKind.PHONE: "02", ContactKind.VIDEO: "03"}
# ACTIVITY LOCATION TYPE CODE where the national code is known here (A01 the patient's home,
# B01 a primary care health centre); other places are left blank (docs/RETURNS.md).
LOCATION_BY_PLACE: dict[str, str] = {Place.HOME: "A01", Place.CLINIC: "B01"}
LOCATION_BY_CONTACT: dict[str, str] = {ContactKind.HOME_VISIT: "A01"}

# Coded observations (SNOMED CT): the measurement, its unit and the plausible range checked.
OBSERVATIONS = [
    ("weight_kg", "27113001", "kg", Decimal("0.3"), Decimal("200")),  # body weight
    ("height_cm", "50373000", "cm", Decimal("30"), Decimal("220")),  # body height
    ("head_circumference_cm", "363812007", "cm", Decimal("20"), Decimal("70")),  # head circ.
]
BMI = ("60621009", "kg/m2")  # body mass index
# Feeding at the 6-8 week review as a coded finding (SNOMED CT). These three concept ids are
# recalled, not checked against the SNOMED CT UK release here: verify before the first
# submission (docs/RETURNS.md).
FEEDING: dict[str, str] = {
    Feeding.EXCLUSIVE: "169741004",
    Feeding.PARTIAL: "169746009",
    Feeding.NOT: "169745008",
}

TABLES: dict[str, list[str]] = {
    "CYP000Header": [
        "DatSetVer",
        "OrgID_Provider",
        "OrgID_Submitter",
        "PrimSystemInUse",
        "ReportingPeriodStartDate",
        "ReportingPeriodEndDate",
        "DateTimeDatCreate",
    ],
    "CYP001MPI": [
        "LocalPatientID",
        "OrgID_LocalPatientID",
        "NHSNumber",
        "NHSNumberStatus",
        "PersonBirthDate",
        "Postcode",
        "Gender",
        "EthnicCategory",
        "PersonDeathDate",
    ],
    "CYP002GP": ["LocalPatientID", "OrgID_GP"],
    "CYP101Referral": [
        "ServiceRequestID",
        "LocalPatientID",
        "OrgID_Provider",
        "ReferralRequestReceivedDate",
        "ServDischDate",
    ],
    "CYP201CareContact": [
        "CareContactID",
        "LocalPatientID",
        "ServiceRequestID",
        "CareContDate",
        "ConsMediumUsed",
        "ActLocTypeCode",
        "AttendOrDNACode",
    ],
    "CYP202CareActivity": [
        "CareActID",
        "CareContactID",
        "LocalPatientID",
        "CareActivityDesc",
        "FindSchemeInUse",
        "CodeFind",
        "ObsSchemeInUse",
        "CodeObs",
        "ObsValue",
        "UnitMeasure",
    ],
}


@dataclass
class Writers:
    """One CSV writer per table, into files of a temporary directory."""

    directory: str

    def __post_init__(self) -> None:
        # Six files open at once while the month is written; write_tables closes them (finally).
        self.handles = {
            name: open(f"{self.directory}/{name}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            for name in TABLES
        }
        self.writers = {name: csv.writer(handle) for name, handle in self.handles.items()}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        for name, columns in TABLES.items():
            self.writers[name].writerow(columns)

    def row(self, table: str, values: dict[str, object]) -> None:
        self.writers[table].writerow([_csv(values.get(column)) for column in TABLES[table]])
        self.counts[table] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _csv(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- who is in the month ---------------------------------------------------------------------


def _allocations(start: date, end: date) -> QuerySet[HealthVisitorAllocation]:
    return HealthVisitorAllocation.objects.filter(
        Q(end__isnull=True) | Q(end__gte=start), start__lte=end
    )


def _reviews(start: date, end: date) -> QuerySet[Review]:
    return Review.objects.filter(
        done_on__range=(start, end),
        outcome__in=list(ATTENDED),
        owning_service__kind__in=HCP_SERVICES,
    )


def _contacts(start: date, end: date) -> QuerySet[Contact]:
    return Contact.objects.filter(
        contact_on__range=(start, end), team__service__kind__in=HCP_SERVICES
    )


def _measurements(start: date, end: date) -> QuerySet[Measurement]:
    return Measurement.objects.filter(
        measured_on__range=(start, end), owning_service__kind__in=HCP_SERVICES
    )


def cohort(authority_id: int, start: date, end: date) -> QuerySet[Person]:
    """Children with a health visiting caseload allocation open in the month, or a review, a
    contact or a measurement by health visiting or school nursing in it."""
    seen = Contact.seen.through.objects.filter(contact__in=_contacts(start, end)).values(
        "person_id"
    )
    return Person.objects.filter(
        Q(pk__in=_allocations(start, end).values("person_id"))
        | Q(pk__in=_reviews(start, end).values("person_id"))
        | Q(pk__in=seen)
        | Q(pk__in=_measurements(start, end).values("person_id")),
        authority_id=authority_id,
        merged_into__isnull=True,
        is_unborn=False,
    )


def chunks(people: QuerySet[Person]) -> Iterator[list[Person]]:
    """The cohort in pages of CHUNK by primary key: each page one query, none held after."""
    last = 0
    while True:
        page = list(
            people.filter(pk__gt=last)
            .order_by("pk")
            .only(
                "pk",
                "public_id",
                "nhs_number",
                "nhs_number_status",
                "date_of_birth",
                "postcode",
                "sex",
                "ethnicity",
                "date_of_death",
                "given_name",
                "family_name",
            )[:CHUNK]
        )
        if not page:
            return
        yield page
        last = page[-1].pk


# The statuses that say why a patient has no NHS number (NHS NUMBER STATUS INDICATOR CODE 03-08).
NO_NUMBER_REASONS = frozenset(NhsNumberStatus.values) - {
    NhsNumberStatus.VERIFIED,
    NhsNumberStatus.NOT_TRACED,
}


def _nhs_status(person: Person) -> str:
    """The status sent: a number the register holds without a status is 02, present but not
    traced (the register's own rule for typed numbers, people.models)."""
    if person.nhs_number and not person.nhs_number_status:
        return NhsNumberStatus.NOT_TRACED
    return person.nhs_number_status


# --- the rules -------------------------------------------------------------------------------


class Rules:
    """Checks each record against the specification's rules, records the failures."""

    def __init__(self, context: BuildContext, teams: dict[int, int]) -> None:
        self.context = context
        self.teams = teams

    def fail(
        self, person: Person, table: str, field_name: str, message: str, *, details: bool
    ) -> None:
        fix = (
            fix_person_details(person.public_id) if details else fix_child_health(person.public_id)
        )
        self.context.fail(
            person_id=person.pk,
            team_id=self.teams.get(person.pk),
            record=table,
            field_name=field_name,
            message=message,
            fix_url=fix,
        )

    def patient(self, person: Person, end: date) -> None:
        table = "CYP001MPI"
        status = _nhs_status(person)
        if not person.nhs_number and status not in NO_NUMBER_REASONS:
            self.fail(
                person,
                table,
                "NHSNumber",
                "No NHS number, and no status saying why (trace required, in progress, "
                "postponed...): required for every patient",
                details=True,
            )
        elif person.nhs_number and not is_valid_nhs_number(person.nhs_number):
            self.fail(
                person,
                table,
                "NHSNumber",
                f"NHS number {person.nhs_number} fails the modulus 11 check",
                details=True,
            )
        if status and status not in NhsNumberStatus.values:
            self.fail(
                person, table, "NHSNumberStatus", "Not an NHS number status code", details=True
            )
        if person.date_of_birth is None:
            self.fail(person, table, "PersonBirthDate", "No date of birth", details=True)
        elif person.date_of_birth > end:
            self.fail(
                person,
                table,
                "PersonBirthDate",
                "The date of birth is after the end of the reporting period",
                details=True,
            )
        if not is_valid_postcode(person.postcode or ""):
            shown = person.postcode or "none"
            self.fail(
                person, table, "Postcode", f"Not a UK postcode ({shown}): required", details=True
            )

    def observation(
        self, person: Person, field_name: str, value: Decimal, low: Decimal, high: Decimal
    ) -> bool:
        if low <= value <= high:
            return True
        self.fail(
            person,
            "CYP202CareActivity",
            "ObsValue",
            f"{field_name.replace('_', ' ')} {value} is outside {low}-{high}: check the measurement",
            details=False,
        )
        return False


# --- the rows --------------------------------------------------------------------------------


def _patient_row(person: Person, org: str) -> dict[str, object]:
    return {
        "LocalPatientID": person.pk,
        "OrgID_LocalPatientID": org,
        "NHSNumber": person.nhs_number or None,
        "NHSNumberStatus": _nhs_status(person),
        "PersonBirthDate": person.date_of_birth,
        "Postcode": person.postcode,
        "Gender": GENDER.get(person.sex, "X"),
        "EthnicCategory": ETHNIC_CATEGORY.get(person.ethnicity, "99"),
        "PersonDeathDate": person.date_of_death,
    }


def _activity(
    act_id: str, contact_id: str, person_id: int, desc: str, **coded: object
) -> dict[str, object]:
    return {
        "CareActID": act_id,
        "CareContactID": contact_id,
        "LocalPatientID": person_id,
        "CareActivityDesc": desc,
        **coded,
    }


def _measurement_rows(
    out: Writers, rules: Rules, person: Person, measurement: Measurement, contact_id: str
) -> None:
    for field_name, code, unit, low, high in OBSERVATIONS:
        value = getattr(measurement, field_name)
        if value is None or not rules.observation(person, field_name, Decimal(value), low, high):
            continue
        out.row(
            "CYP202CareActivity",
            _activity(
                f"{measurement.public_id}-{code}",
                contact_id,
                person.pk,
                "Measurement",
                ObsSchemeInUse=SNOMED,
                CodeObs=code,
                ObsValue=value,
                UnitMeasure=unit,
            ),
        )
    if measurement.bmi is not None:
        out.row(
            "CYP202CareActivity",
            _activity(
                f"{measurement.public_id}-{BMI[0]}",
                contact_id,
                person.pk,
                "Measurement",
                ObsSchemeInUse=SNOMED,
                CodeObs=BMI[0],
                ObsValue=round(measurement.bmi, 1),
                UnitMeasure=BMI[1],
            ),
        )


def _write_chunk(out: Writers, context: BuildContext, people: list[Person], org: str) -> None:
    start, end = context.start, context.end
    ids = [p.pk for p in people]
    allocations: dict[int, list[HealthVisitorAllocation]] = defaultdict(list)
    for allocation in _allocations(start, end).filter(person_id__in=ids).order_by("start", "pk"):
        allocations[allocation.person_id].append(allocation)
    teams = {pk: rows[-1].team_id for pk, rows in allocations.items()}
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in _reviews(start, end).filter(person_id__in=ids).order_by("done_on", "pk"):
        reviews[review.person_id].append(review)
    contacts: dict[int, list[Contact]] = defaultdict(list)
    seen = Contact.seen.through.objects.filter(
        contact__in=_contacts(start, end), person_id__in=ids
    ).select_related("contact")
    for link in seen.order_by("contact__contact_on", "contact_id"):
        contacts[link.person_id].append(link.contact)
    measurements: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in (
        _measurements(start, end).filter(person_id__in=ids).order_by("measured_on", "pk")
    ):
        measurements[measurement.person_id].append(measurement)
    rules = Rules(context, teams)
    for person in people:
        rules.patient(person, end)
        out.row("CYP001MPI", _patient_row(person, org))
        out.row("CYP002GP", {"LocalPatientID": person.pk, "OrgID_GP": GP_NOT_KNOWN})
        referral_id = ""
        for allocation in allocations.get(person.pk, []):
            referral_id = str(allocation.public_id)
            out.row(
                "CYP101Referral",
                {
                    "ServiceRequestID": referral_id,
                    "LocalPatientID": person.pk,
                    "OrgID_Provider": org,
                    "ReferralRequestReceivedDate": allocation.start,
                    "ServDischDate": allocation.end
                    if allocation.end and allocation.end <= end
                    else None,
                },
            )
        reviewed_dues = set()
        for review in reviews.get(person.pk, []):
            contact_id = str(review.public_id)
            reviewed_dues.add(review.due_id)
            out.row(
                "CYP201CareContact",
                {
                    "CareContactID": contact_id,
                    "LocalPatientID": person.pk,
                    "ServiceRequestID": referral_id or None,
                    "CareContDate": review.done_on,
                    "ConsMediumUsed": MEDIUM_BY_PLACE.get(review.place, "01"),
                    "ActLocTypeCode": LOCATION_BY_PLACE.get(review.place),
                    "AttendOrDNACode": ATTENDED[review.outcome],
                },
            )
            if review.outcome != Outcome.COMPLETED:
                continue
            out.row(
                "CYP202CareActivity",
                _activity(f"{contact_id}-review", contact_id, person.pk, review.get_kind_display()),
            )
            if review.breastfeeding:
                out.row(
                    "CYP202CareActivity",
                    _activity(
                        f"{contact_id}-feeding",
                        contact_id,
                        person.pk,
                        "Feeding status",
                        FindSchemeInUse=SNOMED,
                        CodeFind=FEEDING[review.breastfeeding],
                    ),
                )
            for measurement in measurements.get(person.pk, []):
                if measurement.due_id == review.due_id:
                    _measurement_rows(out, rules, person, measurement, contact_id)
        for contact in contacts.get(person.pk, []):
            out.row(
                "CYP201CareContact",
                {
                    "CareContactID": str(contact.public_id),
                    "LocalPatientID": person.pk,
                    "ServiceRequestID": referral_id or None,
                    "CareContDate": contact.contact_on,
                    "ConsMediumUsed": MEDIUM_BY_CONTACT.get(contact.kind, "01"),
                    "ActLocTypeCode": LOCATION_BY_CONTACT.get(contact.kind),
                    "AttendOrDNACode": "5",
                },
            )
        for measurement in measurements.get(person.pk, []):
            if measurement.due_id is not None and measurement.due_id in reviewed_dues:
                continue  # already sent with its review's contact
            contact_id = str(measurement.public_id)
            out.row(
                "CYP201CareContact",
                {
                    "CareContactID": contact_id,
                    "LocalPatientID": person.pk,
                    "ServiceRequestID": referral_id or None,
                    "CareContDate": measurement.measured_on,
                    "ConsMediumUsed": "01",
                    "AttendOrDNACode": "5",
                },
            )
            _measurement_rows(out, rules, person, measurement, contact_id)
    context.note_people((p.pk, p.public_id) for p in people)


def write_tables(context: BuildContext, directory: str) -> dict[str, int]:
    """Write every table's CSV into the directory; the counts of rows per table."""
    org = settings.FAMILYHUB_CSDS_ORG_ID
    if not org:
        context.fail(
            person_id=None,
            record="CYP000Header",
            field_name="OrgID_Provider",
            message="The provider's organisation code is not set (FAMILYHUB_CSDS_ORG_ID): "
            "mandatory, every record would be rejected",
        )
    out = Writers(directory)
    try:
        out.row(
            "CYP000Header",
            {
                "DatSetVer": DATA_SET_VERSION,
                "OrgID_Provider": org,
                "OrgID_Submitter": org,
                "PrimSystemInUse": "Familyhub",
                "ReportingPeriodStartDate": context.start,
                "ReportingPeriodEndDate": context.end,
                "DateTimeDatCreate": timezone.localtime().replace(microsecond=0).isoformat(),
            },
        )
        for page in chunks(cohort(context.authority_id, context.start, context.end)):
            _write_chunk(out, context, page, org)
            context.advance(1)
    finally:
        out.close()
    return dict(out.counts)


def build(context: BuildContext) -> Built:
    with tempfile.TemporaryDirectory(prefix="csds-") as directory:
        counts = write_tables(context, directory)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in TABLES:
                archive.write(f"{directory}/{name}.csv", arcname=f"{name}.csv")
    month = context.start.strftime("%Y-%m")
    return Built(
        file_name=f"csds-v1.6-{month}.zip",
        content_type="application/zip",
        content=buffer.getvalue(),
        counts=counts | {"children": counts["CYP001MPI"]},
    )


STEPS = 1
