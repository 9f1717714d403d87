"""A left sidebar of short lines beside a main column whose lines end short of the page's
right side, and a long e-mail in the sidebar that runs up to the main column."""

from __future__ import annotations

from app.parsing.pdf_layout import page_lines
from tests.parsing.placed_words import placed_words

SIDEBAR = [
    "Olivia Bennett",
    "CONTACT",
    "030 7194681",
    "EMAIL",
    "Berlin, Germany",
    "oliviabennett.example.com",
    "SKILLS",
    "IV therapy",
    "Wound care",
    "Triage",
]
MAIN = [
    "EXPERIENCE",
    "Charge Nurse",
    "Lakeshore Medical Centre, Hamburg",
    "March 2022 to Current",
    "Reduced patient falls by 25%",
    "Staff Nurse",
    "St. Brigid's Hospital, Munich",
    "July 2017 to March 2022",
    "Trained new staff",
    "EDUCATION",
]


def _words(text: str, x0: float, top: float, size: float = 10.0) -> list[dict]:
    return placed_words(text, x0, top, size, "Helvetica")


def _page(email_end: float) -> list[dict]:
    words: list[dict] = []
    for n, (side, main) in enumerate(zip(SIDEBAR, MAIN, strict=True)):
        top = 40 + 13 * n
        if side == "EMAIL":
            words.append(
                {
                    "text": "olivia.bennett@mailbox.example",
                    "x0": 43,
                    "x1": email_end,
                    "top": top,
                    "bottom": top + 10,
                    "size": 10,
                    "fontname": "Helvetica",
                }
            )
        else:
            words += _words(side, 43, top)
        words += _words(main, 208, top)
    return words


def test_a_sidebar_beside_ragged_lines_is_read_as_its_own_column() -> None:
    texts = [line.text for line in page_lines(_page(150), 612)]
    assert texts[: len(SIDEBAR)] == [
        t if t != "EMAIL" else "olivia.bennett@mailbox.example" for t in SIDEBAR
    ]
    assert texts[len(SIDEBAR) :] == MAIN


def test_an_email_running_up_to_the_main_column_stays_in_the_sidebar() -> None:
    texts = [line.text for line in page_lines(_page(207.5), 612)]
    assert "olivia.bennett@mailbox.example" in texts
    assert "March 2022 to Current" in texts
    assert texts.index("Triage") < texts.index("EXPERIENCE")


def test_a_name_set_large_across_the_gutter_stays_whole() -> None:
    words = _page(150)
    words = [w for w in words if w["text"] not in ("Olivia", "Bennett")]
    words += _words("KWAME MWANGI", 43, 10, 30)
    texts = [line.text for line in page_lines(words, 612)]
    assert texts[0] == "KWAME MWANGI"


def _bridged_page() -> list[dict]:
    """Name and headline across the top; a sidebar whose e-mail is drawn over the main
    column's first bullet and whose hyphenated link piece ends at the gutter."""
    words = _words("Javier Ramirez", 54, 7, 30) + _words("Supply Chain Analyst", 54, 48, 22)
    side = ["Madrid, Spain", "+34 663 183 376", "EMAIL", "javier-", "ramirez.example.com"]
    main = [
        "Experience",
        "Supply Chain Analyst, Meridian Freight, Valencia Nov 2023 - Present",
        "- Cut picking errors by 60% with barcode scanning",
        "- Negotiated carrier contracts",
        "Logistics Coordinator, Atlas Cargo, Barcelona Jul 2016 - Apr 2019",
        "- Managed a fleet of 45 vehicles",
        "Education",
        "B.A. Industrial Engineering, Universitat de Barcelona 2015",
        "Skills",
        "Lean, Six Sigma, Route planning",
    ]
    for n, text in enumerate(main):
        top = 100 + 14 * n
        words += _words(text, 166, top)
        if n < len(side):
            if side[n] == "EMAIL":
                words.append(
                    {
                        "text": "javier.ramirez@mailbox.example",
                        "x0": 54,
                        "x1": 170,
                        "top": top,
                        "bottom": top + 10,
                        "size": 10,
                        "fontname": "Helvetica",
                    }
                )
            elif side[n].endswith("-"):  # set flush right, as hyphenated pieces are
                words += _words(side[n], 163 - len(side[n]) * 5, top)
            else:
                words += _words(side[n], 54, top)
    return words


