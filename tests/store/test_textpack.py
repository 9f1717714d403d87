"""Packed document text as SQL reads it: the same text back, each packed value unpacked once
while it is among the last read."""

from __future__ import annotations

import sqlite3
import zlib

import pytest

from app.store import textpack
from app.store.textpack import RECENT_TEXT_MAX_BYTES, pack_text, register_text_function


@pytest.fixture
def connection():
    connection = sqlite3.connect(":memory:")
    register_text_function(connection)
    yield connection
    connection.close()


@pytest.fixture
def unpackings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a packed value was inflated (one entry per decompressor made)."""
    made: list[int] = []
    real = zlib.decompressobj

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(textpack.zlib, "decompressobj", counting)
    return made


def _read(connection: sqlite3.Connection, value: object) -> str | None:
    return connection.execute("SELECT hirebench_text(?)", (value,)).fetchone()[0]


def test_sql_reads_packed_plain_and_missing_text(connection):
    text = "Senior Engineer at Harbourline Capital\nPython, SQL, Kubernetes"
    assert _read(connection, pack_text(text)) == text
    assert _read(connection, text) == text  # a row from before texts were packed
    assert _read(connection, None) is None


def test_a_text_read_again_is_unpacked_once(connection, unpackings):
    first, second = pack_text("Jane Smith, resume one"), pack_text("Jane Smith, resume two")
    for _ in range(3):
        assert _read(connection, first) == "Jane Smith, resume one"
        assert _read(connection, second) == "Jane Smith, resume two"
    assert len(unpackings) == 2


def test_a_large_text_is_not_kept(connection, unpackings):
    large = pack_text(" ".join(str(n) for n in range(60_000)))  # digits pack poorly
    assert large is not None and len(large) > RECENT_TEXT_MAX_BYTES
    for _ in range(2):
        assert _read(connection, large).startswith("0 1 2 3")
    assert len(unpackings) == 2


def test_each_connection_keeps_its_own_texts(unpackings):
    packed = pack_text("Ana López, resume")
    for _ in range(2):
        connection = sqlite3.connect(":memory:")
        register_text_function(connection)
        assert _read(connection, packed) == "Ana López, resume"
        connection.close()
    assert len(unpackings) == 2


def test_an_unknown_packed_format_is_an_error_every_time(connection):
    for _ in range(2):
        with pytest.raises(sqlite3.OperationalError):
            _read(connection, b"\x07not a packed text")
