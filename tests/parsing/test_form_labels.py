"""A form's field names set flush right in a left column, each on the line of its value
(the Europass layout): the rows are read across, label then value, not as two flows."""

from __future__ import annotations

from app.parsing import parse_file
from app.parsing.form_labels import rewrite
from app.parsing.lines import Line
from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

ROWS = [
    ("Personal information", ""),
    ("Name / Surname", "Rohan Venkataraman"),
    ("Address", "Hyderabad, India"),
    ("Telephone", "+91 98765 91079"),
    ("Email", "rohan@example.net"),
    ("Work experience", ""),
    ("Dates", "03.2023 – today"),
    ("Occupation or position held", "Operations Manager"),
    ("Main activities and", "Negotiated carrier contracts; Managed a fleet of"),
    ("responsibilities", "45 vehicles; Cut picking errors by 60%"),
    ("Name and address of employer", "Coastal Distribution BV, Hyderabad, India"),
    ("Dates", "02.2020 – 01.2022"),
    ("Occupation or position held", "Supply Chain Analyst"),
    ("Name and address of employer", "Atlas Cargo Pte Ltd, Hyderabad, India"),
]
SIZE = 10.0
EDGE = 193.0  # where every label ends
VALUES = 217.0  # where every value starts


def _page() -> list[dict]:
    words: list[dict] = []
    for index, (label, value) in enumerate(ROWS):
        top = 100 + index * 16
        width = len(label.replace(" ", "")) * SIZE * 0.5 + label.count(" ") * SIZE * 0.3
        words += placed_words(label, EDGE - width, top, SIZE)
        if value:
            words += placed_words(value, VALUES, top, SIZE)
    return words


def test_labels_set_flush_right_are_read_with_their_values() -> None:
    texts = [line.text for line in page_lines(_page(), 595)]
    assert "Name / Surname\tRohan Venkataraman" in texts
    assert "Occupation or position held\tOperations Manager" in texts
    assert "Name and address of employer\tAtlas Cargo Pte Ltd, Hyderabad, India" in texts


FORM = """Europass
Curriculum Vitae

Personal information
Name / Surname\tRohan Venkataraman
Address\tHyderabad, India
Telephone\t+91 98765 91079
Email\trohan@example.net

Work experience
Dates\t03.2023 – today
Occupation or position held\tOperations Manager
Main activities and\tNegotiated carrier contracts; Managed a fleet of
responsibilities\t45 vehicles
Name and address of employer\tCoastal Distribution BV, Hyderabad, India

Dates\t02.2020 – 01.2022
Occupation or position held\tSupply Chain Analyst
Name and address of employer\tAtlas Cargo Pte Ltd, Pune, India

Education and training
Dates\t2012–2015
Title of qualification awarded\tBachelor of Science in Industrial Engineering
Name and type of organisation\tAnna University
providing education and
training
"""


def test_a_form_cv_reads_its_labelled_entries(tmp_path) -> None:
    """The labels name each value's role: the employer, title and school are read from the
    values, never the labels, and the name from its labelled row."""
    path = tmp_path / "europass.txt"
    path.write_text(FORM, encoding="utf-8")
    resume = parse_file(path)
    assert resume.name == "Rohan Venkataraman"
    assert [(e.company, e.title) for e in resume.employers] == [
        ("Coastal Distribution BV", "Operations Manager"),
        ("Atlas Cargo Pte Ltd", "Supply Chain Analyst"),
    ]
    assert [(e.institution, e.year) for e in resume.education] == [("Anna University", "2015")]


def test_an_ordinary_resume_with_a_labelled_address_is_left_alone() -> None:
    lines = [Line("Jane Doe"), Line("Address\tLeeds, UK"), Line("Dates\t2020 - 2022")]
    assert rewrite(lines) == lines


TABBED = [
    ("Harriet O'Connor", "harriet@mailbox.example"),
    ("Regional Sales Director", "München, Germany"),
    ("", "harrietoconnor.example.com"),
    ("PROFESSIONAL EXPERIENCE", ""),
    ("Kestrel Outfitters", "Hamburg, Germany"),
    ("Regional Sales Director", "08/2024 - Present"),
    ("• Exceeded annual quota by 132% across the whole region", ""),
    ("Solace Retail Group", "Berlin, Germany"),
    ("Sales Development Representative", "09/2021 - 08/2024"),
    ("• Grew regional revenue from 1.2M to 3.4M in two years", ""),
    ("Solace Retail Group", "München, Germany"),
    ("Account Executive", "Leipzig office"),
    ("• Opened 40 new enterprise accounts in the north", ""),
]


def _tabbed_page() -> list[dict]:
    words: list[dict] = []
    for index, (left, right) in enumerate(TABBED):
        top = 100 + index * 15
        if left:
            words += placed_words(left, 90, top, SIZE)
        if right:
            width = len(right.replace(" ", "")) * SIZE * 0.5 + right.count(" ") * SIZE * 0.3
            words += placed_words(right, 522 - width, top, SIZE)
    return words


def test_values_tabbed_to_the_right_margin_stay_on_their_rows() -> None:
    """Places and dates pushed flush right by a tab stop, ragged on their left, each on a
    row with text: they belong to those rows, no right sidebar read after the page."""
    texts = [line.text for line in page_lines(_tabbed_page(), 612)]
    assert "Kestrel Outfitters\tHamburg, Germany" in texts
    assert "Account Executive\tLeipzig office" in texts


def test_a_surname_first_label_gives_the_name_in_reading_order(tmp_path) -> None:
    path = tmp_path / "europass.txt"
    form = FORM.replace(
        "Name / Surname\tRohan Venkataraman", "Surname(s) / First name(s)\tVenkataraman, Rohan"
    )
    path.write_text(form, encoding="utf-8")
    assert parse_file(path).name == "Rohan Venkataraman"
