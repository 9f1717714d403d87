"""Which gaps between text on a page are gutters between two columns read one after the
other: a block centred above left-aligned text is not a column beside it."""

from __future__ import annotations

import pytest

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

HEADER = [
    "Sneha Nair",
    "Senior Account Manager",
    "Singapore, SG",
    "sneha@example.org",
    "(+65) 9964-4154",
    "snehanair",
]
BODY = [
    "ABOUT",
    "Sales professional with 13 years of experience.",
    "WORK EXPERIENCE",
    "Account Manager, Brightpath Media",
    "2022-Jul - Present",
    "Exceeded annual quota by 132%",
    "Opened 40 new enterprise accounts",
    "Account Executive, Pinnacle Telecom",
    "2017-Jan - 2019-Jan",
    "Grew regional revenue from 1.2M",
    "SKILLS",
    "Sales",
]


def _words(text: str, x0: float, top: float, size: float = 8.0) -> list[dict]:
    return placed_words(text, x0, top, size, "Times")


def _page() -> list[dict]:
    words: list[dict] = []
    top = 60.0
    for text in HEADER:  # centred on the page, right of where the body's lines end
        words += _words(text, 270, top)
        top += 14
    for text in BODY:  # left-aligned under it, every line ending short of x = 250
        words += _words(text, 50, top)
        top += 14
    assert max(w["x1"] for w in words if w["x0"] < 250) < 250
    return words


def test_centred_header_above_left_aligned_text_is_read_first() -> None:
    assert [line.text for line in page_lines(_page(), 612)] == HEADER + BODY


ENTRIES = [
    ("Regional Sales Director", "Apr 2022 – Present"),
    ("Regional Sales Director", "Jul 2019 – Mar 2022"),
    ("Senior Account Manager", "Apr 2016 – May 2018"),
    ("Account Executive", "Apr 2015 – Apr 2016"),
    ("Sales Representative", "Feb 2011 – Apr 2015"),
]
SIDEBAR = [
    "Contact",
    "+61 3 5550 2150",
    "hiro@example.net",
    "Skills",
    "Sales",
    "Pipeline management",
    "Cold calling",
    "HubSpot",
    "Negotiation",
    "Languages",
    "French",
    "Spanish",
    "English",
    "German",
    "Italian",
    "Portuguese",
    "Dutch",
    "Polish",
    "Greek",
    "Turkish",
    "Hindi",
]


def _width(text: str, size: float = 8.0) -> float:
    return sum(len(t) * size * 0.5 for t in text.split()) + size * 0.3 * (len(text.split()) - 1)


def _dates_beside_a_right_sidebar(entries: list[tuple[str, str]]) -> list[dict]:
    """Entries with their dates set right-aligned at x = 378 and short bullets (ending
    near x = 230), and a sidebar from x = 396: the blank band between the bullets and the
    dates is wider than the gutter before the sidebar."""
    words: list[dict] = []
    main: list[tuple[str, float]] = []
    for title, dates in entries:
        main += [(title, 50), (dates, 378 - _width(dates)), ("Solace Retail Group", 50)]
        main += [("Grew regional revenue from 1.2M", 50)]
    top = 60.0
    for n, (text, x0) in enumerate(main):
        if n % 4 == 1:  # the dates share their title's row
            top -= 12
        words += _words(text, x0, top)
        top += 12
    for n, text in enumerate(SIDEBAR):
        words += _words(text, 396, 63 + 12 * n)
    return words


@pytest.mark.parametrize("count", [5, 2])
def test_dates_right_aligned_short_of_a_sidebar_stay_with_their_entries(count: int) -> None:
    # With two entries beside a long sidebar their dates are too few to close the blank
    # band between the bullets and the sidebar: the band is one gap, its middle among the
    # dates.
    entries = ENTRIES[:count]
    texts = [line.text for line in page_lines(_dates_beside_a_right_sidebar(entries), 612)]
    for title, dates in entries:
        assert f"{title}\t{dates}" in texts
    assert texts[-len(SIDEBAR) :] == SIDEBAR


