"""Education entries whose school name carries no "University"-type word."""

from __future__ import annotations

from app.parsing.education import parse_education
from app.parsing.result import EducationEntry


def test_school_without_institution_word_is_paired_with_its_degree() -> None:
    lines = ["MBA", "Sciences Po, 2022", "BA Economics", "Sciences Po, 2017"]
    assert parse_education(lines) == [
        EducationEntry("Sciences Po", "MBA", "2022"),
        EducationEntry("Sciences Po", "BA Economics", "2017"),
    ]


def test_named_school_on_the_degree_line() -> None:
    assert parse_education(["BSc Physics | TU Delft | 2013"]) == [
        EducationEntry("TU Delft", "BSc Physics", "2013")
    ]


def test_honours_line_is_not_a_school() -> None:
    assert parse_education(["BA Economics", "Dean's List, 2017"]) == []


def test_institution_words_still_win() -> None:
    lines = ["University of Leeds", "BA Visual Communication", "2018 – 2021"]
    assert parse_education(lines) == [
        EducationEntry("University of Leeds", "BA Visual Communication", "2021")
    ]


def test_institution_wrapped_after_a_joining_word_is_rejoined() -> None:
    lines = ["MBA", "Universidad Complutense de", "Madrid", "2019"]
    assert parse_education(lines) == [
        EducationEntry("Universidad Complutense de Madrid", "MBA", "2019")
    ]


def test_area_before_the_degree_kind_is_reordered() -> None:
    lines = ["Indian Institute of Technology Bombay", "Economics, B.A.", "2010 – 2014"]
    assert parse_education(lines) == [
        EducationEntry("Indian Institute of Technology Bombay", "B.A. Economics", "2014")
    ]


def test_a_technical_university_by_its_abbreviation() -> None:
    """ "TU Delft", "TU Berlin": Technische Universität, on a line of its own."""
    assert parse_education(["Bachelor of Arts in Accounting", "TU Delft", "2004"]) == [
        EducationEntry("TU Delft", "Bachelor of Arts in Accounting", "2004")
    ]


def test_a_degree_at_its_school_on_one_line() -> None:
    lines = ["Diploma Logistics at University of Toronto\tJan 2009 - Jan 2011"]
    assert parse_education(lines) == [
        EducationEntry("University of Toronto", "Diploma Logistics", "2011")
    ]
