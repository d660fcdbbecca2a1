"""Read a document (.txt, .md, .html, .pdf or standard input) into a `Document`.

`Document.text` is the clean text every later offset points into: markup is removed here, once
(Markdown syntax, HTML tags and page furniture, PDF page breaks), newlines are `\\n`, paragraphs
are separated by one blank line. Each way a file can be unreadable raises its own `InputError`
with a one-line message that names the file and says what to do.

    doc = read_document("essay.md", published="1946-03-05")
    doc = document_from_text("The war ended in 1945.", title="Note")
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
import html
import io
import logging
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from sourcecheck.encoding import decode_bytes, declared_html_charset, sniff_binary
from sourcecheck.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputIsDirectory,
    InputNotFound,
    InputTooLarge,
    SourcecheckError,
    UndecodableInput,
    UnsupportedFormat,
    UsageError,
)
from sourcecheck.types import DateBasis, Document, Precision, TimeRef

DEFAULT_MAX_CHARS = 5_000_000
# A raw file over max(RAW_BYTES_PER_CHAR * max_chars, MIN_RAW_LIMIT) bytes is refused unread:
# even HTML seldom needs 20 bytes of markup per character of text.
RAW_BYTES_PER_CHAR = 20
MIN_RAW_LIMIT = 50_000_000

_FORMATS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf",
}
SUPPORTED_EXTENSIONS = tuple(_FORMATS)
_SUPPORTED_LIST = ", ".join(SUPPORTED_EXTENSIONS)
_UNSUPPORTED = {
    **dict.fromkeys((".docx", ".doc", ".docm", ".dotx"), "a Word document"),
    **dict.fromkeys((".odt", ".ott", ".fodt"), "an OpenDocument text"),
    **dict.fromkeys((".rtf",), "an RTF document"),
    **dict.fromkeys((".epub", ".mobi", ".azw", ".azw3", ".djvu"), "an e-book"),
    **dict.fromkeys((".xlsx", ".xls", ".ods", ".csv", ".tsv"), "a spreadsheet"),
    **dict.fromkeys((".pptx", ".ppt", ".odp", ".key", ".pages"), "a presentation or layout file"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"), "an image"),
    **dict.fromkeys(
        (".mp3", ".wav", ".ogg", ".flac", ".m4a", ".mp4", ".mkv", ".avi", ".mov", ".webm"), "an audio or video file"
    ),
    **dict.fromkeys((".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar"), "an archive"),
    **dict.fromkeys((".exe", ".dll", ".so", ".dylib", ".bin", ".o", ".class", ".pyc", ".wasm"), "a program or binary"),
    **dict.fromkeys((".sqlite", ".db"), "a database"),
}
_STDIN_NAME = "<stdin>"


@dataclass
class _Extracted:
    """Text pulled out of one input, before it becomes a Document."""

    text: str
    meta: dict[str, str]
    title: str | None = None
    dates: list[tuple[str, str]] = field(default_factory=list)  # (value, where found)


def document_id(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of `text` in UTF-8: same text, same id.

    Example: `document_id("")` is `"e3b0c44298fc1c14"`.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def document_from_text(
    text: str,
    *,
    source: str = "<text>",
    title: str | None = None,
    published: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Document:
    """A Document from text already in memory; the text is cleaned as a file's would be.

    Example: `document_from_text("It ended in 1945.\\r\\n", published="1946").text` is
    `"It ended in 1945."` with `published_basis == "given"`.
    """
    _check_max_chars(max_chars)
    given = _parse_published(published)
    extracted = _Extracted(text=text, meta={"format": "text"})
    return _build(extracted, source=source, shown=_shown(source), title=title, given=given, max_chars=max_chars)


def read_document(
    source: str | os.PathLike[str],
    *,
    published: str | None = None,
    title: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: BinaryIO | None = None,
) -> Document:
    """Read a .txt/.md/.html/.htm/.pdf file, or '-' for standard input (read from `stdin` if given, else sys.stdin.buffer).

    `published` (YYYY, YYYY-MM, YYYY-MM-DD or a written date) overrides any date in the page's
    metadata; `title` overrides any title found. Example:
    `read_document("speech.html").published_note` may be `"from <meta property=article:published_time>"`.
    """
    _check_max_chars(max_chars)
    given = _parse_published(published)
    if os.fspath(source) == "-":
        extracted = _read_stdin(stdin, max_chars)
        shown = "standard input"
        return _build(extracted, source=_STDIN_NAME, shown=shown, title=title, given=given, max_chars=max_chars)
    name = os.fspath(source)
    shown = _shown(name)
    extracted = _read_path(Path(name), shown, max_chars)
    return _build(extracted, source=name, shown=shown, title=title, given=given, max_chars=max_chars)


# --- building the Document -------------------------------------------------------------------


def _build(
    extracted: _Extracted, *, source: str, shown: str, title: str | None, given: TimeRef | None, max_chars: int
) -> Document:
    text = clean_text(extracted.text)
    if not text:
        if extracted.meta.get("format") in ("html", "stdin-html"):
            raise EmptyInput(
                f"{shown} has no article text once scripts, navigation and page furniture are removed; "
                "save the article's text as .txt and pass that"
            )
        raise EmptyInput(f"{shown} contains only whitespace; pass a document with text in it")
    if len(text) > max_chars:
        raise InputTooLarge(
            f"{shown} has {len(text):,} characters of text, over the limit of {max_chars:,}; "
            "split it into smaller files or raise the limit with --max-chars"
        )
    basis: DateBasis | None = None
    note = None
    published = given
    if given is not None:
        basis, note = "given", "given with --published"
    else:
        for value, where in extracted.dates:
            published = _parse_date(value)
            if published is not None:
                basis, note = "metadata", where
                break
    return Document(
        id=document_id(text),
        text=text,
        source=source,
        title=_clean_title(title) or extracted.title,
        published=published,
        published_basis=basis,
        published_note=note,
        meta=extracted.meta,
    )


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff\ue000\ue001]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Newlines to `\\n`, NFC, no control characters or trailing spaces, one blank line at most.

    Page breaks (form feeds) and Unicode paragraph separators become paragraph breaks. Nothing
    inside a line changes but its Unicode normal form.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n\n")
    text = unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    return re.sub(r"\s+", " ", title).strip() or None


def _check_max_chars(max_chars: int) -> None:
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise UsageError(f"--max-chars must be a positive whole number, not {max_chars!r}")


def _shown(name: str) -> str:
    """The name as a message shows it: quoted if it has spaces or characters that break a line."""
    if any(not c.isprintable() for c in name):
        return repr(name)
    return f"'{name}'" if " " in name else name


# --- dates -----------------------------------------------------------------------------------


def _parse_published(value: str | None) -> TimeRef | None:
    if value is None:
        return None
    parsed = _parse_date(value) if value.strip() else None
    if parsed is None:
        raise UsageError(f"--published {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return parsed


def _parse_date(value: str) -> TimeRef | None:
    """`sourcecheck.dates.parse_date_value` (ISO and written dates) when it exists, else ISO only."""
    value = value.strip()
    parse = _date_parser()
    parsed = parse(value) if parse is not None else None
    return parsed if parsed is not None else _parse_iso(value)


def _date_parser() -> Callable[[str], TimeRef | None] | None:
    try:
        from sourcecheck.dates import parse_date_value
    except ImportError as exc:
        if exc.name != "sourcecheck.dates":
            raise  # sourcecheck.dates is there but broken: say so, do not hide it
        return None
    return parse_date_value


_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def _parse_iso(value: str) -> TimeRef | None:
    """YYYY, YYYY-MM, YYYY-MM-DD or an ISO datetime (its date as written, not moved to UTC)."""
    match = _ISO.fullmatch(value)
    if match is None:
        return None
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    try:
        if day is not None and month is not None:
            earliest = latest = dt.date(year, month, day)
            precision = Precision.DAY
        elif month is not None:
            earliest = dt.date(year, month, 1)
            latest = dt.date(year, month, calendar.monthrange(year, month)[1])
            precision = Precision.MONTH
        else:
            earliest, latest = dt.date(year, 1, 1), dt.date(year, 12, 31)
            precision = Precision.YEAR
    except ValueError:
        return None
    return TimeRef(text=value, start=0, end=len(value), earliest=earliest, latest=latest, precision=precision)


# --- reading bytes ---------------------------------------------------------------------------


def _raw_limit(max_chars: int) -> int:
    return max(RAW_BYTES_PER_CHAR * max_chars, MIN_RAW_LIMIT)


def _too_large_raw(shown: str, size: int | None, max_chars: int) -> InputTooLarge:
    limit = f"{_raw_limit(max_chars) / 1e6:,.0f} MB"
    size_text = f" ({size / 1e6:,.0f} MB)" if size is not None else ""
    return InputTooLarge(
        f"{shown}{size_text} is too large to read: with a limit of {max_chars:,} characters of text, "
        f"inputs over {limit} are refused; split it into smaller files or raise the limit with --max-chars"
    )


def _read_path(path: Path, shown: str, max_chars: int) -> _Extracted:
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputNotFound(f"{shown} not found; check the path{_did_you_mean(path)}") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {exc.strerror or exc}; check the path and its permissions") from None
    if stat.S_ISDIR(info.st_mode):
        raise _is_directory(shown)
    suffix = path.suffix.lower()
    if suffix in _UNSUPPORTED:
        raise UnsupportedFormat(
            f"{shown} is {_UNSUPPORTED[suffix]} ({suffix}), which sourcecheck does not read; "
            f"convert it to .txt or .pdf (supported: {_SUPPORTED_LIST})"
        )
    if stat.S_ISREG(info.st_mode) and info.st_size > _raw_limit(max_chars):
        raise _too_large_raw(shown, info.st_size, max_chars)
    try:
        with open(path, "rb") as handle:
            data = _read_capped(handle, _raw_limit(max_chars))
    except IsADirectoryError:
        raise _is_directory(shown) from None
    except PermissionError as exc:
        raise InputError(f"cannot read {shown}: {exc.strerror}; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {exc.strerror or exc}; check the file and try again") from None
    if data is None:
        raise _too_large_raw(shown, None, max_chars)
    if not data:
        raise EmptyInput(f"{shown} is empty; pass a document with text in it")
    fmt = _FORMATS.get(suffix)
    if fmt == "pdf" or (fmt is None and data.startswith(b"%PDF-")):
        return _read_pdf(data, shown, max_chars)
    binary = sniff_binary(data)
    if binary is not None:
        hint = "; rename it to .pdf" if binary == "a PDF" else "; convert it to .txt or .pdf first"
        raise BinaryInput(f"{shown} looks like {binary}, not text{hint}")
    text, encoding = _decode(data, shown, fmt)
    if fmt is None:
        from sourcecheck.html_text import looks_like_html

        fmt = "html" if looks_like_html(text) else "txt"
    meta = {"format": fmt, "encoding": encoding, "bytes": str(len(data))}
    return _extract_text_format(text, fmt, meta)


def _is_directory(shown: str) -> InputIsDirectory:
    return InputIsDirectory(f"{shown} is a directory; pass one of the files in it (.txt, .md, .html or .pdf)")


def _read_stdin(stdin: BinaryIO | None, max_chars: int) -> _Extracted:
    shown = "standard input"
    stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("there is no standard input to read; pass a file path instead of '-'")
    try:
        data = _read_capped(stream, _raw_limit(max_chars))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {shown}: {exc}; pass a file path instead of '-'") from None
    if data is None:
        raise _too_large_raw(shown, None, max_chars)
    if not data:
        raise EmptyInput("standard input is empty; pipe a document into sourcecheck or pass a file path")
    binary = sniff_binary(data)
    if binary is not None:
        hint = "pass the file's path instead of '-'" if binary == "a PDF" else "convert it to .txt or .pdf first"
        raise BinaryInput(f"{shown} looks like {binary}, not text; {hint}")
    text, encoding = _decode(data, shown, None)
    from sourcecheck.html_text import looks_like_html

    kind = "html" if looks_like_html(text) else "txt"
    meta = {"format": "stdin-html" if kind == "html" else "stdin-text", "encoding": encoding, "bytes": str(len(data))}
    return _extract_text_format(text, kind, meta)


def _read_capped(stream: BinaryIO, limit: int) -> bytes | None:
    """All of `stream`, or None as soon as it is longer than `limit` bytes (a FIFO, /dev/zero)."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if isinstance(chunk, str):  # a text stream passed by mistake: its text is what was meant
            chunk = chunk.encode("utf-8")
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None


