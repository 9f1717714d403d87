"""Bad input gives ParseError with the right kind and a message naming the file."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from app.parsing import ParseError, parse_file
from app.parsing import extract as extract_module

CORPUS = Path(__file__).resolve().parent / "corpus"
BAD = CORPUS / "bad"


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("corrupt.pdf", "corrupt", "damaged"),
        ("encrypted.pdf", "encrypted", "password"),
        ("empty.pdf", "empty", "empty"),
        ("empty.txt", "empty", "empty"),
        ("scanned.pdf", "scanned", "scanned — no text"),
        ("bomb.docx", "too_large", "zip bomb"),
        ("picture.pdf", "type", "image"),
    ],
)
def test_bad_files(name: str, kind: str, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(BAD / name)
    assert caught.value.kind == kind
    assert name in str(caught.value)
    assert words in str(caught.value)


def test_a_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(tmp_path)
    assert caught.value.kind == "unreadable"
    assert "folder" in str(caught.value)


def test_a_broken_link_is_unreadable(tmp_path: Path) -> None:
    link = tmp_path / "resume.pdf"
    link.symlink_to(tmp_path / "gone.pdf")
    with pytest.raises(ParseError) as caught:
        parse_file(link)
    assert caught.value.kind == "unreadable"


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(tmp_path / "nothing.docx")
    assert caught.value.kind == "unreadable"


@pytest.mark.parametrize(
    ("source", "name", "message"),
    [
        (BAD / "notes.docx", "fake.docx", "fake.docx is not a Word document (it is plain text)."),
        (BAD / "notes.docx", "fake.pdf", "fake.pdf is not a PDF document (it is plain text)."),
        (BAD / "notes.docx", "fake.rtf", "fake.rtf is not an RTF document (it is plain text)."),
        (
            CORPUS / "maria_lopez_one-column.pdf",
            "resume.txt",
            "resume.txt is not a text file (it is a PDF document).",
        ),
        (
            CORPUS / "maria_lopez_one-column.docx",
            "resume.pdf",
            "resume.pdf is not a PDF document (it is a Word document).",
        ),
        (
            CORPUS / "maria_lopez_one-column.pdf",
            "resume.docx",
            "resume.docx is not a Word document (it is a PDF document).",
        ),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    tmp_path: Path, source: Path, name: str, message: str
) -> None:
    """Read by its content anyway, a note saved as .docx became a blank candidate."""
    copy = tmp_path / name
    shutil.copy(source, copy)
    with pytest.raises(ParseError) as caught:
        parse_file(copy)
    assert caught.value.kind == "type"
    assert str(caught.value) == message


def test_rtf_in_a_text_file_is_read_as_rtf(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text(r"{\rtf1\ansi Ana P\'e9rez\par ana@example.com\par}")
    parsed = parse_file(path)
    assert (parsed.media_type, parsed.name) == ("application/rtf", "Ana Pérez")


def test_a_document_without_a_known_extension_is_read_by_its_content(tmp_path: Path) -> None:
    copy = tmp_path / "resume"
    shutil.copy(CORPUS / "maria_lopez_one-column.pdf", copy)
    parsed = parse_file(copy)
    assert (parsed.media_type, parsed.name) == ("application/pdf", "Maria Lopez")


def test_a_zip_that_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "type"
    assert "archive.docx is not a Word document (it is a zip archive" in str(caught.value)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "resume.bin"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "type"


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ParseError) as caught:
        parse_file(CORPUS / "maria_lopez_one-column.pdf")
    assert caught.value.kind == "too_large"
    assert "too large" in str(caught.value)


def test_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_PAGES", 0)
    with pytest.raises(ParseError) as caught:
        parse_file(CORPUS / "maria_lopez_one-column.pdf")
    assert caught.value.kind == "too_large"
    assert "pages" in str(caught.value)


def test_legacy_encodings_and_rtf(tmp_path: Path) -> None:
    latin = tmp_path / "cv.txt"
    latin.write_bytes(
        "José Müller\njose.muller@example.com\n\nSKILLS\nPython, Français, Straße\n".encode(
            "cp1252"
        )
    )
    parsed = parse_file(latin)
    assert parsed.name == "José Müller"
    assert "Straße" in parsed.skills
    rtf = tmp_path / "cv.rtf"
    rtf.write_text(
        r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Ana P\'e9rez\par ana@example.com\par"
        r"\par SKILLS\par Excel, SQL\par}"
    )
    parsed = parse_file(rtf)
    assert parsed.name == "Ana Pérez"
    assert parsed.emails == ("ana@example.com",)
    assert parsed.skills == ("Excel", "SQL")


def test_rtf_unicode_escapes_drop_their_stand_in_characters(tmp_path: Path) -> None:
    """``\\uN`` is followed by \\ucN stand-ins (``?`` or ``\\'fc``) for old readers: LibreOffice
    writes "M\\u252\\'fcnchen"; the stand-in must not double the letter."""
    from app.parsing.extract import extract

    path = tmp_path / "resume.rtf"
    path.write_text(
        r"{\rtf1\ansi\uc1 Anna M\u252\'fcller\par M\u252\'fcnchen \u8211? Germany\par"
        r"{\uc0 Ren\u233 e}\par}",
        encoding="ascii",
    )
    assert extract(path).text.splitlines() == ["Anna Müller", "München – Germany", "Renée"]
