"""A section heading wrapped in a narrow column ("Personal skills and" / "competences"): the
first line is part of the heading, not the last line of the section above it."""

from __future__ import annotations

from app.parsing.lines import Line
from app.parsing.sections import EDUCATION, SKILLS, split_sections


def _lines() -> list[Line]:
    return [
        Line("Jane Doe", size=20, new_block=True),
        Line("Education and training", size=12, new_block=True),
        Line("University of Leeds\t2015", size=10, new_block=True),
        Line("BSc Economics", size=10),
        Line("Personal skills and", size=12, new_block=True),
        Line("competences", size=12),
        Line("Python, SQL", size=10, new_block=True),
    ]


def test_the_first_line_of_a_wrapped_heading_joins_it() -> None:
    sections = split_sections(_lines())
    education = next(s for s in sections if s.kind == EDUCATION)
    assert [line.text for line in education.lines] == ["University of Leeds\t2015", "BSc Economics"]
    skills = next(s for s in sections if s.kind == SKILLS)
    assert skills.heading == "Personal skills and competences"


def test_a_body_line_ending_in_and_stays_in_its_section() -> None:
    lines = _lines()
    lines[4] = Line("Economics and", size=10)  # body type: no part of the heading
    education = next(s for s in split_sections(lines) if s.kind == EDUCATION)
    assert education.lines[-1].text == "Economics and"
