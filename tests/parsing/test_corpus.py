"""Each generated resume in corpus/ parses to its truth file (see make_corpus.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.parsing import parse_file

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix != ".json")


def _truth(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 8, "run tests/parsing/make_corpus.py"
    assert {p.suffix for p in FILES} == {".pdf", ".docx", ".txt"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_contact_fields(path: Path) -> None:
    truth = _truth(path)
    parsed = parse_file(path)
    assert parsed.name == truth["name"]
    assert list(parsed.emails) == truth["emails"]
    assert list(parsed.phones) == truth["phones"]
    assert parsed.location == truth["location"]
    assert sorted(parsed.links) == sorted(truth["links"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_history_and_education(path: Path) -> None:
    truth = _truth(path)
    parsed = parse_file(path)
    assert [
        {"company": e.company, "title": e.title, "start": e.start, "end": e.end}
        for e in parsed.employers
    ] == truth["employers"]
    assert parsed.current_title == truth["employers"][0]["title"]
    assert parsed.current_employer == truth["employers"][0]["company"]
    assert [
        {"institution": e.institution, "degree": e.degree, "year": e.year} for e in parsed.education
    ] == truth["education"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_skills(path: Path) -> None:
    truth = _truth(path)
    assert list(parse_file(path).skills) == truth["skills"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_result_metadata(path: Path) -> None:
    parsed = parse_file(path)
    assert parsed.media_type
    assert parsed.text and _truth(path)["name"].split()[0] in parsed.text
    assert parsed.years_experience and parsed.years_experience > 1
    assert set(parsed.confidence) >= {"name", "emails", "phones", "employers", "skills"}
    assert all(0.0 <= v <= 1.0 for v in parsed.confidence.values())
