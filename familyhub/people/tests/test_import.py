from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from familyhub.core.models import Job, JobStatus
from familyhub.people import importing
from familyhub.people.models import ImportLink, Person, PersonImport, Registration

pytestmark = pytest.mark.django_db

HEADER = "id,first_name,surname,dob,sex,address_line1,postcode,town,nhs_number\n"
GOOD = [
    "p1,Ruby,Shah,2019-03-27,F,1 High St,RM17 5DQ,Grays,9434765919\n",
    "p2,Omar,Shah,2016-07-01,M,1 High St,RM17 5DQ,Grays,\n",
]
BAD = [
    "p3,Zed,Khan,2090-01-01,M,2 Low Rd,RM17 6AA,Grays,\n",  # born in the future
    "p4,Ann,Lee,2010-01-01,F,3 Mid Rd,NOT A CODE,Grays,1234567890\n",  # bad postcode and NHS no.
]


def csv_bytes(rows) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


AWKWARD = [
    "a1,Siobhan,'OShea,2019-03-07,F,1 High St,RM17 5DQ,Grays,\n",
    "a2,Liam,O'Connor,07/03/2019,M,1 High St,RM17 5DQ,Grays,\n",
    'a3,"Ann, Marie","Smith ""Smudge""",2018-01-01,F,"Flat 2, 3 Low Rd",RM17 6AA,Grays,\n',
    "a4,Łukasz,Nguyễn',2017-05-05,M,2 Low Rd,RM17 6AA,Grays,\n",
    "a5,Zoë,Brontë,2016-12-25,F,2 Low Rd,RM17 6AA,Grays,\n",
]
IMPOSSIBLE_DATES = [
    "b1,Amy,Jones,29/02/2023,F,4 Hill Rd,RM17 6AA,Grays,\n",  # 2023 is not a leap year
    "b2,Bea,Jones,2019-13-01,F,4 Hill Rd,RM17 6AA,Grays,\n",  # no 13th month
]


def test_awkward_names_are_read_as_written():
    rows = importing.read_rows("people.csv", csv_bytes(AWKWARD))
    assert [(r[1], r[2]) for r in rows[1:]] == [
        ("Siobhan", "'OShea"),
        ("Liam", "O'Connor"),
        ("Ann, Marie", 'Smith "Smudge"'),
        ("Łukasz", "Nguyễn'"),
        ("Zoë", "Brontë"),
    ]
    assert rows[3][5] == "Flat 2, 3 Low Rd"


def test_impossible_dates_hold_back_their_rows_and_the_file_goes_on(authority, owner):
    person_import = importing.prepare_import(
        authority=authority,
        by=owner,
        filename="p.csv",
        data=csv_bytes(AWKWARD + IMPOSSIBLE_DATES),
    )
    bad = {row["row"]: row for row in person_import.bad_rows}
    assert set(bad) == {7, 8}
    assert bad[7]["errors"] == {
        "Date of birth": "Enter a real date, like 27/3/2019 (the file has '29/02/2023')"
    }
    assert bad[8]["errors"]["Date of birth"].endswith("(the file has '2019-13-01')")
    done = importing.run_import(person_import, by=owner)
    assert done.created_count == 5
    assert set(Person.objects.values_list("family_name", flat=True)) == {
        "'OShea",
        "O'Connor",
        'Smith "Smudge"',
        "Nguyễn'",
        "Brontë",
    }


def test_rows_to_correct_keep_a_formula_as_text_and_read_back_as_entered(authority, tmp_path):
    formula = '=HYPERLINK("http://evil.example","x")'
    row = (
        f'c1,"{formula.replace(chr(34), chr(34) * 2)}",Khan,2090-01-01,M,2 Low Rd,RM17 6AA,Grays,\n'
    )
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(GOOD + [row]))
    call_command("import", "people", str(path))
    corrected = tmp_path / "people-to-correct.csv"
    raw = corrected.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte order mark, so Excel reads it as UTF-8
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert cells[1][2] == f"'{formula}"  # kept as text in a spreadsheet
    again = importing.read_rows("people-to-correct.csv", raw)
    assert again[1][2] == formula  # our own guard is taken off when the file comes back


def test_reads_utf8_csv_and_maps_the_generator_columns():
    rows = importing.read_rows("people.csv", csv_bytes(GOOD))
    mapping = importing.auto_mapping(rows[0])
    assert mapping["given_name"] == "first_name" and mapping["family_name"] == "surname"
    assert mapping["date_of_birth"] == "dob" and mapping["source_id"] == "id"


def test_not_utf8_is_a_clear_message():
    with pytest.raises(importing.ImportFileError, match="UTF-8"):
        importing.read_rows("people.csv", "id,first_name,surname\n1,Zoë,Brontë\n".encode("latin-1"))


def test_not_a_spreadsheet_is_a_clear_message():
    with pytest.raises(importing.ImportFileError, match="not a CSV"):
        importing.read_rows("people.csv", b"\x00\x01\x02binary")
    with pytest.raises(importing.ImportFileError, match="spreadsheet cannot be opened"):
        importing.read_rows("people.xlsx", b"PK\x03\x04 not really a zip")


def test_wrong_columns_are_named():
    rows = importing.read_rows("x.csv", b"colour,shape\nred,round\n")
    with pytest.raises(importing.ImportFileError, match="Given name, Family name"):
        importing.check_mapping(rows[0], importing.auto_mapping(rows[0]))


def test_xlsx_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "first_name", "surname", "dob"])
    import datetime

    sheet.append(["x1", "Ruby", "Shah", datetime.datetime(2019, 3, 27)])
    out = io.BytesIO()
    book.save(out)
    rows = importing.read_rows("people.xlsx", out.getvalue())
    assert rows[1] == ["x1", "Ruby", "Shah", "2019-03-27"]


