"""A school named after its degree and wrapped inside its name by a narrow column or a
hanging indent ("BSc Mathematics, Boston" / "University"): the short line completes it."""

from __future__ import annotations

from app.parsing.education import parse_education


def _read(lines: list[str]) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.institution, e.degree, e.year) for e in parse_education(lines)]


def test_the_schools_name_wrapped_before_its_last_word() -> None:
    lines = ["2019\tPhD, Boston University", "2014\tBSc Mathematics, Boston", "University"]
    assert _read(lines) == [
        ("Boston University", "PhD", "2019"),
        ("Boston University", "BSc Mathematics", "2014"),
    ]


def test_a_bare_universitat_takes_its_city() -> None:
    assert _read(["2018\tBSc Mathematics, Universität", "Hamburg"]) == [
        ("Universität Hamburg", "BSc Mathematics", "2018")
    ]


def test_a_school_on_the_line_under_its_degree_stays_whole() -> None:
    assert _read(["2016\tBA Adult Nursing", "University of Sydney"]) == [
        ("University of Sydney", "BA Adult Nursing", "2016")
    ]
