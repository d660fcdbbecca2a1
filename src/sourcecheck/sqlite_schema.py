"""Numbered migrations of the SQLite evidence store.

Each migration runs once, in its own transaction, and is recorded in the `migrations` table (and
mirrored in `PRAGMA user_version`), so `migrate()` can run at every open: a store made by an
older sourcecheck is brought up to date, and an up-to-date one is left alone. Never edit a
migration that has shipped; append a new one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

# (number, name, SQL). Numbers are consecutive from 1.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "sources, passages, full-text index, vectors", """
        CREATE TABLE sources (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            url TEXT,
            published TEXT,
            licence TEXT,
            attribution TEXT,
            kind TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            chars INTEGER NOT NULL,
            passages INTEGER NOT NULL,
            added TEXT NOT NULL
        );
        CREATE INDEX sources_kind ON sources(kind);
        -- Kept apart from `sources` so that listing sources never reads the (large) texts.
        CREATE TABLE source_texts (
            source_pk INTEGER PRIMARY KEY,
            text BLOB NOT NULL  -- zlib-compressed UTF-8
        );
        CREATE TABLE passages (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            source_pk INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            about_earliest INTEGER,  -- date.toordinal(), NULL when the passage names no date
            about_latest INTEGER,
            has_vector INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL
        );
        CREATE INDEX passages_source ON passages(source_pk);
        -- Only the passages still waiting for a vector: finding the next batch to embed stays
        -- cheap however many passages already have one.
        CREATE INDEX passages_pending ON passages(has_vector) WHERE has_vector = 0;
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content='passages', content_rowid='pk',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.pk, new.text);
        END;
        CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.pk, old.text);
        END;
        -- `seq` grows with every vector written, so a reader that has seq <= N in memory loads
        -- only the rows after N; deletions bump meta 'vector_generation' and force a full reload.
        CREATE TABLE vectors (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            passage_pk INTEGER NOT NULL UNIQUE,
            vector BLOB NOT NULL  -- float32, L2-normalised
        );
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO meta(key, value) VALUES ('vector_generation', '0');
    """),
    (2, "passage generation counter, for the in-memory BM25 arrays", """
        -- Bumped whenever passages are deleted, so readers know to reload (sqlite_bm25).
        INSERT OR IGNORE INTO meta(key, value) VALUES ('passage_generation', '0');
    """),
    (3, "reports saved by the web app (sourcecheck.report_db)", """
        -- One row per finished check. The counts are columns so that listing reports never
        -- reads (or decompresses) the report itself.
        CREATE TABLE reports (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            created TEXT NOT NULL,  -- ISO 8601, UTC
            documents INTEGER NOT NULL,
            claims INTEGER NOT NULL,
            supported INTEGER NOT NULL,
            refuted INTEGER NOT NULL,
            not_enough_evidence INTEGER NOT NULL,
            conflicting INTEGER NOT NULL,
            report BLOB NOT NULL  -- zlib-compressed UTF-8 JSON of the Report
        );
    """),
]


def applied(conn: sqlite3.Connection) -> list[int]:
    """Numbers of the migrations already applied to this database."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT number FROM migrations ORDER BY number")]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations this database lacks, each in its own transaction; returns their numbers.

    Safe to call on every open and from several processes at once: the check and the migration
    run under one write lock (BEGIN IMMEDIATE), so a migration never runs twice.
    """
    latest = MIGRATIONS[-1][0]
    if conn.execute("PRAGMA user_version").fetchone()[0] >= latest:
        return []  # the common case: one cheap read, no write lock
    done: list[int] = []
    for number, name, sql in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)")
            if number in applied(conn):
                conn.execute("COMMIT")
                continue
            # executescript() would commit the open transaction; run the statements one by one.
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations(number, name, applied) VALUES (?, ?, ?)",
                         (number, name, dt.datetime.now(dt.timezone.utc).isoformat()))
            conn.execute(f"PRAGMA user_version = {int(number)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(number)
    return done


def _statements(sql: str) -> list[str]:
    """Split a migration script into complete statements (a trigger's body holds inner semicolons)."""
    out: list[str] = []
    pending = ""
    for part in sql.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            statement = "\n".join(line for line in pending.splitlines() if not line.strip().startswith("--")).strip()
            if statement.strip(";").strip():
                out.append(statement)
            pending = ""
    if pending.strip(" \n;"):
        raise ValueError(f"incomplete statement in migration: {pending.strip()[:80]!r}")
    return out
