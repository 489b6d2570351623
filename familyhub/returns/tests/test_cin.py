"""The Children in Need census 2026 to 2027: child-level XML validated against the (transcribed)
schema, <Sex> not <GenderCurrent>, each planted error caught with the child and the element."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
import xmlschema

from familyhub.audit.models import AccessLog
from familyhub.returns import cin
from familyhub.returns.models import ReturnStatus

pytestmark = pytest.mark.django_db
YEAR = "2026/27"


@pytest.fixture
def supported(make_child, episode):
    ada = make_child(date_of_birth=date(2023, 2, 1), sex="F", given_name="Ada")
    episode(ada, start=date(2026, 5, 1), child_in_need_from=date(2026, 5, 10))
    ben = make_child(date_of_birth=date(2012, 3, 3), sex="M", upn="L883212345671", ethnicity="B2")
    episode(
        ben,
        start=date(2026, 4, 2),
        end=date(2026, 9, 30),
        child_in_need_from=date(2026, 4, 5),
        child_in_need_until=date(2026, 9, 30),
        needs=("child_safety", "education", "housing"),
    )
    early_help_only = make_child(date_of_birth=date(2019, 1, 1))
    episode(early_help_only, start=date(2026, 6, 1))  # never under section 17: not in the census
    return {"ada": ada, "ben": ben}


def test_the_census_validates_against_the_schema(supported, generate):
    from familyhub.people.identifiers import is_valid_upn

    assert is_valid_upn("L883212345671"), "the fixture's UPN must be a real one"
    run = generate("cin", YEAR)
    assert list(run.failures.values_list("field", "message")) == []
    assert run.status == ReturnStatus.VALIDATED
    cin.schema().validate(bytes(run.file_bytes))
    root = ET.fromstring(bytes(run.file_bytes))
    assert root.findtext("Header/Source/LEA") == "883"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2027-03-31"
    children = root.findall("Children/Child")
    assert len(children) == 2
    assert [c.findtext("ChildIdentifiers/Sex") for c in children] == ["F", "M"]
    assert root.find(".//GenderCurrent") is None
    ben = children[1]
    assert ben.findtext("ChildIdentifiers/UPN") == "L883212345671"
    assert ben.findtext("ChildCharacteristics/Ethnicity") == "BAFR"
    assert ben.findtext("CINdetails/PrimaryNeedCode") == "N1"
    assert ben.findtext("CINdetails/CINclosureDate") == "2026-09-30"
    assert ben.findtext("CINdetails/ReasonForClosure") == "RC7"
    assert children[0].findtext("ChildIdentifiers/UPNunknown") == "UN1"


def test_the_schema_refuses_gender_current_and_a_bad_sex():
    message = ET.fromstring(
        b"<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2027</Year>"
        b"<ReferenceDate>2027-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L"
        b"</SourceLevel><LEA>883</LEA><SoftwareCode>x</SoftwareCode><Release>1</Release>"
        b"<SerialNo>001</SerialNo><DateTime>2027-04-01T10:00:00</DateTime></Source></Header>"
        b"<Children><Child><ChildIdentifiers><LAchildID>1</LAchildID><PersonBirthDate>2020-01-01"
        b"</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
        b"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics><CINdetails>"
        b"<CINreferralDate>2026-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>"
        b"<ReferralNFA>false</ReferralNFA></CINdetails></Child></Children></Message>"
    )
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        cin.schema().validate(ET.tostring(message))


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"upn": "A883212345671"}, "UPN"),  # wrong check letter
        ({"upn": "", "date_of_birth": date(2015, 1, 1)}, "UPN"),  # school age, no UPN
        ({"ethnicity": "W3"}, "Ethnicity"),
        ({"date_of_birth": None}, "PersonBirthDate"),
    ],
)
def test_a_planted_child_error_names_the_child_and_element(supported, generate, change, element):
    ben = supported["ben"]
    type(ben).objects.filter(pk=ben.pk).update(**change)
    run = generate("cin", YEAR)
    assert run.status == ReturnStatus.DRAFT
    failure = run.failures.get(person=ben, field=element)
    assert failure.fix_url == f"/people/{ben.public_id}/edit/"
    assert failure.team.name == "Family Help West"


def test_a_schema_error_is_named_by_its_child(supported, generate):
    ada = supported["ada"]
    type(ada).objects.filter(pk=ada.pk).update(sex="X")  # not a census code
    run = generate("cin", YEAR)
    failure = run.failures.get(record="XML schema")
    assert (failure.person, failure.field) == (ada, "Sex")


def test_no_need_recorded_is_a_failure_on_the_episode(supported, generate):
    ada = supported["ada"]
    from familyhub.casework.models import EpisodeNeed

    EpisodeNeed.objects.filter(episode__person=ada).delete()
    run = generate("cin", YEAR)
    failure = run.failures.get(person=ada, field="PrimaryNeedCode")
    assert failure.fix_url.startswith("/casework/")


def test_each_child_is_logged_once_under_the_census(supported, generate, officer):
    generate("cin", YEAR)
    entries = AccessLog.objects.filter(user_id=officer.pk, action="export")
    assert sorted(entries.values_list("person_pk", flat=True)) == sorted(
        p.pk for p in supported.values()
    )
    assert all("Children in Need census" in e.purpose for e in entries)
