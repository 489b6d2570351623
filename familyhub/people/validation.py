"""Checks on a person's fields, shared by the pages, the API and the import.

Every check returns a clean value or raises ValidationError with a message that names the field in
plain English, so a form, a serializer and an import row report the same words.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from familyhub.people.identifiers import is_valid_nhs_number, is_valid_upn, normalise_nhs_number
from familyhub.people.models import ContactKind, Ethnicity, RelationshipKind, Sex
from familyhub.places.postcodes import normalise_postcode

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# An expected date of delivery more than ten months away is a typing mistake, not a pregnancy.
LONGEST_PREGNANCY = datetime.timedelta(days=300)


def today() -> datetime.date:
    return timezone.localdate()


def clean_nhs_number(raw: str) -> str:
    number = normalise_nhs_number(raw)
    if not number:
        return ""
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError("Enter an NHS number of 10 digits, like 485 777 3456")
    if not is_valid_nhs_number(number):
        raise ValidationError("Enter a real NHS number: the check digit does not match")
    return number


def clean_upn(raw: str) -> str:
    upn = (raw or "").strip().upper().replace(" ", "")
    if not upn:
        return ""
    if not is_valid_upn(upn):
        raise ValidationError(
            "Enter a real unique pupil number: a check letter then 12 characters, like A123456789012"
        )
    return upn


def clean_postcode(raw: str, *, required: bool = False) -> str:
    if not (raw or "").strip():
        if required:
            raise ValidationError("Enter a postcode")
        return ""
    postcode = normalise_postcode(raw)
    if postcode is None:
        raise ValidationError("Enter a real UK postcode, like RM17 5DQ")
    return postcode


def parse_date(raw: Any) -> datetime.date | None:
    """A date from a form, a file or JSON: a date, 'YYYY-MM-DD' or 'DD/MM/YYYY'."""
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError("Enter a real date, like 27/3/2019")


def clean_date_of_birth(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    if value > today():
        raise ValidationError("Date of birth must be today or in the past")
    if value < EARLIEST_BIRTH:
        raise ValidationError("Date of birth must be after 1 January 1900")
    return value


def clean_choice(value: str, choices: Any, label: str) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise ValidationError(f"Select a {label} from the list")
    return value


def clean_person_fields(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and normalise a person's fields. Raises ValidationError({field: [message]}).

    With partial=True only the fields present are checked (an edit); the rules that tie fields
    together (an unborn child needs an expected date and no date of birth) are checked by the
    caller on the merged result through check_person_rules.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def run(field: str, fn, *args) -> None:
        if partial and field not in data:
            return
        try:
            clean[field] = fn(data.get(field), *args)
        except ValidationError as error:
            errors[field] = list(error.messages)

    def text(limit: int):
        def check(value: Any) -> str:
            value = ("" if value is None else str(value)).strip()
            if len(value) > limit:
                raise ValidationError(f"Must be {limit} characters or fewer")
            return value

        return check

    for field, limit in (
        ("given_name", 100),
        ("family_name", 100),
        ("known_as", 100),
        ("first_language", 60),
        ("send_detail", 240),
        ("address_line1", 160),
        ("address_line2", 160),
        ("town", 80),
    ):
        run(field, text(limit))
    run("nhs_number", lambda v: clean_nhs_number(v or ""))
    run("upn", lambda v: clean_upn(v or ""))
    run("postcode", lambda v: clean_postcode(v or ""))
    run("date_of_birth", lambda v: clean_date_of_birth(parse_date(v)))
    run("expected_date_of_delivery", parse_date)
    run("date_of_death", parse_date)
    run("sex", lambda v: clean_choice(v or Sex.UNKNOWN, Sex, "sex"))
    run("ethnicity", lambda v: clean_choice(v or "", Ethnicity, "ethnic group (ONS 2021)"))
    for flag in ("is_unborn", "interpreter_needed", "disability_or_send"):
        if not partial or flag in data:
            clean[flag] = _as_bool(data.get(flag))
    if errors:
        raise ValidationError(errors)
    return clean


def check_person_rules(values: dict[str, Any]) -> None:
    """Rules across fields, on the whole record as it would be saved."""
    errors: dict[str, list[str]] = {}
    if not values.get("family_name"):
        errors["family_name"] = ["Enter a family name (surname)"]
    if values.get("is_unborn"):
        if not values.get("expected_date_of_delivery"):
            errors["expected_date_of_delivery"] = [
                "Enter the expected date of delivery for an unborn child"
            ]
        elif values["expected_date_of_delivery"] > today() + LONGEST_PREGNANCY:
            errors["expected_date_of_delivery"] = [
                "Expected date of delivery must be within the next 10 months"
            ]
        if values.get("date_of_birth"):
            errors["date_of_birth"] = [
                "An unborn child has no date of birth: leave it empty or untick 'unborn'"
            ]
    else:
        if not values.get("given_name"):
            errors["given_name"] = ["Enter a given name (first name)"]
        if values.get("expected_date_of_delivery") and not values.get("date_of_birth"):
            errors["is_unborn"] = ["Tick 'unborn' for a child who has an expected date of delivery"]
    death = values.get("date_of_death")
    if death is not None:
        if death > today():
            errors["date_of_death"] = ["Date of death must be today or in the past"]
        elif values.get("date_of_birth") and death < values["date_of_birth"]:
            errors["date_of_death"] = ["Date of death must be after the date of birth"]
    if errors:
        raise ValidationError(errors)


def clean_contact(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind not in ContactKind.values:
        raise ValidationError({"kind": ["Select how to contact them: mobile, phone or email"]})
    if not value:
        raise ValidationError({"value": ["Enter the phone number or email address"]})
    if kind == ContactKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"value": ["Enter an email address like name@example.com"]})
        return value.lower()
    digits = re.sub(r"[\s()-]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValidationError({"value": ["Enter a UK phone number, like 01632 960 001"]})
    if kind == ContactKind.MOBILE and not digits.startswith("07"):
        raise ValidationError({"value": ["Enter a UK mobile number, starting 07"]})
    return digits


def clean_relationship_kind(kind: str) -> str:
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": ["Select how they are related"]})
    return kind


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "y", "on")