def _decode(data: bytes, shown: str, fmt: str | None) -> tuple[str, str]:
    declared = declared_html_charset(data) if fmt in (None, "html") else None
    decoded = decode_bytes(data, declared=declared)
    if decoded is None:
        raise UndecodableInput(
            f"{shown} is not text in any encoding sourcecheck can recognise (UTF-8, UTF-16/32 with a "
            "byte-order mark, or a legacy code page); re-save it as UTF-8"
        )
    return decoded


def _did_you_mean(path: Path) -> str:
    parent = path.parent
    try:
        names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(str(parent / n) for n in close)}?)" if close else ""


# --- text formats ----------------------------------------------------------------------------


def _extract_text_format(text: str, kind: str, meta: dict[str, str]) -> _Extracted:
    if kind == "html":
        from sourcecheck.html_text import extract_html

        page = extract_html(text)
        if page.url:
            meta["url"] = page.url
        return _Extracted(text=page.text, meta=meta, title=page.title, dates=page.dates)
    if kind == "md":
        return _markdown(text, meta)
    cleaned = clean_text(text)
    return _Extracted(text=cleaned, meta=meta, title=_txt_title(cleaned))


_SENTENCE_END = ".!?…:;,"


def _txt_title(text: str) -> str | None:
    """The first line, if it reads as a title: short, no closing punctuation, a blank line after."""
    first, sep, rest = text.partition("\n\n")
    if not sep or "\n" in first or not rest.strip():
        return None
    line = first.strip()
    if not line or len(line) >= 100 or not any(c.isalpha() for c in line):
        return None
    if line.rstrip("\"'”’»)]")[-1:] in tuple(_SENTENCE_END):
        return None
    return line


