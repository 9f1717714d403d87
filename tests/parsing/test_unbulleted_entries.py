"""Work history whose achievements carry no bullet, and Word tables with a date column."""

from __future__ import annotations

from pathlib import Path

import docx

from app.parsing import history, parse_file


def test_achievements_without_bullets_are_not_taken_for_employers() -> None:
    lines = [
        "Riverside Health Trust",
        "September 2025 - Present",
        "Ward Manager",
        "Reduced patient falls by 25% through hourly rounding",
        "Trained new staff on infection-control protocols",
        "St. Brigid's Hospital",
        "November 2023 - September 2025",
        "Ward Manager",
        "Coordinated care for a 28-bed surgical ward",
        "Mercy Valley Clinic",
        "January 2019 - October 2023",
        "Managed Services Coordinator",
    ]
    assert [(e.company, e.title, e.start) for e in history.parse_experience(lines)] == [
        ("Riverside Health Trust", "Ward Manager", "2025-09"),
        ("St. Brigid's Hospital", "Ward Manager", "2023-11"),
        ("Mercy Valley Clinic", "Managed Services Coordinator", "2019-01"),
    ]


def test_a_date_column_left_of_each_entry_in_a_word_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Wei Nguyen")
    document.add_paragraph("wei.nguyen@example.org")
    document.add_heading("Work Experience", level=2)
    grid = document.add_table(rows=0, cols=2)
    for dates, company, title in (
        ("04/2023 - 11/2026", "Northwind Labs", "Junior Developer"),
        ("10/2021 - 02/2023", "Tessellate Inc.", "Intern"),
    ):
        cells = grid.add_row().cells
        cells[0].text = dates
        cells[1].paragraphs[0].add_run(company).bold = True
        cells[1].add_paragraph(title)
        cells[1].add_paragraph("Mentored four junior engineers")
    path = tmp_path / "table.docx"
    document.save(path)
    parsed = parse_file(path)
    assert [(e.company, e.title, e.start, e.end) for e in parsed.employers] == [
        ("Northwind Labs", "Junior Developer", "2023-04", "2026-11"),
        ("Tessellate Inc.", "Intern", "2021-10", "2023-02"),
    ]


def test_title_at_company() -> None:
    lines = [
        "Fleet Manager at Meridian Freight\tAug 2023 - Current",
        "Toronto, ON",
        "Managed a fleet of 45 vehicles",
        "Research at Scale Lab\tJan 2020 - Jul 2023",  # no title words: stays one name
    ]
    assert [(e.company, e.title) for e in history.parse_experience(lines)] == [
        ("Meridian Freight", "Fleet Manager"),
        ("Research at Scale Lab", None),
    ]


def test_an_achievement_naming_a_company_or_services_is_not_an_employer() -> None:
    """ "Built the company design system" holds an organisation word but is a sentence;
    "Highlights" over the list is a label, not the employer."""
    lines = [
        "Monocle & Pine",
        "Montréal, QC",
        "February 2025 – November 2026",
        "Graphic Designer",
        "Highlights",
        "Built the company design system",
        "Led migration of 30 services to Kubernetes",
        "Studio Kaleido",
        "Toronto, ON",
        "April 2020 – September 2023",
        "Junior Designer",
        "Highlights",
        "Built the company design system",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title) for j in jobs] == [
        ("Monocle & Pine", "Graphic Designer"),
        ("Studio Kaleido", "Junior Designer"),
    ]


def test_a_title_at_an_employer_that_starts_like_a_past_tense_verb() -> None:
    lines = [
        "Registered Nurse at St. Brigid's Hospital\tOct 2021 - Oct 2026",
        "Reduced patient falls by 25% through hourly rounding",
        "Staff Nurse at Mercy Valley Clinic\tNov 2015 - Aug 2020",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title) for j in jobs] == [
        ("St. Brigid's Hospital", "Registered Nurse"),
        ("Mercy Valley Clinic", "Staff Nurse"),
    ]


def test_a_title_set_like_the_headings_after_the_dated_line_stays_in_the_entry() -> None:
    """Themes set an entry's title and its "Highlights" label in the headings' type."""
    from app.parsing import sections
    from app.parsing.lines import Line

    def head(text: str) -> Line:
        return Line(text, size=14.0, bold=True)

    body = "Coordinated care for a 28-bed surgical ward and trained new staff"
    lines = [
        Line("Kavya Reddy", size=24.0, bold=True),
        head("Work"),
        Line("Mercy Valley Clinic\t2022-04 — 2026-11", size=11.0),
        head("Ward Manager"),
        head("Highlights"),
        Line(body, size=10.0),
        Line("Riverside Health Trust\t2017-10 — 2022-04", size=11.0),
        head("Charge Nurse"),
        head("Highlights"),
        Line(body, size=10.0),
        head("Education"),
        Line("Anna University\t1999 — 2001", size=11.0),
    ]
    parts = sections.split_sections(lines)
    assert [p.kind for p in parts] == [sections.HEADER, sections.EXPERIENCE, sections.EDUCATION]
    jobs = history.parse_experience([line.text for line in parts[1].lines])
    assert [(j.company, j.title) for j in jobs] == [
        ("Mercy Valley Clinic", "Ward Manager"),
        ("Riverside Health Trust", "Charge Nurse"),
    ]


