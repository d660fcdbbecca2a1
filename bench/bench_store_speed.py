#!/usr/bin/env python
"""Speed, size and memory of the evidence store: import, store size, query latency at 10k and 200k.

    .venv/bin/python bench/bench_store_speed.py [--docs 2000] [--queries 200] [--sizes 10000 200000]

Each measurement runs in its own subprocess, so peak memory and warm caches do not leak from one
into the next. All stores live in a temporary folder under /tmp that is removed at the end.

1. Import with embeddings: `importer.import_documents(store, docs, embed=True)` on every fifth
   summary of the starter corpus (`--docs` of them, a few thousand passages): passages per
   second including chunking, date tagging and MiniLM embeddings; the model is loaded before the
   clock starts (its load time is reported apart). Peak RSS is sampled every 20 ms from
   /proc/self/status during the import (and `ru_maxrss` is reported too).
2. Import without embeddings: the same documents, `embed=False`.
3. Store size per 1,000 passages: `stats().bytes_on_disk` of both stores (and of the 200k one).
4. Query latency at each size in `--sizes`: the store is filled with real passages of the
   starter corpus (chunked without date tagging) and their real MiniLM vectors up to 10,000
   passages. Bigger stores are synthesised from those: each further copy of a summary has about
   one word in ten replaced by another word of the corpus vocabulary (a unique source id per
   copy), and each of its passages gets the vector of the original passage plus Gaussian noise
   (cosine about 0.9 to the original), normalised. The 10,000 real vectors are computed once and
   cached under /tmp (or taken from `--vectors-from STORE`, a store that already has them, such as
   the one `bench_retrieval.py --store` builds). Queries are the 98 history claims and the first
   Climate-FEVER claims (`--queries` in all); each is run once to warm up, then timed:
   `Retriever.search(q, k=10)` in hybrid mode with the model loaded (query embedding included),
   and BM25 alone, dense alone (with its embedding) and the query embedding alone.
   Where the store's vector index can be either exact or HNSW (usearch installed), both are
   timed: exact with `hnsw_threshold` above the size, HNSW with `hnsw_threshold=0`; the graph is
   built by `store.prepare_search()` first (as an import does at its end; its time is reported)
   and the store is then reopened, as a new process would.

Targets (issue 4): import >= 80 passages/s with embeddings; hybrid query p95 <= 50 ms at 200k
passages on 2 cores with the model loaded. The machine is shared: other processes may run at the
same time, so the numbers are noisy (the load average is recorded). Writes
bench/results/store_speed.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchlib, also when loaded by path from tests
from benchlib import git_commit, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS_PATH = ROOT / "bench" / "results" / "store_speed.json"
HISTORY = ROOT / "bench" / "data" / "history_retrieval.jsonl"
CLIMATE_FEVER = ROOT.parent / "shared" / "data" / "climate-fever" / "climate-fever.jsonl"
CACHE = Path(tempfile.gettempdir()) / "sourcecheck-bench-cache"
BASE_PASSAGES = 10_000
NOISE = 0.5 / (384 ** 0.5)  # per-dimension sigma: |noise| ~ 0.5, cosine to the original ~ 0.9
TARGET_IMPORT = 80.0
VECTORS_FROM: str | None = os.environ.get("SOURCECHECK_BENCH_VECTORS_FROM")
TARGET_P95_MS = 50.0


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------





def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRSS:
    """Samples the resident set size every `interval` seconds in a thread; `peak` in MB."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 0.5), 2), "p95_ms": round(percentile(ms, 0.95), 2),
            "mean_ms": round(statistics.fmean(ms), 2), "max_ms": round(max(ms), 2), "n": len(ms)}


def sample_docs(n: int) -> list[Any]:
    """Every fifth summary of the starter corpus, `n` of them (a deterministic, varied sample)."""
    from sourcecheck.sources import starter_corpus

    return list(starter_corpus())[::5][:n]


def queries(n: int) -> list[str]:
    out = [json.loads(line)["claim"] for line in open(HISTORY, encoding="utf-8") if line.strip()]
    with open(CLIMATE_FEVER, encoding="utf-8") as f:
        for line in f:
            if len(out) >= n:
                break
            if line.strip():
                out.append(json.loads(line)["claim"])
    return out[:n]


# --------------------------------------------------------------------------------------------
# Phase: import
# --------------------------------------------------------------------------------------------

