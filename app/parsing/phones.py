"""Phone numbers written with the country code in parentheses or with a trunk "(0)".

"(+44) 20 7946 0958", "(0044) 20 7946 0958" and "+44 (0) 20 7946 0958" all mean +44 20 7946 0958;
phonenumbers reads the first two as a number of the default region, so the prefix is rewritten
to "+44 " before matching. A number with no country code that is not valid in the default region
is kept as written: its country cannot be told, and guessing one would store a wrong number.
"""

from __future__ import annotations

import re

import phonenumbers

_PAREN_CODE = re.compile(r"\(\s*(?:\+|00)\s*([1-9]\d{0,2})\s*\)\s*")
_TRUNK_ZERO = re.compile(r"\+\s*([1-9]\d{0,2})\s*\(\s*0\s*\)\s*")
_IDD_00 = re.compile(r"(?<![\w+])00([1-9]\d{0,2})(?=[\s.-]\d)[\s.-]*")
# A whole item that is a number written out: digits with the usual grouping, nothing else.
_WRITTEN = re.compile(r"^\+?\(?\d[\d\s().-]{7,20}\d$")


def _country(code: str) -> bool:
    return phonenumbers.region_code_for_country_code(int(code)) != "ZZ"


def normalise_prefixes(text: str) -> str:
    """Rewrite "(+44) ", "(0044) ", "0044 " and "+44 (0) " as "+44 " (known country codes only)."""

    def plus(m: re.Match[str]) -> str:
        return f"+{m.group(1)} " if _country(m.group(1)) else m.group(0)

    text = _PAREN_CODE.sub(plus, text)
    text = _TRUNK_ZERO.sub(plus, text)
    return _IDD_00.sub(plus, text)


def as_stored(raw: str, number: phonenumbers.PhoneNumber) -> str:
    """E.164 when the country is known (written, or valid in the default region), else the
    number as written."""
    if raw.lstrip("(").startswith("+") or phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return written(raw)


# A country code written without "+" just before a number the matcher took alone:
# "44 (20) 7946 0958" is matched as "(20) 7946 0958", a valid number in the US.
_BARE_CODE = re.compile(r"(?<![\w.,+-])(\d{1,3})[\s.-]*$")
# What may stand before such a code: nothing, a separator, or a phone label ("Tel 44 …"); a
# word would make it a house or room number ("Room 7 (415) 555 0132").
_PHONE_WORD = re.compile(
    r"(?:^|[^\w\s]|\b(?:phone|tel|telephone|mobile|mob|cell|ph|[mtp])\.?)$", re.I
)


def bare_country_code(before: str, number: phonenumbers.PhoneNumber) -> str | None:
    """The digits of a country code standing just before a number read without one (the
    text ``before`` it), when that code and the number make a valid number of that country:
    the number is then not the default region's, and its start is that code."""
    code = _BARE_CODE.search(before.rstrip(" (")) if before else None
    if code is None or not _country(code.group(1)):
        return None
    if not _PHONE_WORD.search(before[: code.start()].rstrip()):
        return None
    national = str(number.national_number)
    try:
        whole = phonenumbers.parse(f"+{code.group(1)}{national}", None)
    except phonenumbers.NumberParseException:
        return None
    return code.group(1) if phonenumbers.is_valid_number(whole) else None


def written(raw: str) -> str:
    return re.sub(r"\s+", " ", raw.strip(" ,;:"))


def written_number(text: str) -> str | None:
    """An item that is only a phone number the matcher did not take ("020 7946 0958" read
    with region US): kept as written when it has 10 to 15 digits in groups."""
    text = text.strip()
    if not _WRITTEN.match(text) or not re.search(r"\d[\s.-]\d", text):
        return None
    digits = re.sub(r"\D", "", text)
    if not 10 <= len(digits) <= 15 or re.fullmatch(r"(?:19|20)\d{2}\D+(?:19|20)\d{2}", text):
        return None
    return written(text)