def test_bad_rows_are_reported_by_row_and_field(authority):
    person_import = importing.prepare_import(
        authority=authority, by=None, filename="p.csv", data=csv_bytes(GOOD + BAD)
    )
    bad = {row["row"]: row["errors"] for row in person_import.bad_rows}
    assert set(bad) == {4, 5}
    assert "Date of birth" in bad[4]
    assert {"Postcode", "NHS number"} <= set(bad[5])
    report = importing.bad_rows_csv(person_import)
    assert (
        report.splitlines()[0]
        == "row,id,first_name,surname,dob,sex,address_line1,postcode,town,nhs_number,errors"
    )
    assert "NOT A CODE" in report and "check digit" in report


def test_import_creates_good_rows_links_existing_and_skips_bad(
    authority, hub, owner, registered_person
):
    existing = (
        f"p9,{registered_person.given_name},{registered_person.family_name},"
        f"{registered_person.date_of_birth.isoformat()},F,1 Any Rd,RM17 5DQ,Grays,\n"
    )
    person_import = importing.prepare_import(
        authority=authority, by=owner, filename="p.csv", data=csv_bytes(GOOD + BAD + [existing])
    )
    done = importing.run_import(person_import, by=owner, team=hub)
    assert (done.created_count, done.linked_count, len(done.bad_rows)) == (2, 1, 2)
    assert Person.objects.count() == 3  # two new, one linked, none of the bad rows
    link = ImportLink.objects.get(person_import=done, source_id="p9")
    assert link.person == registered_person and not link.created
    assert Registration.objects.filter(service=hub.service).count() == 3


def test_command_imports_and_writes_rows_to_correct(tmp_path, authority, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(GOOD + BAD))
    call_command("import", "people", str(path))
    assert Person.objects.count() == 2
    corrections = (tmp_path / "people-to-correct.csv").read_text()
    assert "p3" in corrections and "p4" in corrections and "p1" not in corrections


def test_command_refuses_unreadable_file(tmp_path, authority):
    path = tmp_path / "people.csv"
    path.write_bytes("id,first_name,surname\n1,Zoë,Brontë\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import", "people", str(path))
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_upload_page_check_import_in_background_and_download(client, signed_in, owner, hub):
    client = signed_in(client, owner)
    upload = SimpleUploadedFile("people.csv", csv_bytes(GOOD + BAD), content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 302
    check = client.get(response["Location"])
    html = check.content.decode()
    assert "2</strong> can be imported" in html and "Row" in html and "Date of birth" in html
    person_import = PersonImport.objects.get()
    mapping = dict(person_import.mapping)
    response = client.post(response["Location"], {**mapping, "action": "import"})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-progress", args=[job.public_id])
    call_command("db_worker", batch=True, startup_delay=False)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert Person.objects.count() == 2
    result = client.get(job.result_url)
    assert "2 new people added" in result.content.decode()
    download = client.get(reverse("people:import-bad-rows", args=[person_import.public_id]))
    assert download["Content-Type"].startswith("text/csv")
    assert b"Zed" in b"".join(download.streaming_content)


def test_upload_of_unreadable_file_says_why(client, signed_in, owner):
    upload = SimpleUploadedFile(
        "people.csv", "id,first_name,surname\n1,Zoë,Brontë\n".encode("latin-1")
    )
    response = signed_in(client, owner).post(reverse("people:import"), {"file": upload})
    assert response.status_code == 200
    assert "not in UTF-8" in response.content.decode()


def test_upload_with_unknown_columns_goes_to_mapping(client, signed_in, owner):
    upload = SimpleUploadedFile("people.csv", b"Forename,Last,Born\nRuby,Shah,2019-03-27\n")
    client = signed_in(client, owner)
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 302
    person_import = PersonImport.objects.get()
    response = client.post(
        response["Location"],
        {
            "given_name": "Forename",
            "family_name": "Last",
            "date_of_birth": "Born",
            "action": "check",
        },
    )
    person_import.refresh_from_db()
    assert person_import.mapping["family_name"] == "Last"
    assert person_import.bad_rows == []


def test_imports_are_private_to_the_uploader(client, signed_in, owner, colleague, authority):
    person_import = importing.prepare_import(
        authority=authority, by=owner, filename="p.csv", data=csv_bytes(GOOD)
    )
    url = reverse("people:import-check", args=[person_import.public_id])
    assert signed_in(client, owner).get(url).status_code == 200
    assert signed_in(client, colleague).get(url).status_code in (403, 404)


def test_import_page_role(client, signed_in, make_user):
    nurse = make_user("school_nurse")
    assert signed_in(client, nurse).get(reverse("people:import")).status_code == 403


def test_a_row_failing_during_import_rolls_back_alone(authority, hub, owner, monkeypatch):
    from django.core.exceptions import ValidationError

    from familyhub.people import services

    real = services.registration_record

    def failing(*, person, **kwargs):
        if person.given_name == "Omar":  # fails after the person row was written
            raise ValidationError("The service is closed")
        return real(person=person, **kwargs)

    monkeypatch.setattr(services, "registration_record", failing)
    person_import = importing.prepare_import(
        authority=authority, by=owner, filename="p.csv", data=csv_bytes(GOOD)
    )
    done = importing.run_import(person_import, by=owner, team=hub)
    assert list(Person.objects.values_list("given_name", flat=True)) == ["Ruby"]
    assert (done.created_count, [row["row"] for row in done.bad_rows]) == (1, [3])
    assert not ImportLink.objects.filter(source_id="p2").exists()
