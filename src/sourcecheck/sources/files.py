"""One document file (.txt, .md, .html, .pdf) as a `SourceDocument`, through `sourcecheck.ingest`.

    doc = read_file("notes/yalta.md")
    doc.id == str(Path("notes/yalta.md").resolve()); doc.kind == "file"
"""

from __future__ import annotations

import os
from pathlib import Path

from sourcecheck.ingest import DEFAULT_MAX_CHARS, read_document
from sourcecheck.types import Precision, SourceDocument, TimeRef


def read_file(path: str | os.PathLike[str], *, max_chars: int = DEFAULT_MAX_CHARS) -> SourceDocument:
    """Read one document file; raises `sourcecheck.errors.InputError` (one-line message) if it cannot.

    The id is the absolute, symlink-resolved path (stable across working directories), the url
    its `file://` URI, the title the document's own (HTML <title>, Markdown heading, PDF metadata)
    or else the file name without its suffix, and `published` the date found in the document's
    metadata as a partial ISO date. Example: `read_file("a.md").published` may be `"1942-02"`.
    """
    doc = read_document(path, max_chars=max_chars)
    resolved = Path(path).resolve()
    return SourceDocument(
        id=str(resolved),
        title=doc.title or Path(path).stem or resolved.name,
        text=doc.text,
        url=resolved.as_uri(),
        published=iso_published(doc.published),
        kind="file",
    )


def iso_published(ref: TimeRef | None) -> str | None:
    """A date interval as the partial ISO date it amounts to: "1942-02-15", "1942-02", "1942" or None.

    Coarser intervals keep their year when they lie within one ("spring 1942" -> "1942"); a
    decade or an open interval gives None. Example: `iso_published(parse_date_value("Feb 1942"))`
    is `"1942-02"`.
    """
    if ref is None or ref.earliest is None or ref.latest is None:
        return None
    first, last = ref.earliest, ref.latest
    if ref.precision == Precision.DAY or first == last:
        return first.isoformat()
    if first.year != last.year:
        return None
    if ref.precision == Precision.MONTH or first.month == last.month:
        return f"{first.year:04d}-{first.month:02d}"
    return f"{first.year:04d}"
