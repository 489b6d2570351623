"""CSDS v1.6 for November 2026: the tables, each record's rules (a planted error of each kind is
caught with the child, the table and the field), the access log and the download's log."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from familyhub.audit.models import AccessLog
from familyhub.childhealth.schedule import ReviewKind
from familyhub.contacts.models import Contact
from familyhub.returns import csds, services
from familyhub.returns.models import ReturnStatus

pytestmark = pytest.mark.django_db
MONTH = "2026-11"


def tables(run) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(bytes(run.file_bytes)))
    return {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.TextIOWrapper(archive.open(name), "utf-8"))
        )
        for name in archive.namelist()
    }


@pytest.fixture
def month(make_child, allocate, review, measure, hv_team, health_visitor):
    baby = make_child(date_of_birth=date(2026, 9, 20), given_name="Bea", family_name="Baby")
    allocate(baby, date(2026, 9, 21))
    six_week = review(baby, ReviewKind.SIX_EIGHT_WEEK, date(2026, 11, 5), breastfeeding="exclusive")
    measure(six_week, weight_kg="4.80", height_cm="56.0", head_circumference_cm="38.5")
    toddler = make_child(date_of_birth=date(2024, 5, 1))
    allocate(toddler, date(2024, 5, 2))
    review(toddler, ReviewKind.TWO_YEAR, date(2026, 11, 12), outcome="not_brought")
    visited = make_child(date_of_birth=date(2025, 11, 1))
    contact = Contact.objects.create(
        person=visited,
        owning_service=hv_team.service,
        team=hv_team,
        contact_on=date(2026, 11, 20),
        kind="home_visit",
        discussed="Sleep",
    )
    contact.seen.add(visited)
    make_child(date_of_birth=date(2020, 1, 1))  # no health visiting this month: not sent
    return {"baby": baby, "toddler": toddler, "visited": visited}


def test_a_clean_month_validates_with_every_table(month, generate):
    run = generate("csds", MONTH)
    assert list(run.failures.values_list("message", flat=True)) == []
    assert run.status == ReturnStatus.VALIDATED
    got = tables(run)
    assert list(got) == list(csds.TABLES)
    for name, columns in csds.TABLES.items():
        assert not got[name] or list(got[name][0]) == columns, name
    assert got["CYP000Header"][0]["DatSetVer"] == "1.6"
    assert got["CYP000Header"][0]["ReportingPeriodStartDate"] == "2026-11-01"
    patients = {int(r["LocalPatientID"]) for r in got["CYP001MPI"]}
    assert patients == {month["baby"].pk, month["toddler"].pk, month["visited"].pk}
    assert len(got["CYP002GP"]) == 3
    assert {r["AttendOrDNACode"] for r in got["CYP201CareContact"]} == {"5", "3"}
    observations = {r["CodeObs"]: r for r in got["CYP202CareActivity"] if r["CodeObs"]}
    assert Decimal(observations["27113001"]["ObsValue"]) == Decimal("4.8")
    assert observations["27113001"]["UnitMeasure"] == "kg"
    feeding = [r for r in got["CYP202CareActivity"] if r["CodeFind"]]
    assert feeding[0]["CodeFind"] == csds.FEEDING["exclusive"]
    assert run.counts["CYP201CareContact"] == 3


@pytest.mark.parametrize(
    ("change", "table", "field"),
    [
        ({"nhs_number": "9434765918"}, "CYP001MPI", "NHSNumber"),
        ({"nhs_number": ""}, "CYP001MPI", "NHSNumber"),
        ({"postcode": "XX1 1X"}, "CYP001MPI", "Postcode"),
        ({"date_of_birth": date(2026, 12, 2)}, "CYP001MPI", "PersonBirthDate"),
    ],
)
def test_a_planted_patient_error_names_the_child_table_and_field(
    month, generate, change, table, field
):
    baby = month["baby"]
    type(baby).objects.filter(pk=baby.pk).update(**change)
    run = generate("csds", MONTH)
    assert run.status == ReturnStatus.DRAFT
    failure = run.failures.get(person=baby, record=table, field=field)
    assert failure.fix_url == f"/people/{baby.public_id}/edit/"
    assert failure.team.name == "Health visiting North"


def test_an_implausible_measurement_is_caught_and_not_sent(month, generate, review, measure):
    toddler = month["toddler"]
    weighed = review(toddler, ReviewKind.TWO_YEAR, date(2026, 11, 14))
    measure(weighed, weight_kg="140.00", height_cm="9.0")
    run = generate("csds", MONTH)
    failure = run.failures.get(person=toddler, record="CYP202CareActivity", field="ObsValue")
    assert "height cm 9.0" in failure.message
    assert failure.fix_url == f"/child-health/people/{toddler.public_id}/"
    codes = [
        r["CodeObs"]
        for r in tables(run)["CYP202CareActivity"]
        if r["LocalPatientID"] == str(toddler.pk)
    ]
    assert "50373000" not in codes and "27113001" in codes


def test_no_provider_code_is_a_mandatory_failure(month, generate, settings):
    settings.FAMILYHUB_CSDS_ORG_ID = ""
    run = generate("csds", MONTH)
    failure = run.failures.get(record="CYP000Header")
    assert (failure.field, failure.person) == ("OrgID_Provider", None)


def test_every_child_read_is_logged_and_so_is_each_download(month, generate, officer):
    run = generate("csds", MONTH)
    entries = AccessLog.objects.filter(user_id=officer.pk, channel="export")
    assert sorted(entries.values_list("person_pk", flat=True)) == sorted(
        p.pk for p in month.values()
    )
    assert all("Community Services Data Set" in e.purpose for e in entries)
    assert all(str(run.public_id) in e.detail for e in entries)
    services.return_download_logged(run, officer)
    downloads = AccessLog.objects.filter(user_id=officer.pk, purpose__startswith="Download")
    assert downloads.count() == 3


def test_memory_stays_flat_the_month_is_read_in_pages(month, generate, monkeypatch):
    monkeypatch.setattr(csds, "CHUNK", 1)
    run = generate("csds", MONTH)
    assert run.counts["CYP001MPI"] == 3
    assert run.status == ReturnStatus.VALIDATED


def test_a_missing_number_with_a_status_saying_why_is_sent_without_failing(month, generate):
    baby = month["baby"]
    type(baby).objects.filter(pk=baby.pk).update(nhs_number="", nhs_number_status="03")
    toddler = month["toddler"]
    type(toddler).objects.filter(pk=toddler.pk).update(nhs_number_status="")
    run = generate("csds", MONTH)
    assert run.failure_count == 0
    rows = {int(r["LocalPatientID"]): r for r in tables(run)["CYP001MPI"]}
    assert (rows[baby.pk]["NHSNumber"], rows[baby.pk]["NHSNumberStatus"]) == ("", "03")
    assert rows[toddler.pk]["NHSNumberStatus"] == "02"  # a number without a status: not traced
