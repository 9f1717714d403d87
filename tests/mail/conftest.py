"""Real SMTP servers on loopback for the mail tests (see `tests.mail.smtp_server`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mail.smtp_server import Certificate, SmtpTestServer, make_certificate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for localhost / 127.0.0.1, made once per test run."""
    return make_certificate(Path(tmp_path_factory.mktemp("smtp-cert")))


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """Plain SMTP, no authentication: a relay on the local machine."""
    with SmtpTestServer("none") as server:
        yield server


@pytest.fixture
def starttls_server(certificate: Certificate) -> Iterator[SmtpTestServer]:
    """STARTTLS required before MAIL, then AUTH LOGIN/PLAIN required (over TLS only)."""
    with SmtpTestServer("starttls", auth=True, certificate=certificate) as server:
        yield server


@pytest.fixture
def ssl_server(certificate: Certificate) -> Iterator[SmtpTestServer]:
    """Implicit TLS (the "SSL/TLS" setting, usually port 465) with AUTH required."""
    with SmtpTestServer("ssl", auth=True, certificate=certificate) as server:
        yield server