def phase_import(store_path: Path, docs_n: int, embed: bool) -> dict[str, Any]:
    from sourcecheck import importer
    from sourcecheck.store import open_store

    docs = sample_docs(docs_n)
    model_seconds = 0.0
    if embed:
        from sourcecheck.models import embedder

        t = time.perf_counter()
        embedder().embed(["warm up"])
        model_seconds = time.perf_counter() - t
    store = open_store(store_path)
    baseline = rss_mb()
    started = time.perf_counter()
    with PeakRSS() as peak:
        importer.import_documents(store, docs, embed=embed)
    seconds = time.perf_counter() - started
    stats = store.stats()
    store.close()
    return {
        "documents": len(docs), "passages": stats.passages, "passages_with_vectors": stats.passages_with_vectors,
        "seconds": round(seconds, 2), "passages_per_s": round(stats.passages / seconds, 1),
        "model_load_s": round(model_seconds, 2), "bytes_on_disk": stats.bytes_on_disk,
        "bytes_per_1000_passages": round(stats.bytes_on_disk / max(stats.passages, 1) * 1000),
        "rss_before_mb": round(baseline, 1), "peak_rss_mb": round(peak.peak, 1),
        "peak_rss_increase_mb": round(peak.peak - baseline, 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


# --------------------------------------------------------------------------------------------
# Phase: latency
# --------------------------------------------------------------------------------------------

def base_passages() -> tuple[list[Any], list[list[Any]], Any]:
    """The base documents, their passages (chunked without dates), up to BASE_PASSAGES in all,
    and the real MiniLM vectors of those passages (cached under /tmp between runs)."""
    import numpy as np

    from sourcecheck.chunking import chunk
    from sourcecheck.sources import starter_corpus

    docs, chunks, total = [], [], 0
    for doc in starter_corpus():
        passages = chunk(doc, dates=False)
        if not passages:
            continue
        if total + len(passages) > BASE_PASSAGES:
            break
        docs.append(doc)
        chunks.append(passages)
        total += len(passages)
    texts = [p.text for ps in chunks for p in ps]
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    cache = CACHE / f"base-vectors-{key}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        ids = [p.id for ps in chunks for p in ps]
        vectors = np.zeros((len(texts), 384), np.float32)
        known = _stored_vectors(ids) if VECTORS_FROM else {}
        todo = [i for i, pid in enumerate(ids) if pid not in known]
        for i, pid in enumerate(ids):
            if pid in known:
                vectors[i] = known[pid]
        if todo:
            from sourcecheck.models import embedder

            log(f"embedding {len(todo)} base passages once (cached in {cache}) ...")
            t = time.perf_counter()
            vectors[todo] = embedder().embed([texts[i] for i in todo])
            log(f"  {len(todo) / (time.perf_counter() - t):.0f} passages/s")
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    return docs, chunks, vectors


def _stored_vectors(ids: list[str]) -> dict[str, Any]:
    """Vectors that an earlier run stored for these passage ids in the SQLite store at
    `--vectors-from` (read from its tables: a benchmark shortcut, not store API). Passage ids are
    a hash of source id, offsets and text, so equal ids mean equal passages."""
    import sqlite3

    import numpy as np

    out: dict[str, Any] = {}
    conn = sqlite3.connect(f"file:{VECTORS_FROM}?mode=ro", uri=True)
    try:
        for begin in range(0, len(ids), 500):
            part = ids[begin:begin + 500]
            sql = (f"SELECT p.id, v.vector FROM passages p JOIN vectors v ON v.passage_pk = p.pk"
                   f" WHERE p.id IN ({','.join('?' * len(part))})")
            for pid, blob in conn.execute(sql, part):
                out[pid] = np.frombuffer(blob, dtype=np.float32)
    finally:
        conn.close()
    log(f"took {len(out)} of {len(ids)} base vectors from {VECTORS_FROM}")
    return out


_WORD = re.compile(r"\b[a-z]{4,}\b(?![.])")


def perturb(text: str, vocabulary: list[str], rng: random.Random, rate: float = 0.1) -> str:
    """About `rate` of the lower-case words (not before a period) swapped for random corpus words:
    sentence boundaries stay where they were, so chunking gives the same passages."""
    return _WORD.sub(lambda m: rng.choice(vocabulary) if rng.random() < rate else m.group(), text)


def fill_store(store: Any, size: int) -> dict[str, Any]:
    """Fill an empty store with `size` passages (real up to 10k, synthesised beyond)."""
    import numpy as np

    from sourcecheck.chunking import chunk

    docs, chunks, vectors = base_passages()
    offsets = np.cumsum([0] + [len(c) for c in chunks])
    vocabulary = sorted({w for d in docs for w in _WORD.findall(d.text)})
    rng = random.Random(1942)
    nprng = np.random.default_rng(1942)
    added = 0
    copy = 0
    started = time.perf_counter()
    while added < size:
        for i, doc in enumerate(docs):
            if added >= size:
                break
            if copy == 0:
                source, passages = doc, chunks[i]
                vecs = vectors[offsets[i]:offsets[i + 1]]
            else:
                source = doc.model_copy(update={"id": f"{doc.id}#copy{copy}", "text": perturb(doc.text, vocabulary, rng)})
                passages = chunk(source, dates=False)
                base = vectors[offsets[i]:offsets[i + 1]]
                idx = np.minimum(np.arange(len(passages)), len(base) - 1)
                vecs = base[idx] + nprng.normal(0.0, NOISE, (len(passages), base.shape[1])).astype(np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            if added + len(passages) > size:
                passages = passages[: size - added]
                vecs = vecs[: len(passages)]
            store.add_source(source, passages, np.ascontiguousarray(vecs, dtype=np.float32))
            added += len(passages)
        copy += 1
        log(f"  {added} passages stored ({time.perf_counter() - started:.0f} s)")
    return {"passages": added, "fill_seconds": round(time.perf_counter() - started, 1), "copies": copy}


def time_calls(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(1000 * (time.perf_counter() - t))
    return out


def phase_latency(store_path: Path, size: int, n_queries: int, hnsw_threshold: int | None) -> dict[str, Any]:
    from sourcecheck.models import embedder
    from sourcecheck.retrieval import Retriever
    from sourcecheck.store import open_store

    options = {} if hnsw_threshold is None else {"hnsw_threshold": hnsw_threshold}
    fill = {}
    if not store_path.exists():
        store = open_store(store_path)
        fill = fill_store(store, size)
        store.close()
    emb = embedder()
    emb.embed(["warm up"])
    qs = queries(n_queries)
    prepare_s = None
    store = open_store(store_path, **options)
    prepare = getattr(store, "prepare_search", None)
    if prepare is not None:  # what an import does at its end: build (and save) the HNSW graph if due
        t = time.perf_counter()
        prepare()
        prepare_s = round(time.perf_counter() - t, 1)
    store.close()
    t = time.perf_counter()
    store = open_store(store_path, **options)
    retriever = Retriever(store, embedder=emb)
    retriever.search(qs[0], k=10)  # a fresh process: opens the vector index (loads vectors or the saved graph)
    first_query_s = time.perf_counter() - t
    stats = store.stats()
    for q in qs:  # warm-up: every query once
        retriever.search(q, k=10)
    hybrid = time_calls(lambda q: retriever.search(q, k=10), qs)
    bm25 = time_calls(lambda q: retriever.search(q, k=10, mode="bm25"), qs)
    dense = time_calls(lambda q: retriever.search(q, k=10, mode="dense"), qs)
    embed_only = time_calls(lambda q: emb.embed([q]), qs)
    index = getattr(store, "_index", None)  # SQLiteStore's VectorIndex (not protocol: reported when there)
    uses_hnsw = getattr(index, "uses_hnsw", None)
    store.close()
    return {
        "size": size, "passages": stats.passages, "passages_with_vectors": stats.passages_with_vectors,
        "bytes_on_disk": stats.bytes_on_disk, "bytes_per_1000_passages": round(stats.bytes_on_disk / max(stats.passages, 1) * 1000),
        "hnsw_threshold": hnsw_threshold, "uses_hnsw": uses_hnsw, "prepare_search_s": prepare_s,
        "open_and_first_query_s": round(first_query_s, 2),
        "hybrid": summary(hybrid), "bm25": summary(bm25), "dense": summary(dense), "embed_query": summary(embed_only),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), **fill,
    }


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def run_phase(*args: str) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; its result is the last line of its stdout."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", *args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"phase {' '.join(args)} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def hnsw_possible() -> bool:
    try:
        from sourcecheck.vector_index import usearch_available
    except ImportError:
        return False
    return usearch_available()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="summaries to import in the import phases")
    parser.add_argument("--queries", type=int, default=200, help="queries timed at each size (at least 100)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    parser.add_argument("--vectors-from", type=Path, help="an SQLite store that already holds vectors of the starter corpus"
                        " (e.g. bench_retrieval.py --store): its vectors are reused for the base passages instead of embedding them again")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.vectors_from:
        # Phases run in subprocesses: the path travels in the environment.
        os.environ["SOURCECHECK_BENCH_VECTORS_FROM"] = str(args.vectors_from.resolve())
        global VECTORS_FROM
        VECTORS_FROM = os.environ["SOURCECHECK_BENCH_VECTORS_FROM"]

    if args.phase:
        kind, *rest = args.phase
        if kind == "import":
            result = phase_import(Path(rest[0]), int(rest[1]), rest[2] == "embed")
        else:
            threshold = None if rest[3] == "default" else int(rest[3])
            result = phase_latency(Path(rest[0]), int(rest[1]), int(rest[2]), threshold)
        print(json.dumps(result))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="sourcecheck-bench-speed-", dir="/tmp"))
    load_before = os.getloadavg()
    try:
        log("import with embeddings ...")
        with_vectors = run_phase("import", str(tmp / "embed.db"), str(args.docs), "embed")
        log(f"  {with_vectors}")
        log("import without embeddings ...")
        without_vectors = run_phase("import", str(tmp / "plain.db"), str(args.docs), "plain")
        log(f"  {without_vectors}")
        latency = []
        for size in args.sizes:
            path = tmp / f"store-{size}.db"
            variants = ["default"]
            if hnsw_possible():
                variants = [str(10 * size + 1), "0"]  # exact, then HNSW
            for threshold in variants:
                log(f"latency at {size} passages (hnsw_threshold={threshold}) ...")
                result = run_phase("latency", str(path), str(size), str(args.queries), threshold)
                result["index"] = "hnsw" if result.get("uses_hnsw") else "exact"
                log(f"  {result}")
                latency.append(result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    lines = [
        "Evidence store speed (2 shared cores; noisy)",
        "",
        f"import with embeddings:    {with_vectors['passages_per_s']:>7.1f} passages/s  ({with_vectors['passages']} passages of {with_vectors['documents']} summaries in {with_vectors['seconds']:.0f} s; target >= {TARGET_IMPORT:.0f})",
        f"import without embeddings: {without_vectors['passages_per_s']:>7.1f} passages/s",
        f"store size per 1,000 passages: {with_vectors['bytes_per_1000_passages'] / 1e6:.2f} MB with vectors, {without_vectors['bytes_per_1000_passages'] / 1e6:.2f} MB without",
        f"peak RSS during import with embeddings: {with_vectors['peak_rss_mb']:.0f} MB (+{with_vectors['peak_rss_increase_mb']:.0f} MB over the {with_vectors['rss_before_mb']:.0f} MB before it, model loaded)",
        "",
        f"{'passages':>9} {'index':<6}{'hybrid p50':>11}{'p95':>8}{'bm25 p95':>10}{'dense p95':>10}{'embed p95':>10}{'MB/1k':>7}",
    ]
    for r in latency:
        lines.append(f"{r['passages']:>9} {r['index']:<6}{r['hybrid']['p50_ms']:>11.1f}{r['hybrid']['p95_ms']:>8.1f}"
                     f"{r['bm25']['p95_ms']:>10.1f}{r['dense']['p95_ms']:>10.1f}{r['embed_query']['p95_ms']:>10.1f}"
                     f"{r['bytes_per_1000_passages'] / 1e6:>7.2f}")
    lines.append(f"(latency in ms over {args.queries} queries, hybrid = Retriever.search k=10 with the model loaded; target p95 <= {TARGET_P95_MS:.0f} ms at 200k)")
    lines.append(f"load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f}")
    print("\n".join(lines))

    payload = {
        "benchmark": "store_speed",
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_before": load_before, "load_average_after": load_after,
                    "threads": os.environ.get("SOURCECHECK_THREADS", "2")},
        "settings": {"docs": args.docs, "queries": args.queries, "sizes": args.sizes, "base_passages": BASE_PASSAGES,
                     "synthetic": "copies of the base summaries with ~10% of words swapped; vectors = original + N(0, 0.5/sqrt(384)) noise, normalised",
                     "queries_from": "98 history claims + first Climate-FEVER claims"},
        "import_with_embeddings": with_vectors,
        "import_without_embeddings": without_vectors,
        "latency": latency,
        "targets": {"import_passages_per_s": TARGET_IMPORT, "hybrid_p95_ms_at_200k": TARGET_P95_MS},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
