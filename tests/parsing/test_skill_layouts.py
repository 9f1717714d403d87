"""Skills set the ways word processors and templates set them beyond a comma list:
small-capital headings, proficiency words and ratings beside each skill, a category column
in a table, and labelled rows under a general heading."""

from __future__ import annotations

from app.parsing import sections
from app.parsing.lines import Line
from app.parsing.parser import _skill_rows
from app.parsing.pdf_layout import page_lines
from app.parsing.skill_groups import fold_skill_groups
from app.parsing.skills import parse_skills


def _word(text: str, x0: float, size: float, top: float = 100.0) -> dict:
    width = 0.6 * size * len(text)
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + size,
        "size": size,
        "fontname": "Serif-Bold",
    }


def test_small_capitals_drawn_as_capitals_are_one_word() -> None:
    # "Experience" in small capitals: a full-size "E", then "XPERIENCE" smaller, touching.
    first = _word("E", 70.0, 11.0)
    tail = _word("XPERIENCE", first["x1"] + 0.05, 8.8, top=102.2)
    texts = [line.text for line in page_lines([first, tail], 600.0)]
    assert texts == ["EXPERIENCE"]
    work = _word("W", 70.0, 11.0)
    ork = _word("ORK", work["x1"] + 0.05, 8.8, top=102.2)
    second = _word("H", ork["x1"] + 3.0, 11.0)
    istory = _word("ISTORY", second["x1"] + 0.05, 8.8, top=102.2)
    texts = [line.text for line in page_lines([work, ork, second, istory], 600.0)]
    assert texts == ["WORK HISTORY"]


def _section(kind: str, heading: str, *texts: str) -> sections.Section:
    return sections.Section(kind, heading, [Line(t) for t in texts])


def test_a_level_after_a_skill_is_no_part_of_it() -> None:
    rows = ["Python — Expert", "SQL (Advanced)", "Excel: Intermediate", "Go - 3 years"]
    rows += ["Financial modelling – Working knowledge", "Spanish (fluent)"]
    assert parse_skills(rows) == ["Python", "SQL", "Excel", "Go", "Financial modelling", "Spanish"]
    # A level word opening a skill's name is part of it.
    assert parse_skills(["Advanced Excel, Basic Life Support, Native apps"]) == [
        "Advanced Excel",
        "Basic Life Support",
        "Native apps",
    ]


def test_a_score_after_a_skill_is_no_part_of_it() -> None:
    rows = ["Java 4/5", "SQL (80%)", "Excel: 4/5", "Go - 3.5/5", "Figma █████░░░"]
    rows += ["Jira (experienced)"]
    assert parse_skills(rows) == ["Java", "SQL", "Excel", "Go", "Figma", "Jira"]
    # Numbers that are part of a name stay.
    assert parse_skills(["ISO 9001, Windows 10, Office 365, Python 3, HTML5"]) == [
        "ISO 9001",
        "Windows 10",
        "Office 365",
        "Python 3",
        "HTML5",
    ]


def test_glyphs_and_spaced_dashes_part_the_items_of_a_row() -> None:
    assert parse_skills(["✓ Python ✓ SQL ✓ Docker"]) == ["Python", "SQL", "Docker"]
    assert parse_skills(["Figma ◆ Sketch ⋅ Miro ► Jira // Git"]) == [
        "Figma",
        "Sketch",
        "Miro",
        "Jira",
        "Git",
    ]
    assert parse_skills(["Triage – Wound care – IV therapy"]) == [
        "Triage",
        "Wound care",
        "IV therapy",
    ]
    # One dash is a level or a label, not a list.
    assert parse_skills(["Python — Expert", "Design — Figma, Sketch"]) == [
        "Python",
        "Figma",
        "Sketch",
    ]


def test_dot_and_star_ratings_are_no_skills() -> None:
    rows = ["SQL\t●●●○○", "US GAAP ●●●●●", "Python ●●●●○ Go ★★★☆☆", "● Docker"]
    assert parse_skills(rows) == ["SQL", "US GAAP", "Python", "Go", "Docker"]