def test_a_month_year_range_broken_over_two_lines_of_a_date_column() -> None:
    """moderncv's date column: "06/2023 -" beside the entry, its end on the next line."""
    lines = [
        "06/2023 - Senior Software Engineer , Tessellate Inc. , Valencia, Spain",
        "Present | Led migration of 30 services to Kubernetes",
        "02/2020 - Senior Software Engineer , Orbital Data GmbH , Madrid, Spain",
        "06/2023 | Cut API latency by 40% by caching hot queries",
        "Built the billing pipeline processing 2M events a day",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.start, j.end) for j in jobs] == [
        ("Tessellate Inc.", "2023-06", "present"),
        ("Orbital Data GmbH", "2020-02", "2023-06"),
    ]


def test_a_short_employer_line_after_a_long_achievement_opens_the_next_entry() -> None:
    """ "Ledgerwise LLP" after a long line looks like its wrapped end, but a date range
    follows it, as under every entry."""
    lines = [
        "Greystone Partners",
        "Audit Associate",
        "2024 - Present",
        "Built a rolling 18-month cash-flow forecast for the group",
        "Led the statutory audit for three subsidiaries and the holding",
        "Ledgerwise LLP",
        "Audit Associate",
        "2022 - 2024",
        "Closed the monthly books two days faster",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title) for j in jobs] == [
        ("Greystone Partners", "Audit Associate"),
        ("Ledgerwise LLP", "Audit Associate"),
    ]


def test_a_range_left_open_is_a_current_job() -> None:
    """Themes print "2024-02 —" with no end for a current job."""
    jobs = history.parse_experience(
        ["Brightpath Media\t2024-02 —", "Regional Sales Director", "Opened 40 new accounts"]
    )
    assert [(j.start, j.end) for j in jobs] == [("2024-02", "present")]
    # ... while an end printed on the next line is still joined to its start.
    jobs = history.parse_experience(
        ["Acme Ltd, Engineer, Jan 2020 –", "Dec 2022", "Built the billing pipeline"]
    )
    assert [(j.start, j.end) for j in jobs] == [("2020-01", "2022-12")]


def test_positions_grouped_under_one_employer_printed_once() -> None:
    lines = [
        "Fieldnote Design",
        "Junior Designer",
        "Sep 2020 – Dec 2022",
        "Ran 60 usability sessions",
        "Junior Designer",
        "Nov 2014 – Jul 2019",
        "Built the company design system",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title, j.start) for j in jobs] == [
        ("Fieldnote Design", "Junior Designer", "2020-09"),
        ("Fieldnote Design", "Junior Designer", "2014-11"),
    ]


def test_an_employer_and_its_city_state_read_like_a_place() -> None:
    """ "Pinnacle Telecom, Singapore" has the shape of "City, Country"."""
    lines = [
        "SENIOR ACCOUNT MANAGER\tMar 2025 – Jun 2026",
        "Pinnacle Telecom, Singapore",
        "• Grew regional revenue from 1.2M to 3.4M",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title) for j in jobs] == [("Pinnacle Telecom", "SENIOR ACCOUNT MANAGER")]
    # A place that is a known city is still no employer.
    jobs = history.parse_experience(["Engineer\t2019 - 2021", "San Francisco, CA", "• Built it"])
    assert [j.company for j in jobs] == [None]


def test_an_employer_named_with_a_job_word_before_a_dash() -> None:
    lines = [
        "Quillstack — Software Engineer",
        "Dec 2022 – Present",
        "• Built the billing pipeline",
        "Helio Software Ltd — Junior Developer",
        "Sep 2017 – May 2022",
        "• Cut API latency by 40%",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title) for j in jobs] == [
        ("Quillstack", "Software Engineer"),
        ("Helio Software Ltd", "Junior Developer"),
    ]


def test_an_achievement_after_a_date_column_end_and_an_icon() -> None:
    lines = [
        "08/2022 - Senior Software Engineer , Quillstack , Utrecht, Netherlands",
        "02/2026 | Led migration of 30 services to Kubernetes",
        "08/2018 - Staff Engineer , Bluefin Systems , Amsterdam, Netherlands",
        "08/2022 | Mentored four junior engineers",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.end) for j in jobs] == [
        ("Quillstack", "2026-02"),
        ("Bluefin Systems", "2022-08"),
    ]


def test_a_header_of_items_ending_in_a_full_stop_before_its_dates() -> None:
    """moderncv oldstyle: "Title , Company , City, Country. Dates" is no sentence."""
    lines = [
        "Supply Chain Analyst , Meridian Freight , Valencia, Spain. Nov 2023 – Present",
        "• Cut picking errors by 60% with barcode scanning",
        "Logistics Coordinator , Atlas Cargo Pte Ltd , Barcelona, Spain. Jul 2016 – Apr 2019",
        "• Managed a fleet of 45 vehicles",
    ]
    jobs = history.parse_experience(lines)
    assert [(j.company, j.title, j.start) for j in jobs] == [
        ("Meridian Freight", "Supply Chain Analyst", "2023-11"),
        ("Atlas Cargo Pte Ltd", "Logistics Coordinator", "2016-07"),
    ]
