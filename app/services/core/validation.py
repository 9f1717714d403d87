"""Field checks shared by the dialogs (inline messages) and the use cases (the last word).

Cleaning values (unsafe characters, whitespace) and the cap of each field live in
`app.services.core.text_rules`; `clean` is re-exported here for the callers that check and clean
together.
"""

from __future__ import annotations

import re

from app.services.core.text_rules import LIMITS, clean, clean_text

__all__ = [
    "EMAIL_PATTERN",
    "check_email",
    "check_length",
    "check_phone",
    "check_required",
    "check_url",
    "clean",
    "clean_text",
]

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def check_required(errors: dict[str, str], field: str, value: str | None, label: str) -> None:
    if not clean(value):
        errors[field] = f"{label} is required."


def check_length(errors: dict[str, str], field: str, value: str | None, limit: int) -> None:
    if value and len(value) > limit:
        errors.setdefault(field, f"At most {limit:,} characters.")


def check_email(errors: dict[str, str], field: str, value: str | None) -> None:
    if not value:
        return
    if len(value.strip()) > LIMITS["email"]:
        errors.setdefault(field, f"At most {LIMITS['email']} characters.")
    elif not EMAIL_PATTERN.match(value.strip()):
        errors.setdefault(field, "Not a valid email address (name@example.com).")


def check_phone(errors: dict[str, str], field: str, value: str | None) -> None:
    if not value:
        return
    if len(value.strip()) > LIMITS["phone"]:
        errors.setdefault(field, f"At most {LIMITS['phone']} characters.")
        return
    if not re.fullmatch(r"[+()\d\s.\-/]+(?:\s*(?:x|ext\.?)\s*\d+)?", value.strip(), re.IGNORECASE):
        errors.setdefault(field, "Use digits, spaces and + ( ) - only.")
        return
    digits = re.sub(r"\D", "", value.split("x")[0])
    if not 7 <= len(digits) <= 15:
        errors.setdefault(field, "A phone number has 7 to 15 digits.")


def check_url(errors: dict[str, str], field: str, value: str | None) -> None:
    if not value:
        return
    if len(value.strip()) > LIMITS["link"]:
        errors.setdefault(field, f"At most {LIMITS['link']} characters.")
    elif not re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?", value.strip(), re.I):
        errors.setdefault(field, "Not a web address (example.com/path).")
