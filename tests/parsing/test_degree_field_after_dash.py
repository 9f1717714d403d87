"""A school without a school's word on its dated row, over "Degree - Field"."""

from __future__ import annotations

from app.parsing.education import parse_education


def test_school_on_the_dated_row_and_field_after_the_degree() -> None:
    lines = [
        "Sciences Po\t2024 — 2026",
        "MBA -",
        "Sciences Po\t2018 — 2021",
        "BA - Computer Science",
    ]
    got = [(e.institution, e.degree, e.year) for e in parse_education(lines)]
    assert got == [("Sciences Po", "MBA", "2026"), ("Sciences Po", "BA Computer Science", "2021")]


def test_degree_beside_its_school_on_one_row_is_unchanged() -> None:
    lines = ["MBA - INSEAD", "2018 - 2019"]
    got = [(e.institution, e.degree) for e in parse_education(lines)]
    assert got == [("INSEAD", "MBA")]
