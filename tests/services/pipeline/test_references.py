"""Posting references without a database: the rules a reference follows, the ``JOB-n`` forms
kept for the mailbox's tag, and finding a reference in an email's subject."""

from __future__ import annotations

import pytest

from app.services.pipeline.references import check_reference, reference_in_subject, tag_clash


def _error(value: str | None) -> str | None:
    errors: dict[str, str] = {}
    check_reference(errors, "posting_reference", value)
    return errors.get("posting_reference")


@pytest.mark.parametrize("value", [None, "R7", "REQ-2026-014", "req_7.b/2#x", "1234", "A" * 40])
def test_good_references_pass(value: str | None) -> None:
    assert _error(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("R", "Use 2 to 40 characters."),
        ("A" * 41, "Use 2 to 40 characters."),
        ("REQ 7", "Use letters, digits and - _ . / # only (no spaces)."),
        ("REQ-7!", "Use letters, digits and - _ . / # only (no spaces)."),
        ("RÉQ-7", "Use letters, digits and - _ . / # only (no spaces)."),
        ("--", "A reference needs at least one letter or digit."),
        ("#/._", "A reference needs at least one letter or digit."),
    ],
)
def test_bad_references_are_refused(value: str, message: str) -> None:
    assert _error(value) == message


@pytest.mark.parametrize("reference", ["JOB-5", "job-5", "JOB5", "JOB#5", "Job-005"])
def test_the_tag_form_of_another_job_is_refused(reference: str) -> None:
    assert tag_clash(reference, 7) == (
        f"{reference} is how an email's subject names job #5 ([JOB-5]); choose another reference."
    )
    assert tag_clash(reference, None) is not None  # a new job: its number is not known yet


@pytest.mark.parametrize("reference", ["JOB-5-A", "JOBS-5", "XJOB-5", "JOB-1234567890"])
def test_other_references_with_job_in_them_are_fine(reference: str) -> None:
    assert tag_clash(reference, 7) is None


def test_a_job_may_use_its_own_tag_form() -> None:
    assert tag_clash("JOB-7", 7) is None


class TestReferenceInSubject:
    def test_a_whole_token_matches(self) -> None:
        subject = "Application for REQ-2026-014 – Jane Doe"
        assert reference_in_subject(subject, ["REQ-2026-014"]) == "REQ-2026-014"

    @pytest.mark.parametrize(
        "subject",
        [
            "REQ-2026-014",
            "(REQ-2026-014)",
            "Re: REQ-2026-014: my resume",
            "ref REQ-2026-014_Jane",  # an underscore is not a letter or digit
        ],
    )
    def test_bounded_by_the_ends_or_punctuation(self, subject: str) -> None:
        assert reference_in_subject(subject, ["REQ-2026-014"]) == "REQ-2026-014"

    @pytest.mark.parametrize(
        "subject",
        [
            "Application for REQ-2026-0145",
            "Application for XREQ-2026-014",
            "Application for REQ-2026-014b",
            "Application for REQ-2026-01",
            "Application for REQ 2026 014",
            "",
        ],
    )
    def test_part_of_a_longer_token_does_not_match(self, subject: str) -> None:
        assert reference_in_subject(subject, ["REQ-2026-014"]) is None

    def test_case_is_ignored_and_the_stored_spelling_returned(self) -> None:
        assert reference_in_subject("application req-2026-014", ["REQ-2026-014"]) == "REQ-2026-014"

    def test_the_longest_reference_wins(self) -> None:
        references = ["REQ-7", "REQ-7-B", "B"]
        assert reference_in_subject("About REQ-7-B please", references) == "REQ-7-B"
        assert reference_in_subject("About REQ-7-B please", reversed(references)) == "REQ-7-B"
        assert reference_in_subject("About REQ-7 please", references) == "REQ-7"

    def test_no_references(self) -> None:
        assert reference_in_subject("Application for REQ-7", []) is None
