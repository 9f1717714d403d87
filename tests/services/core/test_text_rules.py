"""Stored text: cleaned of unsafe characters, and fitted to each field's cap on automatic paths."""

from __future__ import annotations

import pytest

from app.services.core import validation
from app.services.core.text_rules import (
    ELLIPSIS,
    LIMITS,
    clean,
    clean_text,
    fit,
    fit_field,
    fit_text,
)
from app.store.models import Candidate, Client, Job, Skill, Tag, TalentPool


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Ada\x00 Lovelace", "Ada Lovelace"),
        ("\x1b[31mRed\x1b[0m", "[31mRed[0m"),  # ESC gone: the rest is harmless text
        ("Line\r\nBcc: x@example.com", "Line Bcc: x@example.com"),
        ("C1\x85next\x9b", "C1 next"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("lone\ud83dsurrogate", "lonesurrogate"),
        ("non\ufffecharacter", "noncharacter"),
        ("Zoë 😀 Østergård", "Zoë 😀 Østergård"),
        ("\x00\x1b\u202e", None),
    ],
)
def test_clean_drops_unsafe_characters(raw: str, cleaned: str | None) -> None:
    assert clean(raw) == cleaned
    assert validation.clean is clean  # one cleaning function, wherever it is imported from


def test_clean_text_keeps_lines_and_tabs() -> None:
    assert clean_text("\n\n  First line\x00\r\n\tindented\x1b\rthird\u2029\n\n") == (
        "First line\n\tindented\nthird"
    )
    assert clean_text(" \n\x00 ") is None


def test_fit_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "Senior Staff Principal Distinguished Engineer of Everything " * 10
    fitted = fit(text, 200)
    assert fitted is not None and len(fitted) <= 200
    assert fitted.endswith(ELLIPSIS) and not fitted[:-1].endswith(" ")
    assert text.startswith(fitted[:-1])
    assert fitted[:-1].split()[-1] in {
        "Senior",
        "Staff",
        "Principal",
        "Distinguished",
        "Engineer",
        "of",
        "Everything",
    }  # a whole word


def test_fit_cuts_one_long_word_where_it_must() -> None:
    fitted = fit("x" * 5_000, 100)
    assert fitted == "x" * 99 + ELLIPSIS


def test_fit_leaves_short_values_and_cuts_short_fields_plainly() -> None:
    assert fit("  Austin,   TX ", 200) == "Austin, TX"
    assert fit(None, 10) is None
    assert fit_field("date", "2020-01-01T00:00") == "2020-01-01"


def test_fit_text_keeps_the_beginning_and_its_lines() -> None:
    fitted = fit_text("line\n" * 10_000, 1_000)
    assert fitted is not None and len(fitted) <= 1_000
    assert fitted.startswith("line\nline\n")


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("first_name", Candidate.first_name),
        ("last_name", Candidate.last_name),
        ("middle_name", Candidate.middle_name),
        ("headline", Candidate.headline),
        ("current_title", Candidate.current_title),
        ("current_employer", Candidate.current_employer),
        ("location", Candidate.location),
        ("source", Candidate.source),
        ("skill", Skill.name),
        ("tag", Tag.name),
        ("pool_name", TalentPool.name),
        ("job_title", Job.title),
        ("job_location", Job.location),
        ("client_name", Client.name),
        ("industry", Client.industry),
        ("website", Client.website),
    ],
)
def test_caps_never_exceed_the_columns(field: str, column: object) -> None:
    assert LIMITS[field] <= column.type.length  # type: ignore[attr-defined]
