"""The rotating log file. It never holds secrets or resume text: callers log ids, not content,
and a filter masks anything that looks like a credential as a last line of defence."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

SECRET_PATTERN = re.compile(r"(?i)\b(password|passwd|secret|token|api[_-]?key)\b(\s*[=:]\s*)\S+")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = SECRET_PATTERN.sub(r"\1\2***", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class QuietRotatingFileHandler(RotatingFileHandler):
    """A log that cannot be written (a full disk) drops the record instead of printing a
    traceback over the user's one-line error message."""

    def handleError(self, record: logging.LogRecord) -> None:
        return


def configure_logging(log_file: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the ``app`` loggers to a rotating file (1 MB × 5)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = QuietRotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("app")
    for old in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
