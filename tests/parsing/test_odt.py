"""OpenDocument text resumes, built here as real ODT packages, read into the parsed fields."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.parsing import ParseError, parse_file
from app.parsing import extract as extract_module

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/"
  manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NS}><office:styles>
 <style:style style:name="Standard" style:family="paragraph"/>
 <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"/>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
  style:parent-style-name="Heading"><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading"/>
</office:styles></office:document-styles>"""

BODY = """
<text:p text:style-name="P1">Dana Whitfield</text:p>
<text:p text:style-name="Standard">dana.whitfield@example.org<text:tab/>(415) 555-0134<text:s
 text:c="3"/>Portland, OR</text:p>
<text:p text:style-name="Standard"><text:a xlink:type="simple"
 xlink:href="https://www.linkedin.com/in/dana-whitfield-test">LinkedIn</text:a></text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Experience</text:h>
<text:p text:style-name="P2">Senior Data Engineer<text:tab/>Jan 2020 – Present</text:p>
<text:p text:style-name="Standard"><text:span text:style-name="T1">Northwind Analytics</text:span>,
 Portland, OR</text:p>
<text:list><text:list-item><text:p>Built streaming pipelines in Python and Kafka.</text:p>
</text:list-item><text:list-item><text:p>Cut warehouse costs by 30%.</text:p></text:list-item>
</text:list>
<text:p text:style-name="P2">Data Engineer<text:tab/>Jun 2016 – Dec 2019</text:p>
<text:p text:style-name="Standard">Contoso Retail, Seattle, WA</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Education</text:h>
<table:table table:name="Edu"><table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell><text:p>B.S. Computer Science, University of Oregon</text:p>
</table:table-cell><table:table-cell><text:p>2016</text:p></table:table-cell></table:table-row>
</table:table>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Skills</text:h>
<text:p text:style-name="Standard">Python, SQL, Kafka, Airflow, Docker</text:p>
<text:p text:style-name="Standard"><draw:frame draw:name="Box"><draw:text-box>
<text:p>References available on request</text:p></draw:text-box></draw:frame></text:p>
"""

CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_NS}>
<office:automatic-styles>
 <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>
 <style:style style:name="P2" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="T1" style:family="text">
  <style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:body><office:text>{BODY}</office:text></office:body></office:document-content>"""


def write_odt(path: Path, content: str = CONTENT, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )  # first and stored, as the format asks
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", STYLES, zipfile.ZIP_DEFLATED)
        for name, data in extra.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


def test_an_odt_resume_gives_its_fields(tmp_path: Path) -> None:
    parsed = parse_file(write_odt(tmp_path / "dana.odt"))
    assert parsed.media_type == "application/vnd.oasis.opendocument.text"
    assert parsed.name == "Dana Whitfield"
    assert parsed.emails == ("dana.whitfield@example.org",)
    assert parsed.phones == ("+14155550134",)
    assert parsed.links == ("linkedin.com/in/dana-whitfield-test",)  # from the link target
    assert parsed.current_title == "Senior Data Engineer"
    assert parsed.current_employer == "Northwind Analytics"
    employers = [(e.company, e.title, e.start, e.end) for e in parsed.employers]
    assert employers == [
        ("Northwind Analytics", "Senior Data Engineer", "2020-01", "present"),
        ("Contoso Retail", "Data Engineer", "2016-06", "2019-12"),
    ]
    assert [(e.institution, e.year) for e in parsed.education] == [("University of Oregon", "2016")]
    assert {"Python", "SQL", "Kafka", "Airflow", "Docker"} <= set(parsed.skills)


def test_odt_lines_carry_headings_bold_blocks_and_spaces(tmp_path: Path) -> None:
    extracted = extract_module.extract(write_odt(tmp_path / "dana.odt"))
    by_text = {line.text: line for line in extracted.lines}
    assert by_text["Dana Whitfield"].heading  # Title style, through an automatic style
    assert by_text["Experience"].heading and by_text["Experience"].bold
    assert by_text["Senior Data Engineer\tJan 2020 – Present"].bold
    assert not by_text["Contoso Retail, Seattle, WA"].bold
    assert by_text["• Cut warehouse costs by 30%."].new_block
    assert by_text["B.S. Computer Science, University of Oregon\t2016"].new_block
    assert by_text["References available on request"].heading  # a text box
    assert "dana.whitfield@example.org\t(415) 555-0134 Portland, OR" in by_text


def test_a_line_break_splits_a_paragraph(tmp_path: Path) -> None:
    body = "<text:p>Dana Whitfield<text:line-break/>Data Engineer</text:p>"
    content = CONTENT.replace(BODY, body)
    lines = extract_module.extract(write_odt(tmp_path / "a.odt", content)).lines
    assert [(line.text, line.new_block) for line in lines] == [
        ("Dana Whitfield", True),
        ("Data Engineer", False),
    ]


def test_a_corrupt_odt_is_refused_as_damaged(tmp_path: Path) -> None:
    path = write_odt(tmp_path / "broken.odt")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "corrupt"
    assert "broken.odt" in str(caught.value) and "damaged" in str(caught.value)


def test_malformed_content_xml_is_refused_as_damaged(tmp_path: Path) -> None:
    path = write_odt(tmp_path / "bad.odt", CONTENT.replace("</office:body>", ""))
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "corrupt"
    assert "damaged" in str(caught.value)


def test_an_odt_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = write_odt(tmp_path / "bomb.odt", **{"Pictures/fill.bin": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "too_large"
    assert "zip bomb" in str(caught.value)


def test_text_named_odt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.odt"
    path.write_text("Dana Whitfield\nData Engineer\n")
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "type"
    assert str(caught.value) == "notes.odt is not an OpenDocument text (it is plain text)."


def test_a_spreadsheet_named_odt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sheet.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", CONTENT)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert caught.value.kind == "type"
    assert "spreadsheet" in str(caught.value)
