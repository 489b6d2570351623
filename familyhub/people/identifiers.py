"""NHS number and unique pupil number checks."""

from __future__ import annotations

import re


def normalise_nhs_number(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The mod-11 check digit for nine digits; None when no valid number can end them (remainder 10)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(raw: str) -> bool:
    number = normalise_nhs_number(raw)
    if not re.fullmatch(r"\d{10}", number):
        return False
    return nhs_check_digit(number[:9]) == int(number[9])


# The unique pupil number: a check letter, a 3-digit LA code, a 2-digit year, 7 serial digits,
# and a last character that is a digit or, for a temporary UPN, a letter. The check letter is
# the weighted sum (weights 2..13 over characters 2-13) mod 23 mapped through this alphabet.
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_LETTER_VALUES = {letter: index for index, letter in enumerate(_UPN_CHECK_LETTERS)}


def _upn_char_value(char: str) -> int | None:
    if char.isdigit():
        return int(char)
    return _UPN_LETTER_VALUES.get(char)


def upn_check_letter(last_twelve: str) -> str | None:
    total = 0
    for weight, char in zip(range(2, 14), last_twelve, strict=True):
        value = _upn_char_value(char)
        if value is None:
            return None
        total += weight * value
    return _UPN_CHECK_LETTERS[total % 23]


def is_valid_upn(raw: str) -> bool:
    upn = (raw or "").strip().upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        return False
    return upn_check_letter(upn[1:]) == upn[0]
