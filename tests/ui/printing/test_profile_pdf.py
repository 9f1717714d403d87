"""The profile PDF read back with pdfplumber: a branded one shows the agency's name, colours
and logo and the whole record; a blind one shows none of the candidate's name, email, phone,
links or address, in its pages or its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from app.services.candidates.profile_document import ProfileOptions, profile_document
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import BrandingInput, save_branding
from app.ui.printing.profile_pdf import render_profile_pdf, write_profile_pdf
from tests.pdf_reading import hex_rgb, near, read_pdf
from tests.services.candidates import profile_world as w


@pytest.fixture
def world(ctx: ServiceContext, tmp_path: Path, qapp: QApplication) -> w.ProfileWorld:
    return w.build_world(ctx, tmp_path)


def _png(color: str) -> bytes:
    image = QImage(60, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_the_branded_profile_has_the_agency_name_colours_and_logo(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    save_branding(ctx, BrandingInput(w.AGENCY, w.PRIMARY, w.ACCENT, logo=_png("#ffcc00")))
    options = ProfileOptions(job_id=world.job_id, pitch="Ran the Kafka migration end to end.")
    pdf = read_pdf(render_profile_pdf(profile_document(ctx, world.candidate_id, options)))
    assert pdf.contains(w.AGENCY)
    # The band across the top of the page is the primary colour, nearly the page's width.
    primary, accent = hex_rgb(w.PRIMARY), hex_rgb(w.ACCENT)
    assert any(near(rgb, primary) and width > 500 for rgb, width, _ in pdf.rect_fills)
    # The rule over the footer is the accent colour; so are the name and the headings.
    assert any(near(rgb, accent) for rgb, _, _ in pdf.rect_fills)
    in_accent = "".join(t for rgb, t in pdf.char_fills.items() if near(rgb, accent))
    assert w.LAST in in_accent and "Experience" in in_accent
    # The agency's name is painted in white on the band.
    assert w.AGENCY.replace(" ", "") in pdf.char_fills[(255, 255, 255)].replace("\t", "")
    assert pdf.images == 1  # the logo, once on the one page
    for value in (w.FIRST, w.LAST, w.EMAIL, w.PHONE, w.ADDRESS, *w.LINKS, *w.EMPLOYERS):
        assert pdf.contains(value), value
    for value in ("Principal Data Engineer", "Halcyon Freight", "Kafka migration", "Leeds"):
        assert pdf.contains(value), value
    assert pdf.metadata["Title"] == f"Candidate profile: {w.FIRST} {w.MIDDLE} {w.LAST}"


def test_the_blind_profile_shows_nothing_that_identifies_the_candidate(
    ctx: ServiceContext, world: w.ProfileWorld, tmp_path: Path
) -> None:
    pitch = f"{w.FIRST} is the one: call {w.PHONE}, write {w.EMAIL}, see {w.LINKS[0]}."
    document = profile_document(
        ctx, world.candidate_id, ProfileOptions(blind=True, pitch=pitch, job_id=world.job_id)
    )
    out = tmp_path / "blind.pdf"
    write_profile_pdf(document, out)
    pdf = read_pdf(out.read_bytes())
    for secret in w.identifying_strings():
        assert not pdf.contains(secret), secret
        assert secret.casefold() not in str(pdf.metadata).casefold(), secret
    assert pdf.contains("P. M.") and pdf.contains("Blind candidate profile")
    assert pdf.contains(w.AGENCY) and pdf.contains("streaming platforms")
    assert pdf.contains(w.EMPLOYERS[0])  # employers stay unless asked otherwise
    assert list(tmp_path.glob(".*partial")) == []


def test_a_long_history_runs_over_pages_each_branded(
    ctx: ServiceContext, world: w.ProfileWorld
) -> None:
    pitch = "\n\n".join(f"Paragraph {n} of a long note on the candidate." for n in range(90))
    document = profile_document(ctx, world.candidate_id, ProfileOptions(pitch=pitch))
    pdf = read_pdf(render_profile_pdf(document))
    assert pdf.pages >= 2
    bands = [1 for rgb, width, _ in pdf.rect_fills if near(rgb, hex_rgb(w.PRIMARY)) and width > 500]
    assert len(bands) == pdf.pages
    assert pdf.contains(f"{pdf.pages} / {pdf.pages}") and pdf.contains("Paragraph 89")
    assert pdf.contains("Education")  # what follows the long note is not lost
