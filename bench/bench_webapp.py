#!/usr/bin/env python
"""Latency of the web app (`sourcecheck serve`) with 1,000 saved reports: listing and opening them.

    .venv/bin/python bench/bench_webapp.py [--reports 1000] [--requests 300] [--report FILE]

1. A temporary store (under /tmp, removed at the end) is filled with `--reports` saved reports
   through `ReportDB.add`, as the app saves them. Each is a copy of one report of realistic size:
   `--report FILE` (a `sourcecheck check --json` output), else a synthetic one made from
   `examples/essay.md` with the shape and size of a real check of it (one claim per sentence
   with its people, places and dates, three evidence quotes of about 270 characters each with
   NLI and rule checks: about 98 KB of JSON; the real report of that essay is 112 KB). Each
   copy has its own title and its claims in another order.
2. The real command, `sourcecheck serve --store TMP --port FREE`, runs in a subprocess (so the
   client does not share its interpreter), on 127.0.0.1. No check is run: no model loads.
3. One client (httpx, keep-alive) sends `--requests` requests to each endpoint in turn, after 10
   warm-up requests, and records the wall time of each: `GET /api/reports` (a page of 20 at a
   random offset), `GET /reports?page=N` (the HTML list), `GET /api/reports/{id}` (a random
   report's JSON) and `GET /reports/{id}` (the report page: JSON parsed into a Report and drawn by
   `report_html.render_html`). Then 4 clients at once on the JSON list and the report page, for
   throughput under concurrency. Each endpoint stops early after `--max-seconds`.

The machine has 2 shared cores: other processes may run meanwhile (the load average is
recorded). Writes bench/results/webapp.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, git_commit, log

RESULTS_PATH = REPO / "bench" / "results" / "webapp.json"
ESSAY = REPO / "examples" / "essay.md"


def synthetic_report() -> dict[str, Any]:
    """A report with the shape and size of a real check of examples/essay.md, made without models."""
    from sourcecheck.ingest import read_document

    document = read_document(ESSAY)
    text = document.text
    labels = ["SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE", "SUPPORTED", "CONFLICTING"]
    claims, mentions, times = [], [], []
    for n, match in enumerate(re.finditer(r"[^.!?\s][^.!?]*[.!?]", text)):
        start, end, sentence = match.start(), match.end(), match.group()
        found = [
            {"start": start + m.start(), "end": start + m.end(), "text": m.group(), "kind": "person" if n % 2 else "place",
             "entity_id": "person/" + m.group().lower().replace(" ", "-")}
            for m in re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*", sentence)
        ]
        dates = [
            {"start": start + m.start(), "end": start + m.end(), "text": m.group(), "earliest": f"{m.group()}-01-01",
             "latest": f"{m.group()}-12-31", "precision": "year", "anchor": None}
            for m in re.finditer(r"\b1[89]\d\d\b", sentence)
        ]
        mentions += found
        times += dates
        label = labels[n % len(labels)]
        evidence = []
        for k in range(3):
            quote = (text[(n * 97 + k * 311) % max(1, len(text) - 280):][:270] or sentence)
            evidence.append({
                "title": f"Source article {n}-{k}", "url": f"https://en.wikipedia.org/wiki?curid={1000 + n * 3 + k}", "published": "2015-05",
                "licence": "CC BY-SA 3.0", "attribution": f"Wikipedia contributors, Source article {n}-{k}, English Wikipedia (dump of May 2015)",
                "passage_id": f"{n:012x}{k:012x}", "source_id": f"wikipedia:{1000 + n * 3 + k}", "quote": quote,
                "start": 1000 * k, "end": 1000 * k + len(quote), "stance": "supports" if label == "SUPPORTED" else "neutral",
                "score": 0.91, "checks": {"nli": {"entailment": 0.91, "neutral": 0.06, "contradiction": 0.03},
                                          "participants": {"rule": "participants", "outcome": "match", "claim": sentence[:60], "evidence": quote[:60],
                                                           "note": "the evidence names the same people and places"}},
            })
        claims.append({
            "start": start, "end": end, "text": sentence, "id": f"c{n:04d}", "doc_id": document.id, "source_text": sentence,
            "checkworthiness": 0.9, "checkworthy": True, "kind": "fact", "mentions": found, "times": dates, "attributed_to": None,
            "verdict": {"label": label, "confidence": 0.8, "rationale": f'"Source article {n}-0" says: "{evidence[0]["quote"][:120]}…"',
                        "evidence": evidence, "checks": {"nli": {"entailment": 0.9, "neutral": 0.05, "contradiction": 0.05},
                                                         "dates": {"outcome": "match", "note": "the claim's dates fall in the evidence's"}}},
        })
    return {
        "documents": [{"id": document.id, "source": "essay.md", "title": document.title, "published": None, "published_basis": None,
                       "published_note": None, "text": text, "words": len(text.split()), "times": times, "mentions": mentions, "claims": claims}],
        "run": {"sourcecheck_version": "bench", "created": "2026-01-01T00:00:00Z", "models": [], "settings": {}, "timings": {}},
    }


def fill(store: Path, base: dict[str, Any], n: int) -> dict[str, Any]:
    from sourcecheck.report_db import ReportDB
    from sourcecheck.types import Report

    report = Report.model_validate(base)
    started = time.perf_counter()
    ids = []
    with ReportDB(store) as db:
        for i in range(n):
            # Same size, its own title and a different verdict mix: the list is not one row repeated.
            claims = report.documents[0].claims
            shift = i % max(1, len(claims))
            copy = report.model_copy(update={"documents": [report.documents[0].model_copy(update={"claims": claims[shift:] + claims[:shift]})]})
            ids.append(db.add(copy, title=f"Report {i}: {report.documents[0].title or 'essay'}").id)
    return {"ids": ids, "seconds": round(time.perf_counter() - started, 2), "json_bytes": len(report.model_dump_json().encode()),
            "store_bytes": store.stat().st_size + sum(p.stat().st_size for p in store.parent.glob(store.name + "-*"))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "SOURCECHECK_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "sourcecheck.cli", "serve", "--store", str(store), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True, env=env)
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).raise_for_status()
            return proc
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"the server did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(client: Any, paths: list[str], max_seconds: float) -> dict[str, Any]:
    times, sizes = [], []
    stop = time.monotonic() + max_seconds
    for path in paths:
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} answered {answer.status_code}: {answer.text[:200]}")
        sizes.append(len(answer.content))
        if time.monotonic() > stop:
            break
    return summary(times) | {"bytes_mean": round(statistics.fmean(sizes))}


def summary(times: list[float]) -> dict[str, Any]:
    return {"requests": len(times), "p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2),
            "max_ms": round(max(times), 2), "mean_ms": round(statistics.fmean(times), 2)}


def concurrent(base_url: str, make_paths: Any, clients: int, per_client: int, max_seconds: float) -> dict[str, Any]:
    import httpx

    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + max_seconds

    def run(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base_url, timeout=60) as client:
            for path in make_paths(rng, per_client):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                with lock:
                    times.append((time.perf_counter() - started) * 1000)
                if time.monotonic() > stop:
                    return

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(s,)) for s in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return summary(times) | {"clients": clients, "requests_per_s": round(len(times) / wall, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000, help="saved reports in the store")
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint")
    parser.add_argument("--report", type=Path, help="a report JSON to copy (default: synthetic, from examples/essay.md)")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="stop an endpoint's requests after this long")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args()
    import httpx

    base = json.loads(args.report.read_text(encoding="utf-8")) if args.report else synthetic_report()
    folder = Path(tempfile.mkdtemp(prefix="sourcecheck-bench-web-"))
    proc = None
    try:
        store = folder / "store.db"
        log(f"saving {args.reports} reports into {store} ...")
        filled = fill(store, base, args.reports)
        ids = filled["ids"]
        port = free_port()
        proc = start_server(store, port)
        base_url = f"http://127.0.0.1:{port}"
        rng = random.Random(0)
        pages = (args.reports + 19) // 20
        endpoints = {
            "GET /api/reports": lambda r, n: [f"/api/reports?limit=20&offset={20 * r.randrange(pages)}" for _ in range(n)],
            "GET /reports (HTML list)": lambda r, n: [f"/reports?page={1 + r.randrange(pages)}" for _ in range(n)],
            "GET /api/reports/{id}": lambda r, n: [f"/api/reports/{r.choice(ids)}" for _ in range(n)],
            "GET /reports/{id} (HTML report)": lambda r, n: [f"/reports/{r.choice(ids)}" for _ in range(n)],
        }
        load_before = os.getloadavg()
        results: dict[str, Any] = {}
        with httpx.Client(base_url=base_url, timeout=60) as client:
            for name, make in endpoints.items():
                timed(client, make(rng, 10), args.max_seconds)  # warm-up
                log(f"{name} ...")
                results[name] = timed(client, make(rng, args.requests), args.max_seconds)
        under_load = {}
        for name in ("GET /api/reports", "GET /reports/{id} (HTML report)"):
            log(f"{name}, 4 clients ...")
            under_load[name] = concurrent(base_url, endpoints[name], 4, max(1, args.requests // 4), args.max_seconds)
        load_after = os.getloadavg()
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)

    lines = [
        f"Web app latency with {args.reports} saved reports ({filled['json_bytes'] / 1000:.0f} KB of JSON each; "
        f"store {filled['store_bytes'] / 1e6:.1f} MB, filled in {filled['seconds']:.1f} s); one client, keep-alive",
        "",
        f"{'endpoint':<34}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'KB':>8}",
    ]
    for name, r in results.items():
        lines.append(f"{name:<34}{r['requests']:>9}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}{r['bytes_mean'] / 1000:>8.1f}")
    lines += ["", f"{'4 clients at once':<34}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}"]
    for name, r in under_load.items():
        lines.append(f"{name:<34}{r['requests']:>9}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['requests_per_s']:>9.1f}")
    lines.append(f"load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} (2 shared cores; noisy)")
    print("\n".join(lines))

    payload = {
        "benchmark": "webapp",
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_before": load_before, "load_average_after": load_after},
        "settings": {"reports": args.reports, "requests": args.requests, "max_seconds": args.max_seconds,
                     "report": str(args.report) if args.report else "synthetic from examples/essay.md",
                     "server": "sourcecheck serve in a subprocess, 127.0.0.1; client httpx keep-alive"},
        "store": {k: v for k, v in filled.items() if k != "ids"},
        "one_client": results,
        "four_clients": under_load,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
