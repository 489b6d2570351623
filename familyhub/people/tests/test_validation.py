from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from familyhub.people import validation
from familyhub.people.identifiers import upn_check_letter

VALID_NHS = "9434765919"


def valid_upn() -> str:
    rest = "80112345678" + "9"
    return upn_check_letter(rest) + rest


def test_nhs_number_with_spaces_is_normalised():
    assert validation.clean_nhs_number("943 476 5919") == VALID_NHS


@pytest.mark.parametrize("raw", ["9434765918", "12345", "94347659AB"])
def test_bad_nhs_number_is_refused(raw):
    with pytest.raises(ValidationError):
        validation.clean_nhs_number(raw)


def test_upn_check_letter():
    assert validation.clean_upn(valid_upn().lower()) == valid_upn()
    wrong = ("B" if valid_upn()[0] != "B" else "C") + valid_upn()[1:]
    with pytest.raises(ValidationError):
        validation.clean_upn(wrong)


def test_postcode_normalised_and_refused():
    assert validation.clean_postcode("rm175dq") == "RM17 5DQ"
    with pytest.raises(ValidationError, match="UK postcode"):
        validation.clean_postcode("12345")


def test_date_of_birth_in_future_or_before_1900_refused():
    tomorrow = validation.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="past"):
        validation.clean_date_of_birth(tomorrow)
    with pytest.raises(ValidationError, match="1900"):
        validation.clean_date_of_birth(datetime.date(1899, 12, 31))


def test_unborn_child_needs_expected_date_and_no_birth_date():
    with pytest.raises(ValidationError) as error:
        validation.check_person_rules({"family_name": "Smith", "is_unborn": True})
    assert "expected_date_of_delivery" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        validation.check_person_rules(
            {
                "family_name": "Smith",
                "is_unborn": True,
                "expected_date_of_delivery": validation.today() + datetime.timedelta(days=30),
                "date_of_birth": validation.today(),
            }
        )
    assert "date_of_birth" in error.value.message_dict


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationError) as error:
        validation.clean_person_fields(
            {
                "given_name": "Ann",
                "family_name": "Lee",
                "nhs_number": "1234567890",
                "postcode": "nowhere",
                "date_of_birth": "31/02/2020",
                "ethnicity": "ZZ",
            }
        )
    assert set(error.value.message_dict) == {"nhs_number", "postcode", "date_of_birth", "ethnicity"}


def test_ethnicity_accepts_ons_2021_codes():
    clean = validation.clean_person_fields({"family_name": "Lee", "ethnicity": "W4"})
    assert clean["ethnicity"] == "W4"


@pytest.mark.parametrize(
    "kind,value,ok",
    [
        ("mobile", "07700 900123", True),
        ("mobile", "01632 960001", False),
        ("phone", "+44 1632 960001", True),
        ("email", "Parent@Example.com", True),
        ("email", "not an email", False),
        ("fax", "0123", False),
    ],
)
def test_contact_details(kind, value, ok):
    if ok:
        assert validation.clean_contact(kind, value)
    else:
        with pytest.raises(ValidationError):
            validation.clean_contact(kind, value)
