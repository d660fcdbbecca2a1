"""JSONL sources: one JSON object a line, plain or compressed (.jsonl, .jsonl.gz, .jsonl.xz).

Each line is `{"id": ..., "title": ..., "text": ..., "url": ...?, "published": ...?}`; optional
`licence` (or `license`) and `attribution` travel into every quote. A bad line becomes a
`SourceError` naming `file:line` and the rest of the file is still read:

    for item in read_jsonl("articles.jsonl.gz"): ...
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
import lzma
import os
import re
import zlib
from typing import IO, Iterator

from sourcecheck.ingest import clean_text
from sourcecheck.sources import SourceError
from sourcecheck.types import SourceDocument

# Errors a compressed stream raises when it is corrupt or cut short.
STREAM_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)

_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_OPTIONAL_TEXT = ("url", "licence", "license", "attribution")


def open_binary(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a file for reading bytes, decompressing .gz, .xz and .bz2 on the fly by their suffix."""
    name = os.fspath(path).lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".xz"):
        return lzma.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def stream_problem(path: str | os.PathLike[str], exc: BaseException) -> str:
    """The one-line reason for a file that broke off while being read (truncated, corrupt, unreadable)."""
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        return f"{os.fspath(path)} ends early ({detail}); the download or copy is incomplete, fetch it again"
    if isinstance(exc, PermissionError):
        return f"cannot read {os.fspath(path)}: {detail}; check the file's permissions"
    return f"cannot read {os.fspath(path)}: {detail}; check that the file is complete and not corrupt"


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[SourceDocument | SourceError]:
    """Yield one `SourceDocument` (kind "jsonl") per good line and a `SourceError` per bad one.

    Blank lines are skipped. `text` is cleaned like a file's text (newlines, NFC, no control
    characters); `published` may be ISO ("1942-02") or written ("15 February 1942") and is stored
    as a partial ISO date. A repeated id is reported and its later line skipped. A file that
    breaks off (truncated .gz) yields what came before it and one `SourceError`.
    Example: `next(read_jsonl("a.jsonl")).id` is the first line's `id` as a string.
    """
    shown = os.fspath(path)
    first_line_of: dict[str, int] = {}
    number = 0
    try:
        with open_binary(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                where = f"{shown}:{number}"
                item = parse_line(raw, where, first_line=number == 1)
                if isinstance(item, SourceDocument):
                    earlier = first_line_of.setdefault(item.id, number)
                    if earlier != number:
                        item = SourceError(where, f"{where}: id {item.id!r} was already used on line {earlier}; "
                                                  "give every line its own id (this line was skipped)")
                yield item
    except STREAM_ERRORS as exc:
        where = f"{shown}:{number + 1}" if number else shown
        yield SourceError(where, stream_problem(path, exc))


def parse_line(raw: bytes, where: str, *, first_line: bool = False) -> SourceDocument | SourceError:
    """One JSONL line as a document, or the error that says what is wrong with it."""
    def bad(what: str) -> SourceError:
        return SourceError(where, f"{where}: {what}; fix or remove the line")

    try:
        line = raw.decode("utf-8-sig" if first_line else "utf-8")
    except UnicodeDecodeError as exc:
        return bad(f"not UTF-8 (byte {exc.start + 1} of the line); re-save the file as UTF-8, then")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return bad(f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return bad("JSON nested too deeply")
    if not isinstance(obj, dict):
        return bad(f"a JSON {type(obj).__name__}, not an object with id, title and text")
    missing = [k for k in ("id", "text") if obj.get(k) is None]
    if missing:
        return bad(f"no {' and no '.join(repr(k) for k in missing)} field (each line needs id, title and text)")
    ident, text, title = obj["id"], obj["text"], obj.get("title")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or not str(ident).strip():
        return bad(f"'id' must be a non-empty string or a number, not {json.dumps(ident)[:40]}")
    if not isinstance(text, str):
        return bad(f"'text' must be a string, not a JSON {type(text).__name__}")
    if title is not None and not isinstance(title, str):
        return bad(f"'title' must be a string, not a JSON {type(title).__name__}")
    for key in _OPTIONAL_TEXT:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return bad(f"{key!r} must be a string, not a JSON {type(obj[key]).__name__}")
    text = clean_text(text)
    if not text:
        return bad("'text' is empty")
    published = None
    if obj.get("published") is not None:
        published = normalise_published(obj["published"])
        if published is None:
            shown = json.dumps(obj["published"], ensure_ascii=False)[:40]
            return bad(f"'published' {shown} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    ident = str(ident).strip()
    return SourceDocument(
        id=ident,
        title=" ".join((title or "").split()) or ident,
        text=text,
        url=obj.get("url") or None,
        published=published,
        licence=obj.get("licence") or obj.get("license") or None,
        attribution=obj.get("attribution") or None,
        kind="jsonl",
    )


def normalise_published(value: object) -> str | None:
    """A date as a partial ISO string ("1942", "1942-02", "1942-02-15"), or None if it is not one.

    ISO dates (and ISO datetimes, whose date part is kept) are checked here; written dates go
    through `sourcecheck.dates.parse_date_value`. A bare number is a year. Example:
    `normalise_published("15 February 1942")` is `"1942-02-15"`.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    head = text.split("T", 1)[0] if "T" in text[:11] else text
    if _ISO_DATE.fullmatch(head):
        return _check_iso(head)
    from sourcecheck.dates import parse_date_value  # written dates only: it takes a while to import

    return _as_iso(parse_date_value(text))


def _check_iso(value: str) -> str | None:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return value if parts[0] >= 1 else None


def _as_iso(ref: object) -> str | None:
    from sourcecheck.sources.files import iso_published

    return iso_published(ref)  # type: ignore[arg-type]
