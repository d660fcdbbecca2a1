"""One SQLite connection per thread for a database file, all closed together.

sqlite3 connections must not be shared between threads mid-transaction, and the web app's worker
thread, its request threads and the CLI all open the same store: each thread gets its own
connection, in autocommit mode (transactions are explicit, BEGIN IMMEDIATE), with WAL journaling.

    connections = ThreadConnections(path, timeout=30.0, pragmas=("PRAGMA temp_store = MEMORY",))
    connections.get().execute("SELECT 1")
    connections.close_all()
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path


class ThreadConnections:
    def __init__(self, path: Path, *, timeout: float, pragmas: Sequence[str] = ()) -> None:
        self.path = path
        self.timeout = timeout
        self.pragmas = tuple(pragmas)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a crash can lose the last commits, never corrupt the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            for pragma in self.pragmas:
                conn.execute(pragma)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close_all(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
