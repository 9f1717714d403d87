"""Document text stored compressed (zlib), read back as text by Python and by SQL.

A resume's text is only read whole: to show it, to review it, to index it again. Stored
compressed it takes about a third of the space; a search never reads it (the full-text index
holds the words). Format 1 is a first byte 0x01 and a raw deflate stream primed with a
dictionary of words most resumes share (`app.store.textpack_words`): 35 % of the text's size
instead of 42 % for plain zlib on the benchmark's resumes. Older rows, and rows copied by
recovery from an older file, may still hold plain text, so every reader takes either form.

SQL reaches the text through the application-defined function ``hirebench_text(text)``, which
every Hirebench connection registers (`register_text_function`): the candidate index's
triggers call it to index a resume. Another program that opens the file (the sqlite3 shell)
can read every table, but a write that would re-index a candidate fails there with "no such
function: hirebench_text" and changes nothing; that is deliberate: the index can never miss
a change made behind Hirebench's back.
"""

from __future__ import annotations

import functools
import sqlite3
import zlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.store.textpack_words import DICTIONARY_V1

TEXT_FUNCTION = "hirebench_text"
LEVEL = 6  # zlib's default: level 9 saves nothing measurable here at twice the time
# The SQL function keeps the texts it unpacked last (see `register_text_function`): this many,
# each at most this large packed, so a connection holds a few megabytes at most.
RECENT_TEXTS = 64
RECENT_TEXT_MAX_BYTES = 64 * 1024
FORMAT_1 = b"\x01"
_DICTIONARY_1 = DICTIONARY_V1.encode("utf-8")


def pack_text(text: str | None) -> bytes | None:
    """``text`` as stored: format 1 (UTF-8, deflated with the preset dictionary)."""
    if text is None:
        return None
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY_1)
    return FORMAT_1 + packer.compress(text.encode("utf-8")) + packer.flush()


def unpack_text(value: bytes | str | None) -> str | None:
    """The stored value as text: packed (bytes) or plain (older rows)."""
    if value is None or isinstance(value, str):
        return value
    if value[:1] != FORMAT_1:
        raise ValueError("document text in an unknown packed format")
    unpacker = zlib.decompressobj(-15, _DICTIONARY_1)
    return (unpacker.decompress(value[1:]) + unpacker.flush()).decode("utf-8")


def register_text_function(connection: sqlite3.Connection) -> None:
    """Make ``hirebench_text`` available to SQL (and so to triggers) on ``connection``.

    A write that changes a candidate derives their search row twice (taken out of the index
    as it was, put back as it is), each time reading every resume they have: the function
    keeps the texts it unpacked last, per connection, so each is decompressed once."""
    connection.create_function(TEXT_FUNCTION, 1, _recent_texts_unpacker(), deterministic=True)


def _recent_texts_unpacker() -> Callable[[bytes | str | None], str | None]:
    """`unpack_text` that remembers the last `RECENT_TEXTS` small packed values it read."""
    remembered = functools.lru_cache(maxsize=RECENT_TEXTS)(unpack_text)

    def unpack(value: bytes | str | None) -> str | None:
        if isinstance(value, bytes) and len(value) <= RECENT_TEXT_MAX_BYTES:
            return remembered(value)
        return unpack_text(value)

    return unpack


class PackedText(TypeDecorator[str]):
    """A text column stored compressed: Python code sees ``str`` as before."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return pack_text(value) if isinstance(value, str) else value

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return unpack_text(value)
