"""`sourcecheck compare`: the behaviour behind the command.

    sourcecheck compare essay-1942.md polemic.html            # topics, who says what, relations
    sourcecheck compare a.md b.md c.md --json > cmp.json        # comparison.topics[], .timeline[]
    sourcecheck compare a.md b.md --store store.db             # also check each claim's evidence

Without `--store` nothing but the documents is read: claims are extracted and compared with each
other (no evidence store needed). With `--store` the run is `sourcecheck check` on the files, whose
report carries the same comparison section (over the check-worthy claims only).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .errors import UsageError
from .types import Report


def compare_report(
    files: list[str], *, store_path: Path | None, published: str | None, max_chars: int, silent: bool, err: TextIO = sys.stderr,
) -> Report:
    """The report `sourcecheck compare` prints: claims and comparison (and verdicts with a store)."""
    if len(files) < 2:
        raise UsageError(f"compare needs at least two documents, got {len(files)}; give two or more files (or '-' for one of them)")
    if files.count("-") > 1:
        raise UsageError("standard input ('-') can be given only once")
    from .render import progress_printer

    progress = None if silent else progress_printer(err)
    if store_path is not None:
        from .checking import check

        return check(files, store_path=store_path, published=published, max_chars=max_chars, progress=progress,
                     warn=lambda line: err.write(f"warning: {line}\n"))
    from .comparison import compare

    return compare(files, published=published, max_chars=max_chars, progress=progress)


def compare_command(
    files: list[str], *, as_json: bool, store_path: Path | None, published: str | None, max_chars: int, silent: bool, err: TextIO = sys.stderr,
) -> str:
    """Run `sourcecheck compare`; returns the text to write (the JSON report or the tables)."""
    report = compare_report(files, store_path=store_path, published=published, max_chars=max_chars, silent=silent, err=err)
    if as_json:
        return report.model_dump_json(indent=2) + "\n"
    from .render_comparison import render_comparison

    return render_comparison(report)
