"""Field checks used by both the dialogs and the use cases."""

from __future__ import annotations

import pytest

from app.services.core.validation import (
    check_email,
    check_length,
    check_phone,
    check_required,
    check_url,
    clean,
)


def _errors(check, value) -> dict[str, str]:
    errors: dict[str, str] = {}
    check(errors, "field", value)
    return errors


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, None),
        ("", None),
        ("   \t\n", None),
        ("  Ada   Lovelace ", "Ada Lovelace"),
        ("one\ttwo\nthree", "one two three"),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_field_missing(value):
    errors: dict[str, str] = {}
    check_required(errors, "title", value, "Job title")
    assert errors == {"title": "Job title is required."}


def test_required_field_present():
    errors: dict[str, str] = {}
    check_required(errors, "title", " x ", "Job title")
    assert errors == {}


def test_length_limit_is_inclusive():
    errors: dict[str, str] = {}
    check_length(errors, "name", "a" * 10, 10)
    assert errors == {}
    check_length(errors, "name", "a" * 11, 10)
    assert errors == {"name": "At most 10 characters."}


def test_first_message_per_field_wins():
    errors = {"email": "Already taken."}
    check_email(errors, "email", "not-an-email")
    assert errors == {"email": "Already taken."}


@pytest.mark.parametrize(
    "email", ["ada@example.com", "a.b+c@mail.example.co.uk", " ada@example.org ", None, ""]
)
def test_good_emails(email):
    assert _errors(check_email, email) == {}


@pytest.mark.parametrize(
    "email", ["ada", "ada@", "@example.com", "ada@example", "ada @example.com", "a@b.c", "a@@b.com"]
)
def test_bad_emails(email):
    assert "field" in _errors(check_email, email)


@pytest.mark.parametrize(
    "phone",
    ["+1 (555) 010-0199", "555 0100", "+44 20 7946 0958", "555.010.0199", "555 0100 x12", None],
)
def test_good_phones(phone):
    assert _errors(check_phone, phone) == {}


@pytest.mark.parametrize(
    ("phone", "fragment"),
    [
        ("call me", "digits"),
        ("555-CALL-NOW", "digits"),
        ("12345", "7 to 15"),
        ("+1 234 567 890 123 456 789", "7 to 15"),
    ],
)
def test_bad_phones(phone, fragment):
    assert fragment in _errors(check_phone, phone)["field"]


@pytest.mark.parametrize(
    "url", ["example.com", "https://example.com/jobs?id=1", "http://sub.example.co.uk", None]
)
def test_good_urls(url):
    assert _errors(check_url, url) == {}


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com", "example", "https://"])
def test_bad_urls(url):
    assert "field" in _errors(check_url, url)


def test_over_long_contact_values_are_refused_by_length_first():
    local = "a" * 250
    assert _errors(check_email, f"{local}@example.com") == {"field": "At most 254 characters."}
    assert _errors(check_phone, "1" + " " * 60 + "2345678") == {"field": "At most 40 characters."}
    long_url = "example.com/" + "p" * 600
    assert _errors(check_url, long_url) == {"field": "At most 500 characters."}
    assert _errors(check_url, "example.com/" + "p" * 100) == {}
