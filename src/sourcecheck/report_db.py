"""Finished reports, kept in the `reports` table of the evidence store's SQLite file.

The web app (`sourcecheck serve`) saves every check it runs here, so past reports survive a
restart and live beside the evidence they were judged against. The table comes from migration 3
of `sourcecheck.sqlite_schema`; the report itself is stored as compressed JSON and returned as
it was saved, so the API serves it without parsing it again.

    >>> db = ReportDB("store.db")                              # doctest: +SKIP
    >>> summary = db.add(report, title="Deutscher, 1942")
    >>> db.list(limit=20, offset=0)
    ([ReportSummary(id='3f2a...', title='Deutscher, 1942', ...)], 1)
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from pydantic import Field

from .sqlite_connections import ThreadConnections
from .sqlite_schema import migrate
from .types import Frozen, Label, Report

_COUNT_COLUMNS = {
    Label.SUPPORTED: "supported",
    Label.REFUTED: "refuted",
    Label.NOT_ENOUGH_EVIDENCE: "not_enough_evidence",
    Label.CONFLICTING: "conflicting",
}
_SUMMARY = "id, title, created, documents, claims, " + ", ".join(_COUNT_COLUMNS.values())
TITLE_CHARS = 200


class ReportSummary(Frozen):
    """What a list of reports shows: no document text, no evidence."""

    id: str
    title: str
    created: dt.datetime
    documents: int
    claims: int = Field(description="claims with a verdict")
    counts: dict[str, int] = Field(description="claims per verdict label")


def report_title(report: Report, given: str | None = None) -> str:
    """The title a report is listed under: the one given, else its documents' titles or sources,
    else the opening words of its first document.

    Example: a report on one pasted text "The war ended in 1945. ..." without a title is listed
    as "The war ended in 1945. ...".
    """
    title = (given or "").strip()
    if not title:
        names = [d.title or ("" if d.source.startswith("<") else Path(d.source).name) for d in report.documents]
        title = "; ".join(n for n in names if n)
    if not title and report.documents:
        title = " ".join(report.documents[0].text.split()[:12])
    title = " ".join(title.split()) or "Untitled report"
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def verdict_counts(report: Report) -> dict[Label, int]:
    """How many claims got each label (claims without a verdict are not counted)."""
    counts = dict.fromkeys(Label, 0)
    for document in report.documents:
        for claim in document.claims:
            if claim.verdict is not None:
                counts[claim.verdict.label] += 1
    return counts


class ReportDB:
    """Reports in an SQLite file (normally the evidence store's own); safe to share between threads.

    Each thread gets its own connection (SQLite connections must not be used by two threads at
    once); WAL mode lets the web app list reports while a check reads the evidence.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self._connections = ThreadConnections(self.path, timeout=timeout)
        migrate(self._conn())

    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def add(self, report: Report, *, title: str | None = None, created: dt.datetime | None = None) -> ReportSummary:
        """Save a report under a new random id (unguessable: ids are the only key to a report
        when the app runs without a token) and return its summary."""
        counts = verdict_counts(report)
        summary = ReportSummary(
            id=secrets.token_hex(8),
            title=report_title(report, title),
            created=(created or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0),
            documents=len(report.documents),
            claims=sum(counts.values()),
            counts={label.value: n for label, n in counts.items()},
        )
        blob = zlib.compress(report.model_dump_json().encode("utf-8"), 6)
        columns = ", ".join(_COUNT_COLUMNS.values())
        self._conn().execute(
            f"INSERT INTO reports (id, title, created, documents, claims, {columns}, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (summary.id, summary.title, summary.created.isoformat(), summary.documents, summary.claims,
             *(counts[label] for label in _COUNT_COLUMNS), blob),
        )
        return summary

    def list(self, *, limit: int = 20, offset: int = 0) -> tuple[list[ReportSummary], int]:
        """The newest reports first, `limit` of them from `offset`, and how many there are in all."""
        conn = self._conn()
        rows = conn.execute(f"SELECT {_SUMMARY} FROM reports ORDER BY pk DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        total = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        return [_summary(row) for row in rows], total

    def summary(self, report_id: str) -> ReportSummary | None:
        row = self._conn().execute(f"SELECT {_SUMMARY} FROM reports WHERE id = ?", (report_id,)).fetchone()
        return _summary(row) if row else None

    def get_json(self, report_id: str) -> str | None:
        """The report's JSON as saved, or None when there is no such report."""
        row = self._conn().execute("SELECT report FROM reports WHERE id = ?", (report_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def get(self, report_id: str) -> Report | None:
        text = self.get_json(report_id)
        return Report.model_validate_json(text) if text is not None else None

    def delete(self, report_id: str) -> bool:
        """Remove a report; False when there was none with this id."""
        return self._conn().execute("DELETE FROM reports WHERE id = ?", (report_id,)).rowcount > 0

    def close(self) -> None:
        self._connections.close_all()

    def __enter__(self) -> "ReportDB":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _summary(row: tuple[Any, ...]) -> ReportSummary:
    report_id, title, created, documents, claims, *counts = row
    return ReportSummary(
        id=report_id, title=title, created=dt.datetime.fromisoformat(created), documents=documents, claims=claims,
        counts={label.value: n for label, n in zip(_COUNT_COLUMNS, counts)},
    )
