"""Skill group names that the section finder took for headings of their own (skill_groups)."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.skill_groups import fold_skill_groups as _fold_skill_groups
from app.parsing.skills import parse_skills


def _section(kind: str, heading: str, *texts: str) -> sections.Section:
    return sections.Section(kind, heading, [Line(t) for t in texts])


def test_group_sections_after_skills_fold_into_it() -> None:
    parts = [
        _section(sections.SKILLS, "Skills"),
        _section(sections.EXPERIENCE, "Research", "Journey mapping", "User interviews"),
        _section(sections.OTHER, "Design", "Typography", "Figma"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    assert [line.text for line in folded[0].lines] == [
        "Journey mapping",
        "User interviews",
        "Typography",
        "Figma",
    ]


def test_real_sections_after_skills_stay() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Python, Go"),
        _section(sections.EXPERIENCE, "Experience", "Acme Inc", "Engineer", "2019 – 2021"),
        _section(sections.OTHER, "Interests", "Chess", "Hiking"),
    ]
    assert [s.kind for s in _fold_skill_groups(parts)] == [
        sections.SKILLS,
        sections.EXPERIENCE,
        sections.OTHER,
    ]


def test_group_named_languages_after_skills_folds_in() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Python, Go"),
        _section(sections.OTHER, "Languages", "Spanish", "English"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]


def test_degree_set_as_a_heading_stays_in_education() -> None:
    parts = [
        _section(sections.EDUCATION, "Education"),
        _section(sections.OTHER, "MBA", "Universiteit van Amsterdam, 2026", "BSc Physics"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.EDUCATION]
    assert [line.text for line in folded[0].lines][:2] == [
        "MBA",
        "Universiteit van Amsterdam, 2026",
    ]


def _sized(kind: str, heading: str, *rows: tuple[str, float]) -> sections.Section:
    return sections.Section(kind, heading, [Line(t, size=size) for t, size in rows])


def test_an_empty_skills_heading_takes_groups_of_any_name() -> None:
    """ "Skills" over "Certifications" and "Clinical": the groups hold all the items."""
    parts = [
        _section(sections.SKILLS, "Skills"),
        _section(sections.OTHER, "Certifications", "BLS", "ACLS"),
        _section(sections.OTHER, "Clinical", "Triage", "Wound care"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    assert [line.text for line in folded[0].lines] == ["BLS", "ACLS", "Triage", "Wound care"]


def test_certifications_after_a_skills_list_stay_apart() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Python", "Java"),
        _section(sections.OTHER, "Certifications", "AWS Certified Solutions Architect"),
    ]
    assert [s.kind for s in _fold_skill_groups(parts)] == [sections.SKILLS, sections.OTHER]


def test_a_group_ends_where_the_type_size_changes() -> None:
    """A sidebar read first: the last group runs into the main column's name and summary."""
    parts = [
        _sized(sections.SKILLS, "Skills"),
        _sized(
            sections.OTHER,
            "Design",
            ("Sketch", 10.0),
            ("Figma", 10.0),
            ("Jane Roe", 24.0),
            ("Design professional with 10 years of experience.", 11.0),
        ),
    ]
    folded = _fold_skill_groups(parts)
    assert [line.text for line in folded[0].lines] == ["Sketch", "Figma"]
    assert [line.text for s in folded[1:] for line in s.lines][:1] == ["Jane Roe"]