def _date_column_page() -> list[dict]:
    """A name and title over a left column of headings and dates, the contact lines at the
    right, entries right of the dates, and a skills row of items across both."""
    placed = [
        ("Mei Ling Tanaka", 56, 54),
        ("0491 570 145", 470, 64),
        ("Logistics Coordinator", 56, 75),
        ("meiling@example.org", 470, 75),
        ("Sydney, NSW", 470, 85),
        ("Employment", 56, 109),
        ("May 2024 to Current", 56, 134),
        ("Coastal Distribution BV , Sydney, NSW", 203, 134),
        ("Logistics Coordinator", 203, 146),
        ("• Cut picking errors by 60% with barcode scanning", 215, 166),
        ("• Managed a fleet of 45 vehicles", 215, 182),
        ("May 2022 to May 2024", 56, 206),
        ("Trailhead Logistics , Brisbane, QLD", 203, 206),
        ("Warehouse Supervisor", 203, 218),
        ("• Managed a fleet of 45 vehicles", 215, 238),
        ("Education", 56, 292),
        ("2021", 56, 315),
        ("University of Sydney", 203, 315),
        ("Bachelor of Science in Supply Chain Management", 203, 326),
        ("Skills", 56, 352),
        ("Power BI", 56, 378),
        ("Oracle WMS", 105, 378),
        ("Route planning", 206, 378),
    ]
    return [w for text, x0, top in placed for w in _words(text, x0, top)]


def test_date_column_under_a_name_is_no_sidebar() -> None:
    texts = [line.text for line in page_lines(_date_column_page(), 612)]
    assert "May 2024 to Current\tCoastal Distribution BV , Sydney, NSW" in texts
    assert texts[-2:] == ["Skills", "Power BI\tOracle WMS\tRoute planning"]


def _timeline_page() -> list[dict]:
    """Dates in a left column under their headings, one job, and a name, title, row of
    chips and contact footer each running across where the dates end."""
    placed = [
        ("Priya Venkataraman", 34, 40, 21.0),
        ("Sales Development Representative", 34, 62, 9.5),
        ("Experience", 34, 80, 11.0),
        ("04/2024 – now", 36, 97, 10.0),
        ("Sales Development Representative", 122, 97, 10.0),
        ("Solace Retail Group, Singapore", 122, 109, 10.0),
        ("• Grew regional revenue from 1.2M to 3.4M", 122, 121, 10.0),
        ("• Exceeded annual quota by 132%", 122, 133, 10.0),
        ("Education", 34, 171, 11.0),
        ("2029", 36, 188, 10.0),
        ("MBA", 122, 188, 10.0),
        ("Nanyang Technological University", 122, 200, 10.0),
        ("2024", 36, 214, 10.0),
        ("BA Business Administration", 122, 214, 10.0),
        ("National University of Singapore", 122, 226, 10.0),
        ("Skills", 34, 246, 11.0),
        ("Pipeline management", 36, 263, 10.0),
        ("HubSpot", 165, 263, 10.0),
        ("(+65) 9521-0399 priya@mailbox.example Singapore", 34, 795, 8.5),
    ]
    return [w for text, x0, top, size in placed for w in _words(text, x0, top, size)]


def test_dates_under_headings_beside_one_job_are_no_sidebar() -> None:
    texts = [line.text for line in page_lines(_timeline_page(), 595)]
    assert "04/2024 – now\tSales Development Representative" in texts
    assert texts.index("Skills") == len(texts) - 3


def _grid_page(right_heading: str = "Skills") -> list[dict]:
    """A work history across the page, then Education beside a second section, the left
    column longer than the right."""
    placed = [
        ("Xiaoyu Kim", 37, 40, 18.0),
        ("Career", 37, 80, 11.0),
        ("Quillstack, Backend Developer [Mar 2023 – Present]", 37, 95, 10.0),
        ("• Cut API latency by 40% by caching hot queries", 37, 107, 10.0),
        ("Bluefin Systems, Staff Engineer [Nov 2018 – Feb 2023]", 37, 119, 10.0),
        ("• Built the billing pipeline processing 2M events a day", 37, 131, 10.0),
        ("• Mentored four junior engineers", 37, 143, 10.0),
        ("Education", 37, 170, 11.0),
        (right_heading, 307, 170, 11.0),
        ("PhD", 37, 188, 10.0),
        ("Languages — Rust · Java · Python", 305, 188, 10.0),
        ("University of Sydney, 2005", 37, 200, 10.0),
        ("Bachelor of Science", 37, 212, 10.0),
        ("University of Sydney, 2000", 37, 224, 10.0),
    ]
    return [w for text, x0, top, size in placed for w in _words(text, x0, top, size)]


def test_sections_side_by_side_under_a_page_wide_part_are_read_column_by_column() -> None:
    texts = [line.text for line in page_lines(_grid_page(), 595)]
    assert texts[-7:] == [
        "Education",
        "PhD",
        "University of Sydney, 2005",
        "Bachelor of Science",
        "University of Sydney, 2000",
        "Skills",
        "Languages — Rust · Java · Python",
    ]


def test_two_headings_without_entries_side_by_side_stay_on_their_row() -> None:
    # Neither is a section of entries nor a skill group's name.
    words = [w for w in _grid_page("Interests") if w["text"] != "Education"]
    words += _words("Awards", 37, 170, 11.0)
    texts = [line.text for line in page_lines(words, 595)]
    assert "Awards\tInterests" in texts