# Markdown: markup that is not prose goes; the words stay.
_MD_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_MD_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_MD_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)")
_MD_REF_DEF = re.compile(r" {0,3}\[(?!\^)[^\]]+\]:\s*\S+.*")
_MD_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^[^\]]+\]:\s*")
_MD_QUOTE = re.compile(r"^(?: {0,3}>[ \t]?)+")
_MD_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_MD_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*")
_MD_COMMENT = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.S | re.I)
_MD_FRONT = re.compile(r"---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
_URL_PART = r"(?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*"
# Emphasis may run over a soft line break, never over a blank line.
_SPAN = r"((?:[^\n]|\n(?![ \t]*\n))+?)"
_MD_INLINE = (
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"!\[[^\]]*\]\(" + _URL_PART + r"\)"), ""),  # images
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote marks
    (re.compile(r"\[([^\]]*)\]\(" + _URL_PART + r"\)"), r"\1"),  # links keep their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"(?<![\w*])\*\*(?=\S)" + _SPAN + r"(?<=\S)\*\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)" + _SPAN + r"(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])" + _SPAN + r"(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?=[^\s_])" + _SPAN + r"(?<=[^\s_])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)" + _SPAN + r"(?<=\S)~~"), r"\1"),
)
_MD_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def _markdown(raw: str, meta: dict[str, str]) -> _Extracted:
    """Markdown to prose: headings, emphasis, link targets, images, code blocks, HTML go."""
    raw = clean_text(raw)
    title, dates = None, []
    front = _MD_FRONT.match(raw)
    # "---" also opens a plain thematic break: front matter it is only if it starts with a key.
    if front and re.match(r"\s*[A-Za-z_][\w-]*\s*:", front.group(1)):
        fields = _front_matter(front.group(1))
        title = _clean_title(fields.get("title"))
        keys = ("date", "published", "pubdate")
        dates = [(fields[key], f"from front matter {key}") for key in keys if fields.get(key)]
        raw = raw[front.end() :]
    raw = _MD_COMMENT.sub("", raw)

    out: list[str] = []
    fence = None
    for line in raw.split("\n"):
        if fence is not None:
            closing = line.strip()
            if closing.startswith(fence) and set(closing) == {fence[0]}:
                fence = None
            out.append("")  # code is not prose
            continue
        opening = _MD_FENCE.match(line)
        if opening:
            fence = opening.group(1)
            out.append("")
            continue
        if _MD_RULE.fullmatch(line):
            if line.strip().startswith("=") and out and out[-1].strip() and title is None:
                title = _md_inline(out[-1].strip())  # a setext heading's underline
            out.append("")
            continue
        heading = _MD_ATX.fullmatch(line)
        if heading:
            words = (heading.group(2) or "").strip()
            if heading.group(1) == "#" and title is None and words:
                title = _md_inline(words)
            out.extend(["", words, ""])
            continue
        if _MD_REF_DEF.fullmatch(line) or _MD_TABLE_RULE.fullmatch(line):
            out.append("")
            continue
        line = _MD_FOOTNOTE_DEF.sub("", line, count=1)
        line = _MD_LIST.sub("", _MD_QUOTE.sub("", line))
        if line.lstrip().startswith("|"):
            line = re.sub(r"\s*\|\s*", " | ", line.strip().strip("|")).strip()
        out.append(line.strip().removesuffix("\\"))
    return _Extracted(text=_md_inline("\n".join(out)), meta=meta, title=title, dates=dates)


