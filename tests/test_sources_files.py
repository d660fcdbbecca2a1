"""Evidence readers for files, folders and JSONL: documents come out, bad inputs become SourceErrors."""

from __future__ import annotations

import gzip
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sourcecheck.sources import SourceError, read_sources, source_kind
from sourcecheck.sources.files import iso_published, read_file
from sourcecheck.sources.jsonl import normalise_published, read_jsonl
from sourcecheck.types import Precision, SourceDocument, TimeRef


def split(items):
    items = list(items)
    docs = [i for i in items if isinstance(i, SourceDocument)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- files and folders ----------------------------------------------------------------------


def test_one_file_is_a_source_document_with_its_resolved_path_as_id(tmp_path):
    path = write(tmp_path / "notes" / "yalta.txt", "The conference met at Yalta in February 1945.\n")
    doc = read_file(path)
    assert doc.id == str(path.resolve())
    assert doc.url == path.resolve().as_uri()
    assert doc.title == "yalta"  # no title in a plain text of one line: the file's stem
    assert doc.text == "The conference met at Yalta in February 1945."
    assert doc.kind == "file" and doc.licence is None


def test_title_and_published_come_from_the_document(tmp_path):
    md = write(tmp_path / "essay.md", "---\ntitle: The Pact\ndate: 1939-08-24\n---\n# Heading\n\nSigned in Moscow.\n")
    page = write(
        tmp_path / "page.html",
        '<html><head><title>Yalta</title><meta property="article:published_time" content="1995-02"></head>'
        "<body><article><p>The Big Three met at Yalta.</p></article></body></html>",
    )
    docs, errors = split(read_sources([md, page]))
    assert not errors
    assert [(d.title, d.published) for d in docs] == [("The Pact", "1939-08-24"), ("Yalta", "1995-02")]


def test_the_same_file_gets_the_same_id_whatever_the_working_directory(tmp_path, monkeypatch):
    path = write(tmp_path / "a" / "x.txt", "Text of x.")
    monkeypatch.chdir(tmp_path / "a")
    relative = read_file("x.txt").id
    monkeypatch.chdir(tmp_path)
    assert read_file("a/x.txt").id == relative == str(path.resolve())


def test_folders_are_walked_sorted_skipping_hidden_names(tmp_path):
    write(tmp_path / "b.txt", "Bee text.")
    write(tmp_path / "a.md", "Ay text.")
    write(tmp_path / "sub" / "c.txt", "Sea text.")
    write(tmp_path / ".git" / "d.txt", "hidden folder")
    write(tmp_path / ".e.txt", "hidden file")
    write(tmp_path / "picture.png", b"\x89PNG\r\n\x1a\n")  # not a document: passed over in silence
    docs, errors = split(read_sources([tmp_path]))
    assert [Path(d.id).name for d in docs] == ["a.md", "b.txt", "c.txt"]
    assert errors == []
    flat, _ = split(read_sources([tmp_path], recursive=False))
    assert [Path(d.id).name for d in flat] == ["a.md", "b.txt"]


def test_a_file_reached_twice_is_read_once(tmp_path):
    write(tmp_path / "a.txt", "Once.")
    docs, _ = split(read_sources([tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt"]))
    assert len(docs) == 1


def test_bad_files_are_skipped_with_a_one_line_reason_and_the_rest_is_read(tmp_path):
    write(tmp_path / "01-good.txt", "Good text one.")
    write(tmp_path / "02-empty.txt", "")
    write(tmp_path / "03-binary.txt", b"\x00\x01\x02\x03" * 100)
    write(tmp_path / "04-broken.pdf", b"%PDF-1.4 this is not really a pdf")
    write(tmp_path / "05-report.docx", b"PK\x03\x04")
    write(tmp_path / "06-good.md", "# Title\n\nGood text two.")
    docs, errors = split(read_sources([tmp_path, tmp_path / "missing.txt"]))
    assert [d.title for d in docs] == ["01-good", "Title"]
    assert [Path(e.source).name for e in errors] == [
        "02-empty.txt", "03-binary.txt", "04-broken.pdf", "05-report.docx", "missing.txt",
    ]
    for error in errors:
        assert "\n" not in error.reason and error.reason == str(error)
        assert Path(error.source).name in error.reason  # every reason names its file
    assert "convert it" in errors[3].reason


def test_an_import_of_a_thousand_files_with_bad_ones_among_them_never_stops(tmp_path):
    for i in range(1000):
        write(tmp_path / f"{i:04d}.txt", "" if i % 100 == 7 else f"Document number {i} about 1945.")
    docs, errors = split(read_sources([tmp_path]))
    assert (len(docs), len(errors)) == (990, 10)


def test_an_explicit_file_with_an_unknown_suffix_is_tried_as_text(tmp_path):
    path = write(tmp_path / "README", "Plain words in a file without a suffix.")
    docs, errors = split(read_sources([path]))
    assert [d.text for d in docs] == ["Plain words in a file without a suffix."] and not errors


def test_plain_json_is_refused_with_a_hint_to_use_jsonl(tmp_path):
    path = write(tmp_path / "data.json", json.dumps([{"id": 1, "text": "x"}]))
    docs, errors = split(read_sources([path]))
    assert not docs and ".jsonl" in errors[0].reason


def test_a_missing_path_says_so_and_suggests_a_close_name(tmp_path):
    write(tmp_path / "essay.txt", "Text.")
    (error,) = read_sources([tmp_path / "esay.txt"])
    assert isinstance(error, SourceError)
    assert "not found" in error.reason and "essay.txt" in error.reason


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "file"), ("a.PDF", "file"), ("a.htm", "file"), ("a.jsonl", "jsonl"), ("a.jsonl.gz", "jsonl"),
        ("a.jsonl.xz", "jsonl"), ("enwiki-latest-pages-articles.xml.bz2", "dump"), ("a.xml", "dump"),
        ("pack:history", "pack"), ("packs/enwiki-history-1900-1991.jsonl.xz", "pack"),
        ("summaries_en-us.json", "pack"), ("a.docx", None), ("a.gz", None),
    ],
)
def test_source_kind_goes_by_the_name(name, kind):
    assert source_kind(name) == kind


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "iso"),
    [
        ("1942-02-15", "1942-02-15", Precision.DAY, "1942-02-15"),
        ("1942-02-01", "1942-02-28", Precision.MONTH, "1942-02"),
        ("1942-01-01", "1942-12-31", Precision.YEAR, "1942"),
        ("1942-03-01", "1942-05-31", Precision.SEASON, "1942"),
        ("1940-01-01", "1949-12-31", Precision.DECADE, None),
    ],
)
def test_iso_published_keeps_what_the_interval_pins_down(earliest, latest, precision, iso):
    import datetime as dt

    ref = TimeRef(text="x", start=0, end=1, earliest=dt.date.fromisoformat(earliest),
                  latest=dt.date.fromisoformat(latest), precision=precision)
    assert iso_published(ref) == iso


