"""Two columns whose headings share a row and whose rows were read across both."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.skill_groups import fold_skill_groups


def _kinds_and_lines(texts: list[str]) -> list[tuple[str, list[str]]]:
    parts = sections.split_sections([Line(t, size=10, new_block=True) for t in texts])
    return [(p.kind, [line.text for line in p.lines]) for p in parts[1:]]


def test_skills_beside_work_are_read_column_by_column() -> None:
    got = _kinds_and_lines(
        [
            "Skills\tWork",
            "Systems\tAtlas Cargo Pte Ltd\tSep 2023 - Present",
            "Power BI\tSupply Chain Analyst",
            "SAP EWM\tCut picking errors by 60% with barcode scanning",
            "Trailhead Logistics\tMar 2022 - Feb 2023",
            "Logistics Coordinator",
        ]
    )
    assert got == [
        (sections.SKILLS, ["Systems", "Power BI", "SAP EWM"]),
        (
            sections.EXPERIENCE,
            [
                "Atlas Cargo Pte Ltd\tSep 2023 - Present",
                "Supply Chain Analyst",
                "Cut picking errors by 60% with barcode scanning",
                "Trailhead Logistics\tMar 2022 - Feb 2023",
                "Logistics Coordinator",
            ],
        ),
    ]


def test_two_skill_groups_side_by_side_are_left_alone() -> None:
    texts = ["Languages\tTools", "Python\tAWS", "SQL\tDocker"]
    lines = [Line(t, size=10) for t in texts]
    assert [line.text for line in sections._side_by_side_headings(lines)] == texts


def test_group_named_like_a_section_in_smaller_type_stays_in_the_left_column() -> None:
    # "Research" names a skill group here (set smaller than the headings' row), though
    # "Research" alone is also a section name.
    texts = [
        ("Skills\tWork", 18),
        ("Research\tPaperplane Agency", 12),
        ("Journey mapping\tJunior Designer", 10.5),
        ("Usability testing\tRan 60 usability sessions", 10.5),
        ("Built the company design system", 10.5),
    ]
    lines = [Line(t, size=s, new_block=True) for t, s in texts]
    parts = fold_skill_groups(sections.split_sections(lines))
    skills = [line.text for p in parts if p.kind == sections.SKILLS for line in p.lines]
    assert skills == ["Journey mapping", "Usability testing"]
