"""Unique Pupil Numbers (DfE 'Unique pupil numbers (UPNs)' guidance).

A UPN is a check letter, the three-digit LA number of the issuing authority, the four-digit
establishment number, two digits for the year of issue and a three-character serial; a
temporary UPN ends in a letter. The check letter is the weighted sum (weights 2 to 13) of the
other twelve characters, modulo 23, read from the DfE's 23-letter alphabet.

We check format and check letter but not the LA number against a list: lists of LA numbers go
stale as authorities merge (python-stdnum's 2011 list rejects 940-943, for example), and a
wrongly refused UPN would stop a child's record moving with them.
"""

from __future__ import annotations

import re

import numpy as np

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_PATTERN = re.compile(rf"^[{CHECK_LETTERS}]\d{{11}}[\d{CHECK_LETTERS}]$")


class InvalidUPN(ValueError):
    pass


def _value(char: str) -> int:
    return int(char) if char.isdigit() else CHECK_LETTERS.index(char)


def upn_check_letter(body: str) -> str:
    """The check letter for the last twelve characters of a UPN."""
    return CHECK_LETTERS[sum(weight * _value(c) for weight, c in enumerate(body, start=2)) % 23]


def upn_validate(value: str) -> str:
    """Return the UPN in canonical form (upper case, no spaces) or raise InvalidUPN saying why."""
    upn = "".join((value or "").split()).upper()
    if len(upn) != 13:
        raise InvalidUPN(f"UPN {value!r} must be 13 characters long, got {len(upn)}")
    if not UPN_PATTERN.match(upn):
        raise InvalidUPN(
            f"UPN {upn} is not in the UPN format: a check letter, 11 digits, then a digit "
            "(or a letter for a temporary UPN); the letters I, O and S are never used"
        )
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        raise InvalidUPN(
            f"UPN {upn} has the wrong check letter: it starts {upn[0]}, but the rest of the "
            f"number needs {expected}"
        )
    return upn


def upn_make(la_code: str, establishment_number: str, year: int, serial: int) -> str:
    """A permanent UPN for an LA, establishment, year of issue and serial number."""
    body = f"{la_code}{establishment_number}{year % 100:02d}{serial:03d}"
    if len(body) != 12 or not body.isdigit():
        raise InvalidUPN(f"cannot make a UPN from {la_code}/{establishment_number}/{year}/{serial}")
    return upn_check_letter(body) + body


def upns_valid(values: list[str]) -> np.ndarray:
    """Which of many UPNs are valid, checked together (same rules as upn_validate, exact case).

    For a marks file with a quarter of a million pupils this takes milliseconds; use
    upn_validate on the invalid ones to say why.
    """
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=bool)
    encoded = np.array(values, dtype="U")
    lengths = np.char.str_len(encoded)
    raw = np.array([v.encode("ascii", "replace") for v in values], dtype="S13")
    chars = raw.view(np.uint8).reshape(count, 13)
    value = _LETTER_VALUES[chars]  # -1 where not a UPN letter
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    number = np.where(digit, chars.astype(np.int16) - ord("0"), value)
    ok = lengths == 13
    ok &= value[:, 0] >= 0
    ok &= digit[:, 1:12].all(axis=1)
    ok &= number[:, 12] >= 0
    total = (number[:, 1:] * np.arange(2, 14, dtype=np.int16)).sum(axis=1)
    ok &= value[:, 0] == total % 23
    return ok


_LETTER_VALUES = np.full(256, -1, dtype=np.int16)
for _position, _letter in enumerate(CHECK_LETTERS):
    _LETTER_VALUES[ord(_letter)] = _position
