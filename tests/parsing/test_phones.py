"""International numbers written with the country code in parentheses, as (00cc) or with a
trunk "(0)", are read in their own country; a number whose country cannot be told is kept as
written; numbers valid in the default region keep being read in it. Resumes are written here
as text, DOCX and PDF."""

from __future__ import annotations

import html
from pathlib import Path

import docx
import pytest

from app.parsing import parse_file
from app.parsing.contacts import find_phones, header_segments
from tests.parsing.make_corpus import render_pdf

BODY = [
    "EXPERIENCE",
    "Platform Engineer, Fenwick Systems",
    "Jan 2020 - Present",
    "Built the billing pipeline.",
    "EDUCATION",
    "BSc Computer Science, University of Leeds, 2016",
]
CASES = [
    ("(+44) 20 7946 0958", "+442079460958"),
    ("(+91) 98765 43210", "+919876543210"),
    ("(+33) 1 23 45 67 89", "+33123456789"),
    ("(0044) 20 7946 0958", "+442079460958"),
    ("+44 (0) 20 7946 0958", "+442079460958"),
]


def _lines(phone: str) -> list[str]:
    return ["Alex Marlow", f"alex.marlow@example.org | {phone}", *BODY]


def write_txt(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    document.add_heading(lines[0], level=0)
    for line in lines[1:]:
        if line.isupper():
            document.add_heading(line.title(), level=1)
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    parts = [f"<h1>{html.escape(lines[0])}</h1>"]
    for line in lines[1:]:
        tag = "h2" if line.isupper() else "p"
        parts.append(f"<{tag}>{html.escape(line)}</{tag}>")
    render_pdf("<html><body>" + "".join(parts) + "</body></html>", path)
    return path


WRITERS = {"txt": write_txt, "docx": write_docx, "pdf": write_pdf}


@pytest.mark.parametrize("kind", ["txt", "docx"])
@pytest.mark.parametrize(("written", "e164"), CASES, ids=[c[0] for c in CASES])
def test_country_code_in_parentheses_is_read_in_its_country(
    tmp_path: Path, kind: str, written: str, e164: str
) -> None:
    path = WRITERS[kind](tmp_path / f"alex.{kind}", _lines(written))
    parsed = parse_file(path, default_region="US")
    assert list(parsed.phones) == [e164]


def test_pdf_with_a_parenthesised_country_code(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "alex.pdf", _lines("(+44) 20 7946 0958"))
    parsed = parse_file(path, default_region="US")
    assert list(parsed.phones) == ["+442079460958"]
    assert parsed.emails == ("alex.marlow@example.org",)


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_a_us_number_stays_us(tmp_path: Path, kind: str) -> None:
    path = WRITERS[kind](tmp_path / f"us.{kind}", _lines("(312) 555-0187"))
    assert list(parse_file(path, default_region="US").phones) == ["+13125550187"]


def test_a_number_valid_in_the_default_region_is_read_in_it(tmp_path: Path) -> None:
    path = write_txt(tmp_path / "gb.txt", _lines("020 7946 0958"))
    assert list(parse_file(path, default_region="GB").phones) == ["+442079460958"]


@pytest.mark.parametrize(
    ("written", "region"),
    [("98765 43210", "US"), ("020 7946 0958", "US"), ("(312) 555-0187", "GB")],
)
def test_a_number_of_unknown_country_is_kept_as_written(
    tmp_path: Path, written: str, region: str
) -> None:
    path = write_txt(tmp_path / "unknown.txt", _lines(written))
    assert list(parse_file(path, default_region=region).phones) == [written]


def test_an_explicit_plus_one_is_not_changed_by_another_region() -> None:
    assert find_phones(header_segments(["+1 415 555 0142"]), "GB") == ["+14155550142"]


def test_the_prefix_stays_with_its_number_in_the_header_items() -> None:
    segs = header_segments(["a@b.io | (+44) 20 7946 0958 | London, UK"])
    assert "+44 20 7946 0958" in segs
    assert "(+44)" not in segs


def test_a_year_range_is_not_a_number() -> None:
    assert find_phones(["2019 - 2021", "2015 – 2018"], "US") == []


def test_a_number_alone_on_a_line_outside_the_header_is_found(tmp_path) -> None:
    """Themes put the contact block in a sidebar or at the end, without a "Phone" label."""
    from app.parsing import parse_file

    path = tmp_path / "resume.txt"
    path.write_text(
        "Ana Ruiz\nData Engineer\n\nEXPERIENCE\nAcme Labs, Data Engineer, 2020 - 2024\n\n"
        "SKILLS\nPython, SQL, Airflow\n\nana@example.org\n+34 658 629 119\n",
        encoding="utf-8",
    )
    assert list(parse_file(path).phones) == ["+34658629119"]


def test_a_month_year_range_is_not_a_number() -> None:
    """ "12/2022 - 08/2026" holds ten digits in phone-like groups."""
    assert find_phones(["12/2022 - 08/2026\tAtlas Cargo Pte Ltd"], "US") == []


def test_a_country_code_before_a_one_digit_group_stays_with_its_number() -> None:
    segs = header_segments(["+31 6 50417370 femke@example.com Amsterdam, Netherlands"])
    assert "+31 6 50417370" in segs
    assert find_phones(segs, "US") == ["+31650417370"]


@pytest.mark.parametrize("label", ["Phone: ", "Tel. ", "Mobile: ", "M: "])
def test_a_labelled_number_of_unknown_country_is_kept_as_written(label: str) -> None:
    """A UK mobile read in the US region does not validate; the label must not hide it."""
    assert find_phones([f"{label}07700 900629"], "US") == ["07700 900629"]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("44 (20) 7946 0958", "44 (20) 7946 0958"),
        ("Tel 44 (20) 7946 0958", "44 (20) 7946 0958"),
        ("London | 44 (20) 7946-0958", "44 (20) 7946-0958"),
        ("Phone: 91 (98765) 43210", "91 (98765) 43210"),
    ],
)
def test_a_country_code_without_plus_is_never_read_as_the_default_region(
    line: str, kept: str
) -> None:
    """The matcher takes "(20) 7946 0958" alone, a valid US number (+1 207 …): with the
    country's code written before it, the number is that country's, so it is kept as
    written rather than stored in the wrong country."""
    assert find_phones([line], "US") == [kept]


@pytest.mark.parametrize(
    "line", ["Room 7 (415) 555-0132", "Zip 94105 (415) 555-0132", "1 (415) 555-0132"]
)
def test_digits_before_a_us_number_that_are_not_a_country_code_leave_it_alone(
    line: str,
) -> None:
    assert find_phones([line], "US") == ["+14155550132"]
