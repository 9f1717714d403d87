"""Legacy Word .doc: converted by LibreOffice when installed, else a clear refusal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import docx
import pytest

from app.parsing import ParseError, parse_file

# The magic number of an OLE compound file (what Word 97-2003 writes), then filler.
OLE_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _doc(tmp_path: Path) -> Path:
    path = tmp_path / "dana.doc"
    path.write_bytes(OLE_HEAD)
    return path


def _path_with(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("PATH", str(folder))


def test_without_libreoffice_or_antiword_a_doc_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    _path_with(monkeypatch, empty)
    with pytest.raises(ParseError) as caught:
        parse_file(_doc(tmp_path))
    assert caught.value.kind == "type"
    assert str(caught.value) == (
        "dana.doc: Legacy Word .doc needs LibreOffice (or antiword) installed to be read; "
        "save it as .docx or PDF."
    )


def test_a_doc_is_converted_by_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixture = tmp_path / "converted.docx"
    document = docx.Document()
    document.add_paragraph("Dana Whitfield")
    document.add_paragraph("dana.whitfield@example.org | (415) 555-0134")
    document.add_heading("Experience", level=1)
    document.add_paragraph("Data Engineer, Contoso Retail\tJun 2016 – Present")
    document.save(fixture)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args.txt"
    script = bin_dir / "soffice"
    # A stand-in for LibreOffice: records its arguments, writes the DOCX where asked.
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{log}"\n'
        'while [ "$#" -gt 0 ]; do\n'
        '  if [ "$1" = "--outdir" ]; then out="$2"; fi\n'
        '  last="$1"; shift\n'
        "done\n"
        'name=$(basename "$last" .doc)\n'
        f'cp "{fixture}" "$out/$name.docx"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    _path_with(monkeypatch, Path(os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])))
    parsed = parse_file(_doc(tmp_path))
    assert parsed.name == "Dana Whitfield"
    assert parsed.emails == ("dana.whitfield@example.org",)
    assert parsed.current_title == "Data Engineer"
    args = log.read_text().splitlines()
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "docx"
    assert any(a.startswith("-env:UserInstallation=file://") for a in args)


def test_a_failing_converter_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    _path_with(monkeypatch, bin_dir)
    with pytest.raises(ParseError) as caught:
        parse_file(_doc(tmp_path))
    assert caught.value.kind == "corrupt"
    assert "could not be loaded" in str(caught.value)


# A real Word 97-2003 file: the corpus DOCX saved as .doc by LibreOffice (see corpus/legacy/).
REAL_DOC = Path(__file__).resolve().parent / "corpus" / "legacy" / "maria_lopez_one-column.doc"
REAL_DOC_TRUTH = REAL_DOC.parents[1] / "maria_lopez_one-column.docx.json"


def _only_tool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tool: str) -> None:
    """Make ``tool`` the converter used: LibreOffice is preferred when installed, so for
    antiword the PATH holds only antiword (linked from the system)."""
    import shutil

    found = shutil.which(tool)
    assert found, f"{tool} is not installed: `make system-deps` installs it"
    if tool == "soffice":
        return
    folder = tmp_path / f"only-{tool}"
    folder.mkdir()
    (folder / tool).symlink_to(found)
    _path_with(monkeypatch, folder)


@pytest.mark.parametrize("tool", ["antiword", "soffice"])
def test_a_real_doc_reads_like_its_docx(
    tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    truth = json.loads(REAL_DOC_TRUTH.read_text(encoding="utf-8"))
    _only_tool(monkeypatch, tmp_path, tool)
    parsed = parse_file(REAL_DOC)
    assert parsed.media_type == "application/msword"
    assert parsed.name == truth["name"]
    assert list(parsed.emails) == truth["emails"]
    assert list(parsed.phones) == truth["phones"]
    assert parsed.location == truth["location"]
    assert [
        {"company": e.company, "title": e.title, "start": e.start, "end": e.end}
        for e in parsed.employers
    ] == truth["employers"]
    assert list(parsed.skills) == truth["skills"]