def _md_inline(text: str) -> str:
    """Inline Markdown to plain text; code spans and backslash escapes are kept literally."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\ue000{len(kept) - 1}\ue001"

    text = _MD_CODE_SPAN.sub(lambda m: keep(m.group(2).strip()), text)
    text = _MD_ESCAPE.sub(lambda m: keep(m.group(1)), text)
    for _ in range(3):  # nested emphasis, links inside emphasis
        before = text
        for pattern, replacement in _MD_INLINE:
            text = pattern.sub(replacement, text)
        if text == before:
            break
    text = html.unescape(text)  # &amp; &mdash; as CommonMark reads them
    return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)


def _front_matter(block: str) -> dict[str, str]:
    """`key: value` lines of a YAML front matter block (flat scalars only; quotes removed)."""
    fields = {}
    for line in block.split("\n"):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if match and match.group(2):
            fields[match.group(1).lower()] = match.group(2).strip("\"'")
    return fields


# --- PDF -------------------------------------------------------------------------------------

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
)
_UNREADABLE = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0e-\x1f]")
_JUNK_TITLE = re.compile(r"^(untitled|microsoft \w+ - .*|.*\.(docx?|odt|pdf|rtf|txt|indd|tex|qxd))$", re.I)


def _read_pdf(data: bytes, shown: str, max_chars: int) -> _Extracted:
    """The text layer of a PDF via pypdf, pages joined; errors of any kind become ours."""
    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # warnings about repaired cross-reference tables are noise
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt(reader):
            raise UnsupportedFormat(
                f"{shown} is an encrypted PDF; remove its password (e.g. `qpdf --decrypt in.pdf out.pdf`) "
                "and pass the decrypted file"
            )
        pages: list[str] = []
        unreadable: list[str] = []
        total = 0
        for number, page in enumerate(reader.pages, start=1):
            try:
                page_text = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - one broken page should not lose the others
                unreadable.append(str(number))
                continue
            pages.append(page_text)
            total += len(page_text)
            if total > 2 * max_chars:  # over the limit whatever cleaning removes: stop reading
                raise InputTooLarge(
                    f"{shown} has more than {max_chars:,} characters of text; "
                    "split it into smaller files or raise the limit with --max-chars"
                )
        title = _pdf_title(reader)
    except SourcecheckError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of error on broken files
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise UnsupportedFormat(
            f"{shown} is not a readable PDF ({reason}); re-export it as PDF or save its text as .txt"
        ) from None
    finally:
        pypdf_log.setLevel(level)
    if not pages and not unreadable:
        raise UnsupportedFormat(f"{shown} is a PDF with no pages; re-export it as PDF or save its text as .txt")
    text = _join_pages(pages).translate(_LIGATURES).replace("\u00ad\n", "").replace("\u00ad", "")
    visible = re.sub(r"\s+", "", text)
    if not visible:
        raise UnsupportedFormat(
            f"{shown} has no text layer (a scanned PDF?); run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) "
            "and pass the result"
        )
    if len(_UNREADABLE.findall(visible)) > 0.3 * len(visible):
        raise UnsupportedFormat(
            f"{shown} has a text layer that does not map to Unicode characters; run OCR on it "
            "(e.g. `ocrmypdf --force-ocr in.pdf out.pdf`) and pass the result"
        )
    meta = {"format": "pdf", "bytes": str(len(data)), "pages": str(len(pages) + len(unreadable))}
    if unreadable:
        meta["pages_unreadable"] = ", ".join(unreadable)
    return _Extracted(text=text, meta=meta, title=title)


def _decrypt(reader: object) -> bool:
    """Open a PDF encrypted with an empty user password (only editing restricted): common."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - e.g. AES without the optional crypto package
        return False


def _join_pages(pages: list[str]) -> str:
    """Pages joined by a paragraph break, or by a newline when a sentence runs on to the next page."""
    parts: list[str] = []
    for page in pages:
        page = page.strip()
        if not page:
            continue
        if parts:
            ends_sentence = parts[-1].rstrip("\"'”’)]")[-1:] in tuple(".!?:…")
            parts.append("\n\n" if ends_sentence else "\n")
        parts.append(page)
    return "".join(parts)


def _pdf_title(reader: object) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a broken info dictionary is no reason to fail
        return None
    title = _clean_title(title if isinstance(title, str) else None)
    return None if title is None or _JUNK_TITLE.match(title) else title