def test_skill_groups_without_a_skills_heading() -> None:
    parts = [
        _section(sections.SUMMARY, "About", "Madrid, Spain"),
        _section(sections.OTHER, "Technical", "Financial modelling", "SAP", "Excel"),
        _section(sections.OTHER, "Analysis", "Budgeting", "Forecasting"),
        _section(sections.EXPERIENCE, "Experience", "Ledgerwise LLP 10/2021 - 07/2026"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SUMMARY, sections.SKILLS, sections.EXPERIENCE]
    assert len(folded[1].lines) == 5


def test_one_skill_group_in_a_resume_without_skills() -> None:
    parts = [
        _section(sections.EXPERIENCE, "Research", "Usability testing", "User interviews"),
        _section(sections.EXPERIENCE, "Experience", "Paperplane Agency 02/2022 - Present"),
    ]
    assert [s.kind for s in _fold_skill_groups(parts)] == [sections.SKILLS, sections.EXPERIENCE]


def test_a_group_of_chips_laid_out_in_a_row() -> None:
    parts = [
        _section(sections.SKILLS, "Skills", "Kubernetes\tDocker\tAWS"),
        _section(sections.OTHER, "Languages", "TypeScript\tSQL\tRust\tGo\tJava"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    # A sentence is no row of chips.
    parts = [
        _section(sections.SKILLS, "Skills", "Python"),
        _section(sections.OTHER, "Languages", "Fluent in Spanish and English since childhood"),
    ]
    assert [s.kind for s in _fold_skill_groups(parts)] == [sections.SKILLS, sections.OTHER]


def test_labelled_rows_beside_the_next_margin_heading_stay_skills() -> None:
    """Headings in a margin column: "Summary" is set beside the skills' last row."""
    parts = [
        _section(sections.SKILLS, "Professional Skills", "Certifications: ACLS, BLS"),
        _section(sections.SUMMARY, "Summary", "Systems: Epic, Cerner", "Nurse with 9 years."),
    ]
    folded = _fold_skill_groups(parts)
    assert [line.text for line in folded[0].lines] == [
        "Certifications: ACLS, BLS",
        "Systems: Epic, Cerner",
    ]
    assert [line.text for line in folded[1].lines] == ["Nurse with 9 years."]


def test_heading_set_like_the_skills_own_group_names_is_another_group() -> None:
    lines = [
        Line("Experience", size=20.5, bold=True),
        Line("Staff Nurse at Mercy Valley Clinic, London", size=10.5),
        Line("Trained new staff on infection-control protocols every month", size=10.5),
        Line("Skills", size=20.5, bold=True),
        Line("Clinical\tSystems", size=16.4, bold=True),
        Line("IV therapy\tEpic\tCerner", size=10.5),
        Line("Medication administration", size=10.5, new_block=True),
        Line("Certifications", size=16.4, bold=True, new_block=True),
        Line("BLS\tPALS", size=10.5, new_block=True),
    ]
    skills = [
        item
        for part in _fold_skill_groups(sections.split_sections(lines))
        if part.kind == sections.SKILLS
        for item in parse_skills(_skill_rows(part.lines), wrapped=True)
    ]
    assert skills == ["IV therapy", "Epic", "Cerner", "Medication administration", "BLS", "PALS"]


def test_folded_groups_are_no_wrapped_line_of_the_group_above() -> None:
    # Group names in bold over comma-separated items: the name, dropped, parted the lists.
    parts = [
        _section(sections.SKILLS, "SKILLS"),
        _section(sections.OTHER, "Clinical", "Wound care, Triage, Medication administration"),
        _section(sections.OTHER, "Certifications", "ACLS, PALS"),
        _section(sections.OTHER, "Systems", "Epic, Cerner"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    skills = parse_skills(_skill_rows(folded[0].lines), True)
    assert skills == [
        "Wound care",
        "Triage",
        "Medication administration",
        "ACLS",
        "PALS",
        "Epic",
        "Cerner",
    ]


def test_headless_groups_are_no_wrapped_line_of_the_group_above() -> None:
    parts = [
        _section(sections.OTHER, "Tools", "Excel, Tableau, Power BI"),
        _section(sections.OTHER, "Languages", "Spanish, English"),
    ]
    folded = _fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    skills = parse_skills(_skill_rows(folded[0].lines), True)
    assert skills == ["Excel", "Tableau", "Power BI", "Spanish", "English"]