def test_a_sidebar_without_a_blank_gutter_is_found_by_the_main_columns_left_edge() -> None:
    texts = [line.text for line in page_lines(_bridged_page(), 612)]
    assert texts[:2] == ["Javier Ramirez", "Supply Chain Analyst"]
    assert texts[2:7] == [
        "Madrid, Spain",
        "+34 663 183 376",
        "javier.ramirez@mailbox.example",
        "javier-",
        "ramirez.example.com",
    ]
    assert texts[7] == "Experience"
    assert "- Cut picking errors by 60% with barcode scanning" in texts


def test_a_sidebar_of_short_items_on_its_own_line_pitch() -> None:
    """Every sidebar row sits beside a main-column row, but on a baseline of its own: a
    sidebar, not labels beside entries. Its long e-mail passes the gap's middle."""
    side = ["CONTACT", "089 5685000", "EMAIL", "SKILLS", "PALS", "ACLS", "BLS", "Triage"]
    main = [
        "Anna-Lena von Arnim, Clinical Nurse Specialist in Berlin",
        "Nursing professional with 13 years of ward experience.",
        "WORK EXPERIENCE AT HOSPITALS IN BERLIN AND MUNICH",
        "Clinical Nurse Specialist, Riverside Health Trust Berlin",
        "Apr 2024 - Present, Berlin, Germany, surgical ward team",
        "Coordinated care for a 28-bed surgical ward every day",
        "Reduced patient falls by 25% through hourly rounding",
        "Trained new staff on infection-control protocols daily",
    ]
    words: list[dict] = []
    for n, (s, m) in enumerate(zip(side, main, strict=True)):
        top = 50 + 14 * n
        words += _words(m, 233, top)
        if s == "EMAIL":
            words.append(
                {
                    "text": "anna@mailbox.example",
                    "x0": 43,
                    "x1": 200,
                    "top": top + 4,
                    "bottom": top + 12,
                    "size": 8,
                    "fontname": "Helvetica",
                }
            )
        else:
            words += _words(s, 43, top + 4, 8)
    texts = [line.text for line in page_lines(words, 595)]
    assert texts[: len(side)] == [t if t != "EMAIL" else "anna@mailbox.example" for t in side]
    assert texts[len(side) :] == main


def test_a_short_right_column_with_sections_of_its_own() -> None:
    """A long main column beside a short right column holding "Education" and "Skills"
    over their content, on the main column's baselines: two flows, not labels."""
    main = ["Experience"] + [
        f"Fieldnote Design, Design Lead, entry {n}, redesigned onboarding lifting activation"
        for n in range(24)
    ]
    side = [
        "Education",
        "Diploma Visual",
        "Communication",
        "Universität Hamburg, 1999",
        "Skills",
        "Research: User interviews,",
        "Usability testing",
    ]
    words: list[dict] = []
    for n, text in enumerate(main):
        words += _words(text, 47, 100 + 12 * n, 8)
        if n < len(side):
            words += _words(side[n], 386, 100 + 12 * n, 8)
    texts = [line.text for line in page_lines(words, 595)]
    assert texts[: len(main)] == main
    assert texts[len(main) :] == side


def test_a_margin_of_headings_and_dates_labels_the_rows_beside_it() -> None:
    """Section headings (in small capitals: "C" + "ontact") and dates in a left margin,
    a little off the content's baselines: labels of the rows beside them, not a flow."""
    rows = [
        ("Contact", "Email vikram@inbox.test"),
        ("Location", "Region IL"),
        ("Skills", "Systems: Oracle WMS, Power BI"),
        ("Summary", "Supply chain analyst with eight years in freight"),
        ("Experience", "Supply Chain Analyst at Coastal Distribution BV"),
        ("2024-05 to Present", "Cut picking errors by 60% with barcode scanning"),
        ("2023-09 to 2024-05", "Logistics Coordinator at Trailhead Logistics"),
        ("Education", "Boston University"),
        ("2019 to 2022", "BSc: Supply Chain Management"),
    ]
    words: list[dict] = []
    for n, (label, content) in enumerate(rows):
        top = 100 + 16 * n
        if label == "Contact":
            words += _words("C", 62, top + 2, 11) + _words("ontact", 70, top + 2, 9)
        else:
            words += _words(label, 62, top + 2, 9)
        words += _words(content, 218, top, 10)
    texts = [line.text for line in page_lines(words, 612)]
    assert "Location\tRegion IL" in texts
