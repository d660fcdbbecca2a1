"""`sourcecheck corpus add | list | stats | remove`: the behaviour behind the commands.

    sourcecheck corpus add notes/ extra.jsonl dump.xml.bz2
    sourcecheck corpus add pack:starter pack:history --embed-budget 300
    sourcecheck corpus list --json
    sourcecheck corpus stats
    sourcecheck corpus remove wikipedia:12345

Imports stream: a bad file is skipped with a warning on stderr and counted in the summary, and
never stops the import. A progress bar (count, rate, ETA) goes to stderr unless `-s`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .errors import InputNotFound, UsageError


def resolve_store_path(store_path: Path | None) -> Path:
    from .store import default_store_path

    return Path(store_path) if store_path is not None else Path(default_store_path())


def _open(store_path: Path | None, *, create: bool) -> Any:
    from .store import open_store

    path = resolve_store_path(store_path)
    if not create and not path.exists():
        raise InputNotFound(f"no evidence store at {path}; add sources first with: sourcecheck corpus add PATH (or make run)")
    return open_store(path)


class ProgressBar:
    """One self-rewriting line on stderr: count, rate and ETA; a final newline when done."""

    def __init__(self, stream: TextIO, *, min_interval: float = 0.2) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self._last = 0.0
        self._shown = False

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        finished = progress.total is not None and progress.done >= progress.total
        if now - self._last < self.min_interval and not finished:
            return
        self._last = now
        width = 30
        if progress.total:
            filled = int(width * min(1.0, progress.done / progress.total))
            bar = "#" * filled + "-" * (width - filled)
            count = f"{progress.done:,}/{progress.total:,}"
        else:
            bar, count = "", f"{progress.done:,}"
        eta = f" ETA {progress.eta_s:,.0f}s" if progress.eta_s is not None else ""
        bar = f"[{bar}] " if bar else ""
        line = f"\r{progress.phase:6} {bar}{count} {progress.unit} · {progress.rate:,.1f}/s · {progress.passages:,} passages, {progress.vectors:,} vectors{eta}"
        self.stream.write(line[:160].ljust(100))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


def corpus_add(paths: list[str], *, store_path: Path | None, embed: bool, embed_budget: float | None, silent: bool, out: TextIO, err: TextIO, as_json: bool = False) -> int:
    """Import files, folders, JSONL, dumps and packs into the store; exit code 0, or 1 if nothing was read."""
    from .importer import import_documents
    from .sources import read_sources

    if not paths:
        raise UsageError("give at least one PATH (a file, a folder, a .jsonl, a .xml dump, pack:starter or pack:history)")
    if embed_budget is not None and embed_budget < 0:
        raise UsageError(f"--embed-budget must be zero or more seconds, not {embed_budget}")
    store = _open(store_path, create=True)
    bar = None if silent else ProgressBar(err)
    warn: Callable[[str], None] = (lambda line: None) if silent else (lambda line: err.write(f"warning: {line}\n"))
    try:
        def documents() -> Any:
            for item in read_sources(paths):
                if not hasattr(item, "text"):
                    if bar is not None:
                        bar.close()
                    warn(str(getattr(item, "reason", item)))
                yield item

        embed_setting: bool | float = embed if embed_budget is None else float(embed_budget)
        summary = import_documents(store, documents(), embed=embed_setting, progress=bar)
    finally:
        if bar is not None:
            bar.close()
        store.close()
    if as_json:
        out.write(summary.model_dump_json() + "\n")
    else:
        out.write(
            f"{summary.added:,} added, {summary.replaced:,} replaced, {summary.unchanged:,} unchanged, "
            f"{summary.skipped:,} skipped, {summary.failed:,} failed; {summary.passages:,} passages, "
            f"{summary.vectors:,} embedded, in {summary.seconds:,.1f}s → {resolve_store_path(store_path)}\n"
        )
    read_any = summary.added + summary.replaced + summary.unchanged
    return 0 if read_any or not (summary.skipped + summary.failed) else 1


def corpus_list(*, store_path: Path | None, kind: str | None, as_json: bool, out: TextIO) -> int:
    store = _open(store_path, create=False)
    try:
        for info in store.sources(kind=kind):
            if as_json:
                out.write(info.model_dump_json() + "\n")
            else:
                out.write(f"{info.id}\t{info.kind}\t{info.passages}\t{info.title}\n")
    finally:
        store.close()
    return 0


def corpus_stats(*, store_path: Path | None, as_json: bool, out: TextIO) -> int:
    store = _open(store_path, create=False)
    try:
        stats = store.stats()
    finally:
        store.close()
    if as_json:
        out.write(json.dumps({"store": str(resolve_store_path(store_path)), **stats.model_dump()}) + "\n")
        return 0
    out.write(f"store      {resolve_store_path(store_path)}\n")
    out.write(f"sources    {stats.sources:,}  ({', '.join(f'{k}: {v:,}' for k, v in sorted(stats.by_kind.items()))})\n")
    out.write(f"passages   {stats.passages:,}  ({stats.passages_with_vectors:,} with vectors, model {stats.embedding_model or '-'})\n")
    out.write(f"text       {stats.chars:,} characters; {stats.bytes_on_disk / 1e6:,.1f} MB on disk\n")
    return 0


def corpus_remove(source_ids: list[str], *, store_path: Path | None, out: TextIO) -> int:
    if not source_ids:
        raise UsageError("give the id of at least one source to remove (see: sourcecheck corpus list)")
    store = _open(store_path, create=False)
    missing = []
    try:
        for source_id in source_ids:
            if store.remove_source(source_id):
                out.write(f"removed {source_id}\n")
            else:
                missing.append(source_id)
    finally:
        store.close()
    if missing:
        raise InputNotFound(f"no source with id {', '.join(map(repr, missing))} in the store; see: sourcecheck corpus list")
    return 0
