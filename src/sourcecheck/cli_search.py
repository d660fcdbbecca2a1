"""`sourcecheck search`: the behaviour behind the command, as a plain function the CLI calls.

    sourcecheck search "Hitler-Stalin pact" --k 5
    sourcecheck search "Stalingrad" --between 1942 1943 --json
    sourcecheck search --queries claims.jsonl --json > results.jsonl

One query prints a table (or, with `--json`, one JSON object). Batch mode reads JSON lines
`{"id": ..., "query": "..."}` (a file, or "-" for standard input) and writes one line
`{"id": ..., "results": [...]}` per query, loading the models once and embedding the queries in
batches. Each result is a `SearchHit`: `passage_id`, `source_id`, `title`, `url`, `text`, `start`,
`end` (offsets of `text` in the source's text), `score` and the ranks it had in the BM25 and dense
lists, plus `rank` (1 = best).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import InputIsDirectory, InputNotFound, UsageError
from .retrieval import MODES, Retriever, TextEmbedder, open_default_store
from .store import Between, EvidenceStore
from .types import SearchHit

BATCH_SIZE = 64
OPEN_SIDE = ("", "*", "..")


def parse_between(between: tuple[str, str] | None) -> Between | None:
    """`--between A B` as a `Between`: from the earliest day of A to the latest day of B.

    Either side may be "*" (or empty) for no bound. "1942 1943" is 1942-01-01..1943-12-31.
    """
    if between is None:
        return None
    from .dates import parse_date_value

    first, second = between
    bounds = []
    for value, side in ((first, "earliest"), (second, "latest")):
        if value.strip() in OPEN_SIDE:
            bounds.append(None)
            continue
        ref = parse_date_value(value)
        if ref is None:
            raise UsageError(f"cannot read {value!r} as a date for --between; use forms like 1942, 1942-02, 1942-02-15 or 'February 1942' (or * for no bound)")
        bounds.append(getattr(ref, side))
    earliest, latest = bounds
    if earliest is None and latest is None:
        return None
    if earliest is not None and latest is not None and latest < earliest:
        raise UsageError(f"--between {first} {second}: the end ({latest}) is before the start ({earliest})")
    return Between(earliest=earliest, latest=latest)


def hit_json(hit: SearchHit, rank: int) -> dict[str, Any]:
    """One result as JSON: the hit's fields plus its rank (1 = best)."""
    return {"rank": rank, **hit.model_dump(mode="json")}


def open_jsonl(path: Path, what: str = "queries") -> TextIO:
    """A JSONL input file, opened now so that a wrong path fails before any store is opened."""
    if str(path) == "-":
        return sys.stdin
    if not path.exists():
        raise InputNotFound(f"{what} file {path} does not exist")
    if path.is_dir():
        raise InputIsDirectory(f"{what} file {path} is a directory; give a .jsonl file")
    return open(path, encoding="utf-8")


def read_jsonl_items(handle: TextIO, name: str, field: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(id, object) per non-blank JSON line whose `field` is a string; the id defaults to the
    line number. A bad line stops the run with its file name and line number."""
    try:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{name}:{line_no}: not a JSON object ({exc.msg}); each line must be {{\"id\": ..., \"{field}\": \"...\"}}") from None
            if not isinstance(item, dict) or not isinstance(item.get(field), str):
                raise UsageError(f"{name}:{line_no}: each line must be a JSON object with a string \"{field}\" (and an \"id\")")
            yield item.get("id", line_no), item
    finally:
        if handle is not sys.stdin:
            handle.close()


def _read_queries(handle: TextIO, name: str) -> Iterator[tuple[Any, str]]:
    """(id, query) per non-blank JSON line."""
    for qid, item in read_jsonl_items(handle, name, "query"):
        yield qid, item["query"]


def _batches(items: Iterator[tuple[Any, str]], size: int) -> Iterator[list[tuple[Any, str]]]:
    batch: list[tuple[Any, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def render_hits(query: str, hits: list[SearchHit], *, width: int = 140) -> str:
    """Results as a plain-text table: rank, score, title, offsets and the passage text."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    console.print(f"search: {query}")
    if not hits:
        console.print("  no passages found")
        return buffer.getvalue()
    table = Table(expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("where", no_wrap=True)
    table.add_column("passage", ratio=6)
    for n, hit in enumerate(hits, 1):
        text = hit.text if len(hit.text) <= 300 else hit.text[:297] + "..."
        table.add_row(str(n), f"{hit.score:.4g}", hit.title, f"{hit.start}-{hit.end}", text)
    console.print(table)
    return buffer.getvalue()


def _default_path() -> Path | None:
    from . import store as store_module

    default = getattr(store_module, "default_store_path", None)
    return Path(default()) if default is not None else None


def search_command(
    query: str | None,
    *,
    queries_file: Path | None,
    k: int,
    as_json: bool,
    between: tuple[str, str] | None,
    store_path: Path | None,
    mode: str,
    out: TextIO,
    store: EvidenceStore | None = None,
    embedder: TextEmbedder | None = None,
) -> int:
    """Run `sourcecheck search`; returns the exit code. Problems raise `SourcecheckError`s with a
    one-line message (the CLI prints it and exits with its code).

    `store`/`embedder` inject a store and an embedder (tests); otherwise the store at `store_path`
    (or the default store) is opened and the shared MiniLM embedder loaded when needed.
    """
    if (query is None) == (queries_file is None):
        raise UsageError("give either a QUERY or --queries FILE.jsonl (not both)")
    if query is not None and not query.strip():
        raise UsageError("the query is empty; give some words to search for")
    if mode not in MODES:
        raise UsageError(f"unknown --mode {mode!r}; expected one of: {', '.join(MODES)}")
    if k < 1:
        raise UsageError(f"--k must be at least 1, got {k}")
    window = parse_between(between)
    queries = _read_queries(open_jsonl(queries_file), str(queries_file)) if queries_file is not None else None

    owned = store is None
    if store is None:
        path = Path(store_path) if store_path is not None else _default_path()
        if path is not None and not path.exists():
            raise InputNotFound(f"no evidence store at {path}; import sources into it first (sourcecheck corpus ...)")
        store = open_default_store(path)
    retriever = Retriever(store, embedder=embedder)
    try:
        if queries is None:
            assert query is not None
            hits = retriever.search(query, k=k, between=window, mode=mode)  # type: ignore[arg-type]
            if as_json:
                payload = {
                    "query": query, "k": k, "mode": mode,
                    "between": window.model_dump(mode="json") if window else None,
                    "results": [hit_json(h, n) for n, h in enumerate(hits, 1)],
                }
                out.write(json.dumps(payload, ensure_ascii=False) + "\n")
            else:
                out.write(render_hits(query, hits))
            return 0
        for batch in _batches(queries, BATCH_SIZE):
            results = retriever.search_many([q for _, q in batch], k=k, between=window, mode=mode)  # type: ignore[arg-type]
            for (qid, q), hits in zip(batch, results):
                if as_json:
                    out.write(json.dumps({"id": qid, "results": [hit_json(h, n) for n, h in enumerate(hits, 1)]}, ensure_ascii=False) + "\n")
                else:
                    out.write(f"[{qid}] " + render_hits(q, hits) + "\n")
            out.flush()
        return 0
    finally:
        retriever.close()
        if owned:
            store.close()
