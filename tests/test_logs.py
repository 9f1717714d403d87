"""The log file: rotation set-up and the secret-masking filter."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from app.logs import RedactSecrets, configure_logging


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("app.test", logging.INFO, __file__, 1, message, args or None, None)


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("login failed password=hunter2 for ada", "hunter2"),
        ("PASSWORD: hunter2", "hunter2"),
        ("sync token=abc.def.ghi done", "abc.def.ghi"),
        ("api_key = sk-12345", "sk-12345"),
        ("apikey:XYZ", "XYZ"),
        ("client secret=s3cr3t!", "s3cr3t!"),
    ],
)
def test_secrets_are_masked(message: str, secret: str):
    record = _record(message)
    assert RedactSecrets().filter(record) is True
    text = record.getMessage()
    assert secret not in text
    assert "***" in text


def test_secrets_in_arguments_are_masked():
    record = _record("connecting with %s to %s", "password=hunter2", "db.example")
    RedactSecrets().filter(record)
    assert record.getMessage() == "connecting with password=*** to db.example"


def test_ordinary_messages_are_untouched():
    record = _record("opened candidate %d", 42)
    RedactSecrets().filter(record)
    assert (record.msg, record.args) == ("opened candidate %d", (42,))
    assert record.getMessage() == "opened candidate 42"


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("app")
    saved = (list(logger.handlers), logger.level)
    yield logger
    for handler in logger.handlers:
        if handler not in saved[0]:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(saved[1])


def test_configure_logging_writes_masked_lines_to_the_file(
    tmp_path: Path, app_logger: logging.Logger
):
    log_file = tmp_path / "logs" / "hirebench.log"
    handler = configure_logging(log_file)
    assert isinstance(handler, RotatingFileHandler)
    logging.getLogger("app.services").info("user ada password=hunter2 signed in")
    handler.flush()
    content = log_file.read_text(encoding="utf-8")
    assert "user ada password=*** signed in" in content
    assert "hunter2" not in content


def test_configuring_twice_keeps_one_file_handler(tmp_path: Path, app_logger: logging.Logger):
    configure_logging(tmp_path / "one.log")
    second = configure_logging(tmp_path / "two.log")
    rotating = [h for h in app_logger.handlers if isinstance(h, RotatingFileHandler)]
    assert rotating == [second]
