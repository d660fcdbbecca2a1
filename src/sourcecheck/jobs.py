"""Checks run in the background, one at a time, with progress that a web page can poll.

One worker thread runs every check, so the models load once per process and two checks never
compete for the CPU. Jobs live in memory: a restart forgets queued and running jobs (finished
reports are already saved in the report database).

    >>> runner = JobRunner(run_check)                               # doctest: +SKIP
    >>> job = runner.submit(documents, title="Essay")
    >>> runner.get(job.id).state
    'running'
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal

from .errors import SourcecheckError
from .types import Document, Frozen

log = logging.getLogger("sourcecheck.jobs")

State = Literal["queued", "running", "done", "failed"]


class JobProgress:
    """The callbacks a check reports through; the runner reads them as a `Job` snapshot."""

    def __init__(self, stage: Callable[[str, int, int], None]) -> None:
        self._stage = stage

    def documents(self, source: str, done: int, total: int) -> None:
        """`sourcecheck.pipeline.Progress`: one call per document whose claims are extracted.
        After the last one, verification starts (its first batch can take a while to report)."""
        if done < total:
            self._stage("extracting claims", done, total)
        else:
            self._stage("verifying claims", 0, 0)

    def claims(self, done: int, total: int) -> None:
        """`check(claim_progress=...)`: one call per batch of verified claims."""
        self._stage("verifying claims", done, total)

    def stage(self, name: str, done: int = 0, total: int = 0) -> None:
        self._stage(name, done, total)


# (documents, title, progress) -> id of the saved report
Work = Callable[[list[Document], "str | None", JobProgress], str]


class Job(Frozen):
    """A snapshot of one check: where it stands and, once done, which report it made."""

    id: str
    state: State
    stage: str
    done: int = 0
    total: int = 0
    percent: int = 0
    title: str | None = None
    documents: int
    report_id: str | None = None
    error: str | None = None
    created: dt.datetime
    started: dt.datetime | None = None
    finished: dt.datetime | None = None


# Share of the progress bar each stage owns: verification is most of a check's time.
_STAGE_SPAN = {"extracting claims": (5, 35), "verifying claims": (35, 99)}


def _percent(stage: str, done: int, total: int) -> int:
    low, high = _STAGE_SPAN.get(stage.split(" (")[0], (0, 5))
    return low + (high - low) * done // total if total else low


class QueueFull(Exception):
    """Too many checks waiting; the caller should try again later."""


class JobRunner:
    """Runs `work` for each submitted job on one background thread, in order of submission.

    `max_queued` bounds the waiting jobs (submit raises `QueueFull` beyond it) and `keep` the
    finished jobs remembered for polling (the oldest are forgotten first).
    """

    def __init__(self, work: Work, *, max_queued: int = 20, keep: int = 1000) -> None:
        self._work = work
        self._keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._pending: dict[str, tuple[list[Document], str | None]] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=max_queued)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sourcecheck-check-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop after the running job (it is a daemon: exit never waits on it)."""
        if self._thread is not None:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                pass
            self._thread.join(timeout)
            self._thread = None

    def submit(self, documents: list[Document], *, title: str | None = None) -> Job:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        job = Job(id=secrets.token_hex(8), state="queued", stage="queued", title=title, documents=len(documents), created=now)
        with self._lock:
            self._jobs[job.id] = job
            self._pending[job.id] = (documents, title)
        try:
            self._queue.put_nowait(job.id)
        except queue.Full:
            with self._lock:
                del self._jobs[job.id]
                del self._pending[job.id]
            raise QueueFull(f"{self._queue.maxsize} checks are already waiting; try again when one has finished") from None
        self.start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = job.model_copy(update=changes)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            with self._lock:
                documents, title = self._pending.pop(job_id)
            self._run(job_id, documents, title)
            self._forget_old()

    def _run(self, job_id: str, documents: list[Document], title: str | None) -> None:
        def stage(name: str, done: int, total: int) -> None:
            self._update(job_id, stage=name, done=done, total=total, percent=_percent(name, done, total))

        self._update(job_id, state="running", stage="extracting claims", total=len(documents), percent=_percent("extracting claims", 0, 1),
                     started=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
        try:
            report_id = self._work(documents, title, JobProgress(stage))
        except SourcecheckError as exc:
            self._finish(job_id, state="failed", stage="failed", error=str(exc))
        except Exception as exc:  # a bug, or a broken model file: the job fails, the server lives on
            log.exception("check %s failed", job_id)
            self._finish(job_id, state="failed", stage="failed", error=f"unexpected {type(exc).__name__}: {exc}")
        else:
            self._finish(job_id, state="done", report_id=report_id, stage="done", percent=100)

    def _finish(self, job_id: str, **changes: Any) -> None:
        self._update(job_id, finished=dt.datetime.now(dt.timezone.utc).replace(microsecond=0), **changes)

    def _forget_old(self) -> None:
        with self._lock:
            finished = [j.id for j in self._jobs.values() if j.state in ("done", "failed")]
            for job_id in finished[: max(0, len(finished) - self._keep)]:
                del self._jobs[job_id]