def test_a_group_of_skills_with_levels_folds_into_the_skills_section() -> None:
    parts = [
        _section(sections.SKILLS, "Technical Skills"),
        _section(sections.OTHER, "Systems", "Epic — Expert", "Cerner — Working knowledge"),
        _section(
            sections.OTHER,
            "Clinical",
            "IV therapy — Working knowledge",
            "Medication administration — Proficient",
        ),
    ]
    folded = fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.SKILLS]
    assert parse_skills([line.text for line in folded[0].lines]) == [
        "Epic",
        "Cerner",
        "IV therapy",
        "Medication administration",
    ]


def test_a_label_column_before_a_slash_list_is_dropped() -> None:
    assert parse_skills(["Practices\tCode review / TDD"]) == ["Code review", "TDD"]
    assert parse_skills(["Python\tGo"]) == ["Python", "Go"]  # chips, no label


def test_a_separator_left_where_a_slash_list_wrapped_is_dropped() -> None:
    rows = ["Terraform / Kubernetes / Git / AWS /", "Docker / PostgreSQL"]
    assert parse_skills(rows, wrapped=True) == [
        "Terraform",
        "Kubernetes",
        "Git",
        "AWS",
        "Docker",
        "PostgreSQL",
    ]


def test_a_group_name_over_a_slash_list_is_no_skill() -> None:
    lines = [
        Line("Languages"),
        Line("Python / Java / Rust"),
        Line("Tools", new_block=True),
        Line("Git / AWS"),
    ]
    assert parse_skills(_skill_rows(lines)) == ["Python", "Java", "Rust", "Git", "AWS"]


def test_references_on_request_closing_the_list_is_no_skill() -> None:
    assert parse_skills(["Python", "Docker", "", "References available on request."]) == [
        "Python",
        "Docker",
    ]


def test_labelled_skill_rows_under_a_general_heading_are_skills() -> None:
    parts = [
        _section(sections.EXPERIENCE, "Experience", "Engineer, Acme", "Jan 2020 – Present"),
        _section(
            sections.OTHER,
            "Additional Information",
            "Key skills: Python; Go; SQL",
            "Tools: Docker • Git",
            "Certifications: AWS Solutions Architect",
            "Languages: English (native), French (fluent)",
            "Driving licence: full, clean",
        ),
    ]
    folded = fold_skill_groups(parts)
    assert [s.kind for s in folded] == [sections.EXPERIENCE, sections.OTHER, sections.SKILLS]
    assert [line.text for line in folded[1].lines] == [
        "Languages: English (native), French (fluent)",
        "Driving licence: full, clean",
    ]
    assert parse_skills([line.text for line in folded[2].lines]) == [
        "Python",
        "Go",
        "SQL",
        "Docker",
        "Git",
        "AWS Solutions Architect",
    ]

    # A profile closing with its skills.
    profile = _section(
        sections.SUMMARY,
        "Profile",
        "Nurse with eight years on surgical wards, calm under pressure.",
        "Core skills: Triage, Wound care, IV therapy",
    )
    folded = fold_skill_groups([profile])
    assert [s.kind for s in folded] == [sections.SUMMARY, sections.SKILLS]
    assert parse_skills([line.text for line in folded[1].lines]) == [
        "Triage",
        "Wound care",
        "IV therapy",
    ]
    # Labelled rows of other things, and certificates alone, stay where they are.
    parts = [
        _section(sections.OTHER, "Interests", "Sports: running, chess"),
        _section(sections.OTHER, "Additional Information", "Certifications: BLS, ACLS"),
    ]
    assert [s.kind for s in fold_skill_groups(parts)] == [sections.OTHER, sections.OTHER]


def test_a_skills_table_keeps_the_skills_not_their_levels_or_its_header() -> None:
    rows = [
        "Skill\tProficiency\tExperience",
        "Python\tExpert\t7 years",
        "Usability testing\tWorking knowledge\t3 yrs",
    ]
    assert parse_skills(rows) == ["Python", "Usability testing"]
    assert parse_skills(["TypeScript\tSQL\tRust"]) == ["TypeScript", "SQL", "Rust"]  # chips