def _flush_right(text: str, right: float, top: float, size: float) -> list[dict]:
    return _words(text, right - _width(text, size), top, size)


def test_skill_groups_side_by_side_set_flush_right_are_read_group_by_group() -> None:
    # The right group's items start left of its name, close to the left group's items.
    words = _flush_right("Teaching", 498, 100, 9.7) + _flush_right("Tools", 569, 100, 9.7)
    for n, (first, second) in enumerate(
        [("Classroom", "Moodle"), ("management", "Google Classroom"), ("Curriculum design", "")]
    ):
        words += _flush_right(first, 498, 114 + 9 * n, 7.6)
        if second:
            words += _flush_right(second, 569, 114 + 9 * n, 7.6)
    texts = [line.text for line in page_lines(words, 612)]
    assert texts == [
        "Teaching",
        "Classroom",
        "management",
        "Curriculum design",
        "Tools",
        "Moodle",
        "Google Classroom",
    ]


def test_skill_group_columns_end_at_a_section_heading_set_smaller() -> None:
    placed = [
        ("Operations", 40, 100, 11.2),
        ("Systems", 300, 100, 11.2),
        ("Lean · Inventory control", 40, 114, 9.8),
        ("Power BI · SAP EWM", 300, 114, 9.8),
        ("WORK EXPERIENCE", 40, 134, 9.0),
        ("Fleet Manager at Meridian Freight", 40, 148, 12.0),
        ("Managed a fleet of 45 vehicles", 40, 162, 10.5),
    ]
    words = [w for text, x0, top, size in placed for w in _words(text, x0, top, size)]
    assert [line.text for line in page_lines(words, 612)] == [
        "Operations",
        "Lean · Inventory control",
        "Systems",
        "Power BI · SAP EWM",
        "WORK EXPERIENCE",
        "Fleet Manager at Meridian Freight",
        "Managed a fleet of 45 vehicles",
    ]


# A margin of headings and dates, a column of small labels ("Email", "Region") or of each
# entry's first word, and the values: (text, x0, x1, top, size).
_THREE_COLUMNS = [
    ("Ana Lima", 259, 366, 47, 16.9),
    ("Supply Chain Analyst", 273, 352, 69, 9.1),
    ("Website", 218, 249, 114, 9.1),
    ("https://analima.example.com", 368, 496, 114, 9.1),
    ("Contact", 62, 111, 130, 12.7),
    ("Email", 218, 242, 130, 9.1),
    ("ana@example.test", 368, 466, 130, 9.1),
    ("Phone", 218, 243, 148, 9.1),
    ("+1 312-555-0100", 368, 432, 148, 9.1),
    ("Location", 62, 114, 186, 12.7),
    ("Region", 218, 246, 186, 9.1),
    ("IL", 368, 377, 186, 9.1),
    ("Skills", 62, 100, 223, 12.7),
    ("Systems:", 217, 251, 223, 9.1),
    ("Oracle WMS, Power BI", 254, 340, 223, 9.1),
    ("Summary", 62, 114, 238, 12.7),
    ("Experience", 62, 163, 272, 12.7),
    ("Analyst at Coastal Distribution", 217, 340, 272, 9.1),
    ("2024-05 to Present", 62, 137, 290, 7.6),
    ("Cut picking errors by 60%", 241, 338, 290, 9.1),
    ("Managed a fleet of 45 vehicles", 241, 353, 305, 9.1),
    ("Negotiated carrier contracts", 241, 342, 321, 9.1),
    ("2023-09 to 2024-05", 62, 137, 346, 7.6),
    ("Coordinator at Trailhead Logistics", 217, 351, 346, 9.1),
    ("Negotiated carrier contracts", 241, 342, 360, 9.1),
    ("Managed a fleet of 45 vehicles", 241, 353, 375, 9.1),
    ("Education", 62, 122, 422, 12.7),
    ("Boston University", 217, 286, 422, 9.1),
    ("BSc: Supply Chain Management", 241, 360, 435, 9.1),
    ("2019 to 2022", 62, 112, 444, 7.6),
]


def test_labels_across_a_narrow_gap_do_not_make_the_margin_a_column() -> None:
    # A gap at x = 240 runs between each label's end and the values' start, through the
    # labels of some rows: those rows' margin words are headings and dates all the same.
    words = []
    for text, x0, x1, top, size in _THREE_COLUMNS:
        step = (x1 - x0) / len(text)
        for token in text.split():
            start = x0 + text.index(token) * step
            words += _words(token, start, top, size)
            words[-1]["x1"] = start + len(token) * step
    texts = [line.text for line in page_lines(words, 612)]
    assert "2024-05 to Present\tCut picking errors by 60%" in texts