def test_importing_sources_stays_light():
    code = (
        "import sys, sourcecheck.sources;"
        "print(','.join(m for m in ('httpx', 'sourcecheck.dates', 'sourcecheck.ingest', 'pypdf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- JSONL ----------------------------------------------------------------------------------


def jsonl(*rows: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


GOOD = [
    {"id": "a1", "title": "Pact", "text": "Signed on 23 August 1939.", "url": "https://example.org/a1",
     "published": "1939-08-24"},
    {"id": 2, "title": "Yalta", "text": "Held in\r\nFebruary 1945.", "licence": "CC0", "attribution": "Me"},
]


def test_jsonl_lines_become_documents(tmp_path):
    path = write(tmp_path / "c.jsonl", jsonl(*GOOD))
    docs, errors = split(read_jsonl(path))
    assert not errors
    first, second = docs
    assert first == SourceDocument(id="a1", title="Pact", text="Signed on 23 August 1939.",
                                   url="https://example.org/a1", published="1939-08-24", kind="jsonl")
    assert (second.id, second.text, second.licence, second.attribution) == ("2", "Held in\nFebruary 1945.", "CC0", "Me")


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.xz"])
def test_compressed_jsonl_is_read_the_same(tmp_path, suffix):
    data = jsonl(*GOOD).encode()
    packed = gzip.compress(data) if suffix.endswith("gz") else lzma.compress(data)
    docs, errors = split(read_sources([write(tmp_path / f"c{suffix}", packed)]))
    assert [d.id for d in docs] == ["a1", "2"] and not errors


def test_bad_jsonl_lines_are_reported_with_file_and_line_and_the_rest_is_read(tmp_path):
    path = write(tmp_path / "c.jsonl", b"".join([
        b"\xef\xbb\xbf" + json.dumps(GOOD[0]).encode() + b"\n",   # 1: a byte-order mark is fine
        b"{not json\n",                                           # 2
        b"\n",                                                    # 3: blank, skipped quietly
        b'{"id": "x", "text": "caf\xe9"}\n',                      # 4: Latin-1, not UTF-8
        b'["a", "list"]\n',                                       # 5
        b'{"id": "y"}\n',                                         # 6: no text
        b'{"id": "z", "text": "   "}\n',                          # 7: empty text
        b'{"id": "a1", "text": "again"}\n',                       # 8: repeated id
        b'{"id": "w", "text": "t", "published": "soon"}\n',       # 9: not a date
        b'{"id": "v", "text": 5}\n',                              # 10
        b'{"id": "u", "title": "Last", "text": "Still read."}\n', # 11
    ]))
    docs, errors = split(read_jsonl(path))
    assert [d.id for d in docs] == ["a1", "u"]
    assert [e.source.rsplit(":", 1)[1] for e in errors] == ["2", "4", "5", "6", "7", "8", "9", "10"]
    for error in errors:
        assert error.reason.startswith(f"{path}:") and "\n" not in error.reason
    reasons = " | ".join(e.reason for e in errors)
    for words in ("not valid JSON", "not UTF-8", "JSON list", "no 'text'", "'text' is empty",
                  "already used on line 1", "'published'", "'text' must be a string"):
        assert words in reasons


def test_a_truncated_gzip_yields_what_came_before_and_one_error(tmp_path):
    rows = [{"id": i, "title": f"T{i}", "text": f"Text {i} " * 50} for i in range(200)]
    packed = gzip.compress(jsonl(*rows).encode())
    path = write(tmp_path / "cut.jsonl.gz", packed[: len(packed) // 2])
    docs, errors = split(read_sources([path]))
    assert 0 < len(docs) < 200
    assert len(errors) == 1 and "ends early" in errors[0].reason


@pytest.mark.parametrize(
    ("value", "iso"),
    [("1942", "1942"), ("1942-02", "1942-02"), ("1942-02-15", "1942-02-15"), ("1942-02-15T10:00:00Z", "1942-02-15"),
     (1942, "1942"), ("15 February 1942", "1942-02-15"), ("February 1942", "1942-02"),
     ("1942-02-30", None), ("1942-13", None), ("soon", None), ("", None), (True, None), (None, None)],
)
def test_published_values_are_normalised_to_partial_iso_dates(value, iso):
    assert normalise_published(value) == iso


def test_source_errors_are_frozen_values():
    error = SourceError("a.jsonl:3", "a.jsonl:3: not valid JSON; fix or remove the line")
    with pytest.raises(AttributeError):
        error.reason = "x"  # type: ignore[misc]
    assert str(error) == error.reason


def test_unreadable_folder_entries_do_not_stop_the_walk(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file whatever its permissions")
    write(tmp_path / "a.txt", "Readable.")
    locked = write(tmp_path / "b.txt", "Locked.")
    locked.chmod(0)
    try:
        docs, errors = split(read_sources([tmp_path]))
    finally:
        locked.chmod(0o644)
    assert [d.text for d in docs] == ["Readable."] and len(errors) == 1
