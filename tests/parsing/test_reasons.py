"""Why a field's confidence is low, in plain words, decided where the confidence is."""

from __future__ import annotations

import pickle
from pathlib import Path

from app.parsing import ocr, parse_file
from app.parsing.result import ParsedResume


def _parse(tmp_path: Path, text: str, region: str = "US") -> ParsedResume:
    path = tmp_path / "resume.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path, default_region=region)


def test_missing_email_and_phone_say_so(tmp_path: Path) -> None:
    resume = _parse(tmp_path, "Jane Doe\nAustin, TX\n\nSkills\nPython, SQL\n")
    assert resume.emails == () and resume.confidence["emails"] == 0.0
    assert resume.reasons["emails"] == ("no e-mail address found",)
    assert resume.reasons["phones"] == ("no phone number found",)
    assert "skills" not in resume.reasons  # found: nothing to explain


def test_a_number_without_country_code_names_the_country_assumed(tmp_path: Path) -> None:
    local = _parse(tmp_path, "Jane Doe\njane@example.com | (512) 555-0142\n")
    assert local.phones == ("+15125550142",)
    assert local.reasons["phones"] == (
        "phone number without a country code — assumed United States",
    )
    assert local.confidence["phones"] < 0.95
    german = _parse(tmp_path, "Jana Weber\njana@example.de | 030 23125000\n", region="DE")
    assert german.reasons["phones"] == ("phone number without a country code — assumed Germany",)
    written = _parse(tmp_path, "Jane Doe\njane@example.com | +1 512 555 0142\n")
    assert "phones" not in written.reasons and written.confidence["phones"] == 0.95


def test_two_names_in_the_header_lower_the_confidence(tmp_path: Path) -> None:
    resume = _parse(tmp_path, "Jane Doe\nJohn Smith\njane@example.com\n")
    assert resume.name == "Jane Doe"
    assert resume.confidence["name"] < 0.6
    assert resume.reasons["name"] == ("two different names in the header (Jane Doe, John Smith)",)
    single = _parse(tmp_path, "Jane Doe\njane@example.com\n")
    assert "name" not in single.reasons and single.confidence["name"] == 0.9


def test_jobs_without_dates_are_counted(tmp_path: Path) -> None:
    resume = _parse(
        tmp_path,
        "Jane Doe\njane@example.com\n\nExperience\nData Engineer, Acme Corp\n"
        "- Built pipelines for reporting\nAnalyst, Beta Industries\n- Wrote weekly reports\n",
    )
    assert len(resume.employers) == 2
    assert "no dates found for 2 jobs" in resume.reasons["employers"]
    assert resume.confidence["employers"] < 0.6
    dated = _parse(
        tmp_path,
        "Jane Doe\njane@example.com\n\nExperience\nData Engineer, Acme Corp  2019 – Present\n"
        "- Built pipelines for reporting\n",
    )
    assert "employers" not in dated.reasons and dated.confidence["employers"] == 0.7


def test_ocr_adds_its_confidence_to_every_field() -> None:
    resume = ParsedResume(
        file="scan.png",
        name="Jane Doe",
        confidence={"name": 0.9, "emails": 0.0},
        reasons={"emails": ("no e-mail address found",)},
    )
    flagged = ocr.flag(resume, 0.62)
    assert flagged.reasons == {
        "name": ("read by OCR (confidence 62%)",),
        "emails": ("no e-mail address found", "read by OCR (confidence 62%)"),
    }


def test_reasons_survive_json_and_pickle_and_old_json_still_reads(tmp_path: Path) -> None:
    resume = _parse(tmp_path, "Jane Doe\nJohn Smith\n")
    assert resume.reasons
    again = ParsedResume.from_json(resume.to_json(), resume.text, resume.media_type)
    assert again.reasons == resume.reasons
    assert pickle.loads(pickle.dumps(resume)) == resume
    old = resume.to_json()
    del old["reasons"]  # stored before reasons were kept
    assert ParsedResume.from_json(old).reasons == {}
    assert ParsedResume.from_json({**old, "reasons": {"name": "not a list"}}).reasons == {}
