"""Where parsed values are printed: PDFs made at test time (Qt's PDF writer), each value
checked to be on the right page, inside it, and around the words that say it."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from app.parsing import parse_file
from app.parsing.locate import (
    Box,
    PageHit,
    locate_in_pdf,
    locate_in_text,
    render_pdf,
    values_to_find,
)
from tests.parsing.make_corpus import render_pdf as write_pdf

RESUME = """
<h1>Maria Kowalski</h1>
<p>maria.kowalski@example.org &nbsp;|&nbsp; (415) 555-0142 &nbsp;|&nbsp; Portland, OR</p>
<h2>Summary</h2>
<p>Data engineer who has used Python and Go at scale since 2015.</p>
<h2>Experience</h2>
<p><b>Senior Data Engineer</b>, Northwind Analytics Inc &nbsp; 2019 – Present</p>
<ul><li>Built pipelines for a team working with Google Cloud.</li></ul>
<p style="page-break-before: always"><b>Data Analyst</b>, Blue Harbor Logistics
&nbsp; 2015 – 2019</p>
<ul><li>Reported on freight volumes.</li></ul>
<h2>Education</h2>
<p>Oregon State University &nbsp; B.S. in Computer Science &nbsp; 2015</p>
<h2>Skills</h2>
<p>Python, SQL, Go, Airflow</p>
"""


@pytest.fixture(scope="module")
def resume(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The session's QApplication first: Qt's PDF writer needs one, and a bare QGuiApplication
    # made here would leave the widget tests that follow without theirs.
    path = tmp_path_factory.mktemp("locate") / "maria.pdf"
    write_pdf(RESUME, path)
    return path


def _words_in(path: Path, hit: PageHit) -> str:
    """The text PDFium reads inside the hit's rectangles (the words it outlines)."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[hit.page]
        height = page.get_height()
        textpage = page.get_textpage()
        return " ".join(
            textpage.get_text_bounded(b.left, height - b.bottom, b.right, height - b.top).strip()
            for b in hit.boxes
        )
    finally:
        document.close()


def _inside(box: Box, size: tuple[float, float]) -> bool:
    width, height = size
    return 0 <= box.left < box.right <= width and 0 <= box.top < box.bottom <= height


def test_each_field_is_found_on_its_page_around_its_words(resume: Path) -> None:
    wanted = {
        "name": ["Maria Kowalski"],
        "email": ["maria.kowalski@example.org"],
        "phone": ["+14155550142"],  # stored E.164; printed "(415) 555-0142"
        "location": ["Portland, OR"],
        "employers.1": ["Blue Harbor Logistics", "Data Analyst"],
        "education.0": ["Oregon State University"],
    }
    hits = {(h.key, h.value): h for h in locate_in_pdf(resume, wanted)}
    sizes = [image.size for image in render_pdf(resume, 0.5)]
    assert len(sizes) == 2
    expected = {
        ("name", "Maria Kowalski"): (0, "Maria Kowalski"),
        ("email", "maria.kowalski@example.org"): (0, "maria.kowalski@example.org"),
        ("phone", "+14155550142"): (0, "(415) 555-0142"),
        ("location", "Portland, OR"): (0, "Portland, OR"),
        ("employers.1", "Blue Harbor Logistics"): (1, "Blue Harbor Logistics"),
        ("employers.1", "Data Analyst"): (1, "Data Analyst"),
        ("education.0", "Oregon State University"): (1, "Oregon State University"),
    }
    for key, (page, words) in expected.items():
        hit = hits[key]
        assert hit.page == page, key
        assert all(_inside(box, sizes[page]) for box in hit.boxes), key
        # Digits are what the number is matched by; the rectangle spans the number as
        # printed, from its first digit to its last.
        printed = words.strip("()") if key[0] == "phone" else words
        assert len(hit.boxes) == 1, key  # one line, one rectangle
        assert _words_in(resume, hit).replace(" ", "") == printed.replace(" ", ""), key


def test_the_name_is_outlined_above_the_contact_line(resume: Path) -> None:
    hits = {
        h.key: h
        for h in locate_in_pdf(
            resume, {"name": ["Maria Kowalski"], "email": ["maria.kowalski@example.org"]}
        )
    }
    assert hits["name"].boxes[0].bottom <= hits["email"].boxes[0].top


def test_a_skill_is_a_whole_word_in_the_skills_list_not_inside_another(resume: Path) -> None:
    hits = locate_in_pdf(resume, {"skills": ["Python", "SQL", "Go", "Airflow"]})
    by_value = {h.value: h for h in hits}
    assert set(by_value) == {"Python", "SQL", "Go", "Airflow"}
    assert _words_in(resume, by_value["Go"]).replace(" ", "") == "Go"  # not "Google"'s "Go"
    # Python is also in the summary on page 1; the list's own entry is the one shown.
    assert {h.page for h in hits} == {1}
    assert by_value["Python"].boxes[0].top == pytest.approx(by_value["SQL"].boxes[0].top, abs=2)


def test_a_parse_of_the_file_is_located_end_to_end(resume: Path) -> None:
    parsed = parse_file(resume).to_json()
    wanted = values_to_find(parsed)
    assert wanted["phone"] == ["+14155550142"]
    found = {h.key for h in locate_in_pdf(resume, wanted)}
    assert {"name", "email", "phone", "location", "skills", "employers.0"} <= found


def test_a_value_not_printed_is_left_out(resume: Path) -> None:
    assert locate_in_pdf(resume, {"name": ["Jane Nobody"], "phone": ["+442079460958"]}) == []


def test_text_offsets_fold_case_and_line_breaks() -> None:
    text = (
        "JOHN SMITH\nSenior Software\nEngineer at Acme\nPhone: 415.555.0142\nSkills: Go, Google Ads"
    )
    hits = locate_in_text(
        text,
        {
            "name": ["John Smith"],
            "current_title": ["Senior Software Engineer"],
            "phone": ["+14155550142"],
            "skills": ["Go", "Google Ads"],
        },
    )
    spans = {(h.key, h.value): text[h.start : h.end] for h in hits}
    assert spans == {
        ("name", "John Smith"): "JOHN SMITH",
        ("current_title", "Senior Software Engineer"): "Senior Software\nEngineer",
        ("phone", "+14155550142"): "415.555.0142",
        ("skills", "Go"): "Go",
        ("skills", "Google Ads"): "Google Ads",
    }
    go = next(h for h in hits if h.value == "Go")
    assert text[go.end] == ","  # the whole word, before "Google"


def test_an_entrys_parts_are_found_beside_each_other() -> None:
    text = (
        "Experience\nNVIDIA Research, Research Intern  2022\n- Trained models\n"
        "Google DeepMind, Research Intern  2021\n- Wrote papers\n"
    )
    hits = locate_in_text(text, {"employers.1": ["Google DeepMind", "Research Intern"]})
    spans = sorted((h.start, h.end) for h in hits)
    assert [text[a:b] for a, b in spans] == ["Google DeepMind", "Research Intern"]
    assert spans[1][0] - spans[0][1] == 2  # the title printed after this employer's ", "
