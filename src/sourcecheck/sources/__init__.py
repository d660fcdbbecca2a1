"""Evidence source readers: they turn files, JSONL, Wikipedia packs, dumps and the online
Wikipedia API into `SourceDocument`s, one at a time. Readers only yield; chunking, embedding and
storing are the importer's job.

    for item in read_sources(["notes/", "extra.jsonl", "pack:history"]):
        if isinstance(item, SourceError):
            print("warning:", item.reason)   # a bad file or line: skipped, counted, never fatal
        else:
            store.add(item)

What a path may be (`read_sources` picks the reader by the path alone):

    folder                     walked in sorted order; hidden files and folders are skipped
    .txt .md .html .htm .pdf   one document each, read by `sourcecheck.ingest.read_document`
    .jsonl .jsonl.gz .jsonl.xz one document a line: {"id", "title", "text", "url"?, "published"?}
    .xml .xml.bz2              a MediaWiki XML dump (`sourcecheck.sources.wikidump`)
    pack:starter               the 10,033 Wikipedia lead summaries (`starter_corpus`)
    pack:history               the 20th-century history pack (`history_pack`)

A file's id is its absolute path with symlinks resolved (`Path.resolve()`): the same file gets the
same id whatever the working directory or the spelling it was given under, so importing it again
replaces it instead of adding a copy. Its url is the matching `file://` URI.

Errors are values here, not exceptions: anything that cannot be read becomes a `SourceError`
with a one-line `reason` and the reading goes on with the next file or line. Only the reader
functions called directly (`starter_corpus`, `history_pack`, `WikipediaOnline.search`) raise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from sourcecheck.errors import InputNotFound

if TYPE_CHECKING:  # pragma: no cover
    from sourcecheck.types import SourceDocument

__all__ = [
    "SourceError",
    "PackNotFound",
    "read_sources",
    "source_kind",
    "starter_corpus",
    "history_pack",
    "read_dump",
    "wikitext_to_text",
    "read_jsonl",
    "read_file",
    "WikipediaOnline",
    "OnlineError",
    "OfflineError",
]


@dataclass(frozen=True)
class SourceError:
    """A source (file, JSONL line, dump) that could not be read; it was skipped.

    `source` locates it: a path, or "path:line" for one line of a JSONL file. `reason` is a
    complete one-line message that names the source, says what is wrong and what to do, fit to
    print after "warning: " as it is. Example:
    `SourceError("a.jsonl:3", "a.jsonl:3: not valid JSON (...); fix or remove the line")`.
    """

    source: str
    reason: str

    def __str__(self) -> str:
        return self.reason


class PackNotFound(InputNotFound):
    """A bundled corpus (the starter summaries or the history pack) is not where it should be."""


# The pseudo-paths of the bundled corpora, and the names of their files: a file with one of these
# names is read by the pack reader (with its ids, licence and attribution), not as plain JSONL.
PACK_NAMES = {"pack:starter": "starter", "pack:history": "history"}
HISTORY_PACK_FILES = frozenset(
    {
        "enwiki-history-1900-1991.jsonl.xz",
        "enwiki-2015-05_lowid_history.jsonl.gz",
        "enwiki-2018_newpages_history.jsonl.gz",
    }
)
STARTER_FILES = frozenset({"summaries_en-us.json", "summaries_en.json.gz"})

FILE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.xz", ".ndjson")
DUMP_SUFFIXES = (".xml", ".xml.bz2")

# Documents sourcecheck cannot read but that a user plausibly meant to import: reported when met
# in a folder (other files there, images or archives say, are passed over in silence).
_DOCUMENT_LIKE = {
    **dict.fromkeys((".docx", ".doc", ".docm", ".odt", ".rtf"), "a word-processor document"),
    **dict.fromkeys((".epub", ".mobi", ".azw3", ".djvu"), "an e-book"),
    **dict.fromkeys((".pptx", ".ppt", ".odp"), "a presentation"),
}


def source_kind(path: str | os.PathLike[str]) -> str | None:
    """The reader a path goes to by its name: "pack", "jsonl", "dump", "file" or None (unknown).

    Example: `source_kind("wiki/enwiki-latest-pages-articles1.xml.bz2")` is `"dump"`.
    """
    name = os.fspath(path)
    if name in PACK_NAMES:
        return "pack"
    base = os.path.basename(name)
    lower = base.lower()
    if base in HISTORY_PACK_FILES or base in STARTER_FILES:
        return "pack"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(DUMP_SUFFIXES):
        return "dump"
    if lower.endswith(FILE_SUFFIXES):
        return "file"
    return None


def read_sources(
    paths: Iterable[str | os.PathLike[str]], *, recursive: bool = True
) -> Iterator["SourceDocument | SourceError"]:
    """Yield a `SourceDocument` for every readable document under `paths`, a `SourceError` for the rest.

    Folders are walked in sorted order (into subfolders unless `recursive=False`), skipping hidden
    names; in a folder only the suffixes listed in this module's docstring are read. A path named
    explicitly with an unknown suffix is still tried as a text document. A file reached twice (named
    and inside a named folder) is read once. Nothing is held back: documents come out as they are
    read, so a 10,000-file folder or a 20 GB dump streams. Example:
    `[d.title for d in read_sources(["notes/"]) if not isinstance(d, SourceError)]`.
    """
    seen: set[str] = set()
    for given in paths:
        name = os.fspath(given)
        if name in PACK_NAMES and not os.path.exists(name):
            if name not in seen:
                seen.add(name)
                yield from _read_pack(PACK_NAMES[name], None, name)
            continue
        path = Path(name)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:  # a path too long, a permission denied on a parent
            yield SourceError(name, f"cannot read {name}: {exc.strerror or exc}; check the path")
            continue
        if not exists:
            yield SourceError(name, _not_found(path))
        elif is_dir:
            yield from _read_folder(path, recursive=recursive, seen=seen)
        else:
            yield from _read_one(path, seen=seen, explicit=True)


def _read_folder(folder: Path, *, recursive: bool, seen: set[str]) -> Iterator["SourceDocument | SourceError"]:
    def failed(exc: OSError) -> None:
        errors.append(SourceError(str(exc.filename or folder), f"cannot list {exc.filename or folder}: "
                                  f"{exc.strerror or exc}; check the folder's permissions"))

    errors: list[SourceError] = []
    for root, dirs, files in os.walk(folder, onerror=failed):
        yield from errors
        errors.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        for file in sorted(files):
            if file.startswith("."):
                continue
            yield from _read_one(Path(root) / file, seen=seen, explicit=False)
    yield from errors


def _read_one(path: Path, *, seen: set[str], explicit: bool) -> Iterator["SourceDocument | SourceError"]:
    key = _identity(path)
    if key in seen:
        return
    kind = source_kind(path)
    if kind is None and not explicit:
        what = _DOCUMENT_LIKE.get(path.suffix.lower())
        if what is not None:
            seen.add(key)
            yield SourceError(str(path), f"{path} is {what}, which sourcecheck does not read; "
                                         "convert it to .txt, .md, .html or .pdf")
        return
    seen.add(key)
    if kind is None and path.suffix.lower() == ".json":
        yield SourceError(str(path), f"{path} is JSON, which sourcecheck does not import; write one object a line "
                                     '({"id", "title", "text"}) to a .jsonl file instead')
        return
    if kind == "pack":
        which = "history" if path.name in HISTORY_PACK_FILES else "starter"
        yield from _read_pack(which, path, str(path))
    elif kind == "jsonl":
        from sourcecheck.sources.jsonl import read_jsonl

        yield from read_jsonl(path)
    elif kind == "dump":
        from sourcecheck.sources.wikidump import read_dump

        yield from read_dump(path)
    else:
        from sourcecheck.errors import InputError
        from sourcecheck.sources.files import read_file

        try:
            yield read_file(path)
        except InputError as exc:
            yield SourceError(str(path), str(exc))


def _read_pack(which: str, path: Path | None, shown: str) -> Iterator["SourceDocument | SourceError"]:
    from sourcecheck.errors import SourcecheckError
    from sourcecheck.sources import wikipedia_packs

    reader = wikipedia_packs.history_pack if which == "history" else wikipedia_packs.starter_corpus
    try:
        yield from reader(path)
    except SourcecheckError as exc:
        yield SourceError(shown, str(exc))


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:  # pragma: no cover - resolve() of an existing path seldom fails
        return os.path.abspath(path)


def _not_found(path: Path) -> str:
    import difflib

    parent = path.parent
    try:
        names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
    except OSError:
        names = []
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(str(parent / n) for n in close)}?)" if close else ""
    return f"{path} not found; check the path{hint}"


def __getattr__(name: str) -> Any:
    # Lazy re-exports: `import sourcecheck.sources` stays light (no httpx, no lzma work).
    modules = {
        "starter_corpus": "wikipedia_packs",
        "history_pack": "wikipedia_packs",
        "read_dump": "wikidump",
        "wikitext_to_text": "wikidump",
        "read_jsonl": "jsonl",
        "read_file": "files",
        "WikipediaOnline": "online",
        "OnlineError": "online",
        "OfflineError": "online",
    }
    if name in modules:
        import importlib

        return getattr(importlib.import_module(f"sourcecheck.sources.{modules[name]}"), name)
    raise AttributeError(f"module 'sourcecheck.sources' has no attribute {name!r}")
