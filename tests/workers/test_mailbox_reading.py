"""Reading a fetched message in a reader: its resumes saved where the importer wants them."""

from __future__ import annotations

import email.policy
import hashlib
from pathlib import Path

from app.parsing.result import ParsedResume
from app.workers.mailbox_reading import read_message
from tests.mail import messages


def _application() -> bytes:
    return messages.application(
        sender="Ada Lovelace <ada@example.org>",
        subject="Application",
        resume=messages.resume_text("Ada Lovelace", "ada@example.org"),
        filename="ada.txt",
    )


def test_resumes_are_staged_synced_and_hashed_in_the_folder_given(tmp_path: Path):
    staging = tmp_path / "documents" / ".incoming"  # not there yet: the reader makes it
    read = read_message(_application(), staging)
    assert read.folder is not None and read.folder.parent == staging
    assert len(read.files) == len(read.staged) == 1
    [path], [(digest, size)] = read.files, read.staged
    data = path.read_bytes()
    assert path.is_relative_to(staging) and path.name == "ada.txt"
    assert digest == hashlib.sha256(data).hexdigest() and size == len(data)
    assert isinstance(read.parsed[0], ParsedResume) and read.parsed[0].name == "Ada Lovelace"
    read.discard()
    assert not staging.exists()  # the reader's folder, and the staging folder left empty


def test_the_staging_folder_stays_while_another_message_is_in_it(tmp_path: Path):
    staging = tmp_path / ".incoming"
    first, second = read_message(_application(), staging), read_message(_application(), staging)
    first.discard()
    assert second.files[0].exists()
    second.discard()
    assert not staging.exists()


def test_without_a_staging_folder_resumes_go_to_a_temporary_folder_unhashed(tmp_path: Path):
    read = read_message(_application())
    try:
        assert read.folder is not None and not read.folder.is_relative_to(tmp_path)
        assert read.staged == () and read.files[0].exists()
    finally:
        read.discard()
    assert not read.folder.exists()


def test_two_resumes_of_one_name_are_both_kept_under_it(tmp_path: Path):
    """Attachments named alike but for case (one file on a case-blind disk) are two files."""
    message = email.message_from_bytes(_application(), policy=email.policy.default)
    message.add_attachment(  # type: ignore[attr-defined]
        messages.resume_text("Grace Hopper", "grace@example.org").encode(),
        maintype="text",
        subtype="plain",
        filename="ADA.txt",
    )
    read = read_message(bytes(message), tmp_path / ".incoming")
    try:
        assert [p.name for p in read.files] == ["ada.txt", "ADA.txt"]
        assert read.files[0].parent == read.folder  # the first needs no folder of its own
        assert read.files[0].parent != read.files[1].parent
        assert [r.name for r in read.parsed if isinstance(r, ParsedResume)] == [
            "Ada Lovelace",
            "Grace Hopper",
        ]
    finally:
        read.discard()
