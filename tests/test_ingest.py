"""Reading documents: every format, every encoding case, every way input can be bad."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sourcecheck import ingest
from sourcecheck.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputIsDirectory,
    InputNotFound,
    InputTooLarge,
    UndecodableInput,
    UnsupportedFormat,
    UsageError,
)
from sourcecheck.ingest import DEFAULT_MAX_CHARS, document_from_text, document_id, read_document
from sourcecheck.types import Document, Precision

POLISH = (
    "Wojna rozpoczęła się 1 września 1939 roku, gdy wojska niemieckie przekroczyły granicę Polski. "
    "Siedemnastego września Armia Czerwona wkroczyła na wschodnie ziemie. Zażółć gęślą jaźń.\n"
)


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def make_pdf(pages: list[list[str]], *, title: str | None = None, password: str | None = None) -> bytes:
    """A real PDF whose pages show `pages` (lines of Helvetica text), built with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        ops = ["BT /F1 12 Tf 14 TL 72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- API basics ------------------------------------------------------------------------------


def test_document_id_is_sha256_prefix_of_utf8():
    import hashlib

    assert document_id("Łódź 1939") == hashlib.sha256("Łódź 1939".encode()).hexdigest()[:16]
    assert len(document_id("x")) == 16


def test_document_from_text_cleans_newlines_and_sets_id():
    doc = document_from_text("First line.\r\nSecond line.   \r\n\r\n\r\n\r\nNext paragraph.\n", source="memo")
    assert isinstance(doc, Document)
    assert doc.text == "First line.\nSecond line.\n\nNext paragraph."
    assert doc.id == document_id(doc.text)
    assert doc.source == "memo"
    assert doc.title is None and doc.published is None and doc.published_basis is None
    assert doc.meta["format"] == "text"


def test_document_from_text_published_and_title():
    doc = document_from_text("The war ended in 1945.", title="  A  note ", published="1946-03")
    assert doc.title == "A note"
    assert doc.published is not None
    assert (doc.published.earliest, doc.published.latest) == (dt.date(1946, 3, 1), dt.date(1946, 3, 31))
    assert doc.published_basis == "given"
    assert doc.published_note == "given with --published"


def test_document_from_text_empty_and_too_large():
    with pytest.raises(EmptyInput, match="<text>"):
        document_from_text(" \n\t ")
    with pytest.raises(InputTooLarge, match="--max-chars"):
        document_from_text("x" * 50, max_chars=10)


def test_import_is_light():
    code = (
        "import sys, sourcecheck.ingest; "
        "heavy = [m for m in ('pypdf', 'selectolax', 'charset_normalizer') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- plain text ------------------------------------------------------------------------------


def test_txt_reads_text_and_meta(tmp_path):
    path = write(tmp_path, "speech.txt", "We shall fight on the beaches.\r\nWe shall never surrender.\r\n")
    doc = read_document(path)
    assert doc.text == "We shall fight on the beaches.\nWe shall never surrender."
    assert doc.source == str(path)
    assert doc.id == document_id(doc.text)
    assert doc.meta == {"format": "txt", "encoding": "utf-8", "bytes": str(path.stat().st_size)}
    assert doc.title is None


def test_txt_source_is_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", "Some text here.")
    assert read_document("a.txt").source == "a.txt"


def test_txt_title_from_short_first_line(tmp_path):
    path = write(tmp_path, "t.txt", "The Iron Curtain Speech\n\nFrom Stettin in the Baltic to Trieste in the Adriatic.\n")
    doc = read_document(path)
    assert doc.title == "The Iron Curtain Speech"
    assert doc.text.startswith("The Iron Curtain Speech\n\nFrom Stettin")  # the title stays in the text


@pytest.mark.parametrize(
    "content",
    [
        "This is a sentence.\n\nAnother paragraph follows here.",  # ends like a sentence
        "A heading without a blank line\nthen text right away.",  # no blank line after
        ("A" * 120) + "\n\nText.",  # too long
        "Only one line, no title",  # nothing after it
    ],
)
def test_txt_title_not_invented(tmp_path, content):
    assert read_document(write(tmp_path, "t.txt", content)).title is None


def test_title_argument_wins(tmp_path):
    path = write(tmp_path, "t.txt", "Heading\n\nBody text.")
    assert read_document(path, title="Given").title == "Given"


def test_unknown_extension_with_text_is_read_as_text(tmp_path):
    doc = read_document(write(tmp_path, "notes.log", "Plain notes about 1944.\n"))
    assert doc.text == "Plain notes about 1944."
    assert doc.meta["format"] == "txt"


def test_unknown_extension_with_html_is_read_as_html(tmp_path):
    doc = read_document(write(tmp_path, "page.php", "<!DOCTYPE html><html><body><p>Hello &amp; bye.</p></body></html>"))
    assert doc.text == "Hello & bye."
    assert doc.meta["format"] == "html"


# --- encodings -------------------------------------------------------------------------------


def test_cp1252_curly_quotes(tmp_path):
    text = "Churchill called it \u201cthe iron curtain\u201d \u2014 and it\u2019s remembered so.\n"
    doc = read_document(write(tmp_path, "q.txt", text, "cp1252"))
    assert doc.text == text.strip()
    assert doc.meta["encoding"] == "cp1252"


def test_latin1_french_is_not_read_as_cp1250(tmp_path):
    text = "Café au lait, crème brûlée, naïve façade. Le général prononça l'appel du 18 juin.\n"
    doc = read_document(write(tmp_path, "fr.txt", text, "latin-1"))
    assert doc.text == text.strip()


@pytest.mark.parametrize("codec, expected", [("cp1250", "cp1250"), ("iso8859_2", "iso8859-2")])
def test_polish_legacy_code_pages(tmp_path, codec, expected):
    doc = read_document(write(tmp_path, "pl.txt", POLISH, codec))
    assert doc.text == POLISH.strip()
    assert "Zażółć gęślą jaźń" in doc.text
    assert doc.meta["encoding"] == expected


def test_short_latin2_word(tmp_path):
    assert read_document(write(tmp_path, "pl.txt", "Łódź", "iso8859_2")).text == "Łódź"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_byte_order_marks(tmp_path, codec):
    import codecs

    bom = {"utf-8-sig": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    doc = read_document(write(tmp_path, "bom.txt", bom + "Zażółć — 1939.\n".encode(codec)))
    assert doc.text == "Zażółć — 1939."
    assert doc.meta["encoding"] == codec


def test_utf8_with_stray_cp1252_bytes(tmp_path):
    data = "Café “quoted” text, ".encode() + b"then a pasted \x93Word\x94 quote and it\x92s fine."
    doc = read_document(write(tmp_path, "mixed.txt", data))
    assert doc.text == "Café “quoted” text, then a pasted “Word” quote and it’s fine."
    assert doc.meta["encoding"] == "utf-8+cp1252"


def test_cyrillic_cp1251_and_koi8(tmp_path):
    text = "Великая Отечественная война началась 22 июня 1941 года.\n"
    assert read_document(write(tmp_path, "a.txt", text, "cp1251")).text == text.strip()
    assert read_document(write(tmp_path, "b.txt", text, "koi8_r")).text == text.strip()


def test_html_declared_charset_is_used(tmp_path):
    html = '<html><head><meta charset="windows-1250"></head><body><p>Kraków, Łódź i Gdańsk.</p></body></html>'
    doc = read_document(write(tmp_path, "p.html", html, "cp1250"))
    assert doc.text == "Kraków, Łódź i Gdańsk."
    assert doc.meta["encoding"] == "cp1250"


def test_garbage_is_undecodable(tmp_path):
    import random

    rng = random.Random(7)
    path = write(tmp_path, "noise.txt", bytes(rng.randrange(0x80, 0x100) for _ in range(400)))
    with pytest.raises(UndecodableInput, match="noise.txt") as info:
        read_document(path)
    assert "UTF-8" in str(info.value)


# --- Markdown --------------------------------------------------------------------------------

MARKDOWN = """---
title: Front Matter Title
date: 1946-03-05
---

# The Sinews of Peace

Churchill spoke at **Fulton**, _Missouri_, on 5 March 1946.
He used the phrase *iron curtain* and said [it had descended](https://example.org/speech "source").

![A photo of Churchill](churchill.jpg)

## Reception

> Stalin called the speech a *call to war*.

- Truman was present
- The audience was ~~small~~ large
1. numbered item

```python
print("# not a heading")
```

See the `Westminster College` archive[^1] and [the notes][notes].

[notes]: https://example.org/notes
[^1]: Archived in 1946.

Setext heading
==============

Ordinary snake_case_words and 2 * 3 * 4 stay as they are; \\*literal stars\\* too.

<script>alert("SCRIPT")</script>
Fish &amp; chips &mdash; `a &amp; b` in code.
"""


def test_markdown_strips_markup(tmp_path):
    doc = read_document(write(tmp_path, "speech.md", MARKDOWN))
    text = doc.text
    assert doc.meta["format"] == "md"
    assert "The Sinews of Peace\n\nChurchill spoke at Fulton, Missouri, on 5 March 1946." in text
    assert "He used the phrase iron curtain and said it had descended." in text
    for gone in ("**", "https://", "churchill.jpg", "A photo", "#", "```", "print(", "[^1]", "~~", "---", "===", "title:"):
        assert gone not in text, gone
    assert "Reception" in text
    assert "Stalin called the speech a call to war." in text
    assert "Truman was present\nThe audience was small large\nnumbered item" in text
    assert "See the Westminster College archive and the notes." in text
    assert "Archived in 1946." in text
    assert "Setext heading" in text
    assert "snake_case_words and 2 * 3 * 4 stay as they are; *literal stars* too." in text
    assert "SCRIPT" not in text
    assert "Fish & chips \u2014 a &amp; b in code." in text
    assert "\n\n\n" not in text


def test_markdown_title_and_date_from_front_matter(tmp_path):
    doc = read_document(write(tmp_path, "speech.md", MARKDOWN))
    assert doc.title == "Front Matter Title"
    assert doc.published is not None and doc.published.earliest == dt.date(1946, 3, 5)
    assert doc.published_basis == "metadata"
    assert doc.published_note == "from front matter date"


def test_markdown_title_from_first_h1(tmp_path):
    doc = read_document(write(tmp_path, "a.md", "Intro line.\n\n# The *Real* Title #\n\nBody.\n\n# Second\n"))
    assert doc.title == "The Real Title"
    assert doc.text == "Intro line.\n\nThe Real Title\n\nBody.\n\nSecond"


def test_markdown_emphasis_over_a_soft_line_break(tmp_path):
    doc = read_document(write(tmp_path, "a.md", "*An essay that runs\nover two lines.*\n\n*not closed\n\nhere*\n"))
    assert doc.text == "An essay that runs\nover two lines.\n\n*not closed\n\nhere*"


def test_markdown_rules_are_not_front_matter(tmp_path):
    doc = read_document(write(tmp_path, "a.md", "---\nA paragraph between rules.\n---\n\nMore text.\n"))
    assert doc.text == "A paragraph between rules.\n\nMore text."


def test_markdown_without_h1_has_no_title(tmp_path):
    assert read_document(write(tmp_path, "a.md", "## Sub\n\nText.\n")).title is None


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Munich 1938 | Example History</title>
<meta property="og:title" content="The Munich Agreement &amp; Appeasement">
<meta property="article:published_time" content="2018-09-29T10:00:00+02:00">
<meta property="og:url" content="https://example.org/og-munich">
<link rel="canonical" href="https://example.org/munich">
<style>.x { color: red }</style>
<script>var tracker = "SCRIPT TEXT";</script>
</head>
<body>
<header class="site-header"><a href="/">Example History HEADER</a>
  <nav><ul><li>NAV Home</li><li>NAV Archive</li></ul></nav></header>
<div id="cookie-banner"><p>We use COOKIES to improve your experience.</p><button>Accept all</button></div>
<main>
<article>
  <header><h1>The Munich Agreement</h1></header>
  <p>On 30&nbsp;September 1938 the agreement was signed in Munich.
     Chamberlain promised &ldquo;peace for our time&rdquo; &mdash; it lasted less than a year.</p>
  <div class="share-buttons"><a>SHARE on Twitter</a></div>
  <p>Czechoslovakia was not invited.<br>It lost the Sudetenland &amp; its border forts.</p>
  <aside><p>ASIDE: related reading</p></aside>
  <form><label>NEWSLETTER signup</label><input name="email"></form>
  <ul><li>Britain</li><li>France</li></ul>
  <footer>ARTICLE FOOTER tags</footer>
</article>
</main>
<aside class="sidebar">SIDEBAR most read</aside>
<footer class="site-footer">&copy; 2018 FOOTER Example Media</footer>
<script>document.write("MORE SCRIPT")</script>
<noscript>NOSCRIPT text</noscript>
</body></html>
"""


def test_html_keeps_article_drops_boilerplate(tmp_path):
    doc = read_document(write(tmp_path, "munich.html", PAGE))
    text = doc.text
    assert doc.meta["format"] == "html"
    assert text.startswith("The Munich Agreement\n\nOn 30 September 1938 the agreement was signed in Munich.")
    assert "Chamberlain promised \u201cpeace for our time\u201d \u2014 it lasted less than a year." in text
    assert "Czechoslovakia was not invited.\nIt lost the Sudetenland & its border forts." in text
    assert "Britain\nFrance" in text
    for gone in ("SCRIPT", "NAV", "HEADER", "COOKIES", "SHARE", "ASIDE", "NEWSLETTER", "FOOTER", "SIDEBAR", "NOSCRIPT", ".x", "&amp;", "&nbsp;"):
        assert gone not in text, gone


def test_html_paragraphs_separated_by_blank_line(tmp_path):
    doc = read_document(write(tmp_path, "p.html", "<html><body><p>One.</p>\n<p>Two\n   lines.</p><div>Three.</div></body></html>"))
    assert doc.text == "One.\n\nTwo lines.\n\nThree."


def test_html_without_article_uses_main_then_body(tmp_path):
    page = "<html><body><nav>Menu</nav><main><p>Main text.</p></main><footer>Foot</footer></body></html>"
    assert read_document(write(tmp_path, "m.html", page)).text == "Main text."
    page = "<html><body><nav>Menu</nav><div><p>Body text.</p></div><footer>Foot</footer></body></html>"
    assert read_document(write(tmp_path, "b.html", page)).text == "Body text."


def test_html_title_metadata_and_url(tmp_path):
    doc = read_document(write(tmp_path, "munich.html", PAGE))
    assert doc.title == "The Munich Agreement & Appeasement"
    assert doc.meta["url"] == "https://example.org/munich"
    assert doc.published is not None and doc.published.earliest == dt.date(2018, 9, 29)
    assert doc.published.precision == Precision.DAY
    assert doc.published_basis == "metadata"
    assert doc.published_note == "from <meta property=article:published_time>"


def test_html_title_falls_back_to_title_then_h1(tmp_path):
    page = "<html><head><title> Plain  title </title></head><body><h1>Head</h1><p>Text.</p></body></html>"
    assert read_document(write(tmp_path, "a.html", page)).title == "Plain title"
    page = "<html><body><h1>Only a heading</h1><p>Text.</p></body></html>"
    assert read_document(write(tmp_path, "b.html", page)).title == "Only a heading"
    assert read_document(write(tmp_path, "c.html", "<html><body><p>Text.</p></body></html>")).title is None


def test_html_og_url_when_no_canonical(tmp_path):
    page = '<html><head><meta property="og:url" content="https://example.org/x"></head><body><p>T.</p></body></html>'
    assert read_document(write(tmp_path, "a.html", page)).meta["url"] == "https://example.org/x"


@pytest.mark.parametrize(
    "head, body, note, day",
    [
        ('<meta itemprop="datePublished" content="2001-02-03">', "", "from <meta itemprop=datePublished>", dt.date(2001, 2, 3)),
        ('<meta name="DC.date" content="1999-12-31">', "", "from <meta name=DC.date>", dt.date(1999, 12, 31)),
        ('<meta name="date" content="2010-05-06">', "", "from <meta name=date>", dt.date(2010, 5, 6)),
        ('<meta name="pubdate" content="2011-07-08">', "", "from <meta name=pubdate>", dt.date(2011, 7, 8)),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, '
            '{"@type": "NewsArticle", "datePublished": "2015-04-01T12:00:00Z"}]}</script>',
            "",
            "from JSON-LD datePublished",
            dt.date(2015, 4, 1),
        ),
        ("", '<time datetime="2020-01-02">2 January</time>', "from <time datetime> in the article", dt.date(2020, 1, 2)),
    ],
)
def test_html_publication_date_sources(tmp_path, head, body, note, day):
    page = f"<html><head>{head}</head><body><article><header>{body}</header><p>Text about 1941.</p></article></body></html>"
    doc = read_document(write(tmp_path, "d.html", page))
    assert doc.published_note == note
    assert doc.published is not None and doc.published.earliest == day


def test_html_time_in_running_text_is_not_the_publication_date(tmp_path):
    page = '<html><body><article><p>It began on <time datetime="1941-06-22">22 June 1941</time>.</p></article></body></html>'
    doc = read_document(write(tmp_path, "d.html", page))
    assert doc.published is None and doc.published_basis is None


def test_html_unparseable_meta_date_is_skipped(tmp_path):
    page = (
        '<html><head><meta property="article:published_time" content="sometime">'
        '<meta name="date" content="2012-03"></head><body><p>T.</p></body></html>'
    )
    doc = read_document(write(tmp_path, "d.html", page))
    assert doc.published_note == "from <meta name=date>"
    assert doc.published is not None and doc.published.precision == Precision.MONTH


def test_published_argument_overrides_metadata(tmp_path):
    doc = read_document(write(tmp_path, "munich.html", PAGE), published="1938")
    assert doc.published is not None
    assert (doc.published.earliest, doc.published.latest) == (dt.date(1938, 1, 1), dt.date(1938, 12, 31))
    assert doc.published_basis == "given"
    assert doc.published_note == "given with --published"


def test_html_with_only_boilerplate_is_empty(tmp_path):
    page = "<html><head><title>T</title></head><body><nav>Menu</nav><script>x()</script></body></html>"
    with pytest.raises(EmptyInput, match="nav.html"):
        read_document(write(tmp_path, "nav.html", page))


def test_page_wrapped_in_one_form_is_kept(tmp_path):
    page = (
        '<html><body><form id="aspnetForm"><nav>Menu</nav><div id="content"><p>The speech was given in 1946.</p>'
        '<p>It was long.</p></div><input type="hidden" value="VIEWSTATE"></form></body></html>'
    )
    doc = read_document(write(tmp_path, "aspx.html", page))
    assert doc.text == "The speech was given in 1946.\n\nIt was long."


def test_wikipedia_furniture_is_dropped(tmp_path):
    page = (
        '<html><body><a class="mw-jump-link" href="#c">Jump to content</a><main id="content">'
        '<h1 id="firstHeading">Munich Agreement</h1><div id="siteSub" class="noprint">From Wikipedia</div>'
        '<p>It was signed in 1938.<sup class="reference"><a>[1]</a></sup> It failed.</p>'
        '<h2>Background<span class="mw-editsection">[edit]</span></h2><p>More.</p>'
        '<div class="navbox">Events leading to World War II</div>'
        '<div class="reflist"><ol class="references"><li>A source</li></ol></div></main>'
        '<div id="catlinks" class="catlinks">Categories: 1938</div></body></html>'
    )
    doc = read_document(write(tmp_path, "wiki.html", page))
    assert doc.text == "Munich Agreement\n\nIt was signed in 1938. It failed.\n\nBackground\n\nMore."


def test_deeply_nested_html_does_not_recurse(tmp_path):
    page = "<html><body>" + "<div>" * 3000 + "<p>Deep text.</p>" + "</div>" * 3000 + "</body></html>"
    assert read_document(write(tmp_path, "deep.html", page)).text == "Deep text."


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_text_layer(tmp_path):
    data = make_pdf([["The treaty was signed in 1919.", "It ended the war"], ["with Germany.", "Page two ends."]], title="Versailles")
    doc = read_document(write(tmp_path, "treaty.pdf", data))
    assert doc.meta["format"] == "pdf"
    assert doc.meta["pages"] == "2"
    assert doc.meta["bytes"] == str(len(data))
    assert doc.title == "Versailles"
    # A sentence running over a page break is not split into two paragraphs.
    assert doc.text == "The treaty was signed in 1919.\nIt ended the war\nwith Germany.\nPage two ends."


def test_pdf_junk_metadata_title_is_ignored(tmp_path):
    data = make_pdf([["Text."]], title="Microsoft Word - draft3.docx")
    assert read_document(write(tmp_path, "a.pdf", data)).title is None


def test_pdf_without_text_layer_says_run_ocr(tmp_path):
    path = write(tmp_path, "scan.pdf", make_pdf([[], []]))
    with pytest.raises(UnsupportedFormat, match="scan.pdf") as info:
        read_document(path)
    assert "OCR" in str(info.value)


def test_broken_pdf(tmp_path):
    path = write(tmp_path, "broken.pdf", b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(UnsupportedFormat, match="broken.pdf") as info:
        read_document(path)
    assert "not a readable PDF" in str(info.value)


def test_pdf_extension_without_pdf_content(tmp_path):
    with pytest.raises(UnsupportedFormat, match="fake.pdf"):
        read_document(write(tmp_path, "fake.pdf", "just some text"))


def test_encrypted_pdf(tmp_path):
    path = write(tmp_path, "locked.pdf", make_pdf([["Secret text."]], password="s3cret"))
    with pytest.raises(UnsupportedFormat, match="locked.pdf") as info:
        read_document(path)
    assert "encrypted" in str(info.value) and "decrypt" in str(info.value)


def test_pdf_content_with_unknown_extension(tmp_path):
    doc = read_document(write(tmp_path, "download.bin2", make_pdf([["Hidden PDF text."]])))
    assert doc.text == "Hidden PDF text."
    assert doc.meta["format"] == "pdf"


# --- standard input --------------------------------------------------------------------------


def test_stdin_text():
    doc = read_document("-", stdin=io.BytesIO("Plain text from a pipe.\r\n".encode()))
    assert doc.text == "Plain text from a pipe."
    assert doc.source == "<stdin>"
    assert doc.meta["format"] == "stdin-text"
    assert doc.meta["encoding"] == "utf-8"


def test_stdin_html_is_sniffed():
    doc = read_document("-", stdin=io.BytesIO(PAGE.encode()))
    assert doc.meta["format"] == "stdin-html"
    assert doc.text.startswith("The Munich Agreement")
    assert doc.title == "The Munich Agreement & Appeasement"


def test_stdin_text_stream_is_accepted():
    assert read_document("-", stdin=io.StringIO("Text stream.")).text == "Text stream."  # type: ignore[arg-type]


def test_stdin_default_is_sys_stdin_buffer(monkeypatch):
    fake = io.TextIOWrapper(io.BytesIO(b"From the real stdin."))
    monkeypatch.setattr(sys, "stdin", fake)
    assert read_document("-").text == "From the real stdin."


def test_stdin_legacy_encoding():
    doc = read_document("-", stdin=io.BytesIO(POLISH.encode("cp1250")))
    assert doc.text == POLISH.strip()


def test_stdin_errors():
    with pytest.raises(EmptyInput, match="standard input"):
        read_document("-", stdin=io.BytesIO(b""))
    with pytest.raises(BinaryInput, match="standard input"):
        read_document("-", stdin=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00rest"))
    with pytest.raises(InputTooLarge, match="--max-chars"):
        read_document("-", stdin=io.BytesIO(b"x" * 30), max_chars=10)


# --- bad input -------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    write(tmp_path, "essay.md", "text")
    with pytest.raises(InputNotFound, match="esay.md") as info:
        read_document(tmp_path / "esay.md")
    assert "essay.md" in str(info.value)  # did you mean
    assert "\n" not in str(info.value)


def test_directory(tmp_path):
    with pytest.raises(InputIsDirectory, match=tmp_path.name):
        read_document(tmp_path)


@pytest.mark.parametrize("content", ["", "   \n\n\t  \r\n"])
def test_empty_and_whitespace(tmp_path, content):
    with pytest.raises(EmptyInput, match="blank.txt"):
        read_document(write(tmp_path, "blank.txt", content))


@pytest.mark.parametrize(
    "content, what",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF"),
        (b"plain start\x00\x01\x02 then binary", "binary"),
    ],
)
def test_binary(tmp_path, content, what):
    with pytest.raises(BinaryInput, match="file.txt") as info:
        read_document(write(tmp_path, "file.txt", content))
    assert what in str(info.value)
    assert ".txt or .pdf" in str(info.value)


def test_pdf_bytes_in_txt_file(tmp_path):
    with pytest.raises(BinaryInput, match="rename it to .pdf"):
        read_document(write(tmp_path, "paper.txt", make_pdf([["x"]])))


@pytest.mark.parametrize("name", ["report.docx", "report.odt", "setup.exe", "photo.JPG"])
def test_unsupported_extension(tmp_path, name):
    with pytest.raises(UnsupportedFormat, match=name) as info:
        read_document(write(tmp_path, name, b"PK\x03\x04 whatever"))
    assert ".txt" in str(info.value) and ".pdf" in str(info.value) and ".html" in str(info.value)


def test_text_over_max_chars(tmp_path):
    path = write(tmp_path, "long.txt", "word " * 100)
    with pytest.raises(InputTooLarge, match="long.txt") as info:
        read_document(path, max_chars=50)
    assert "--max-chars" in str(info.value) and "50" in str(info.value)
    assert read_document(path, max_chars=1000).text.startswith("word word")


def test_raw_file_too_large_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60_000_000)

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(ingest, "open", refuse, raising=False)
    with pytest.raises(InputTooLarge, match="huge.txt") as info:
        read_document(path, max_chars=1000)
    assert "--max-chars" in str(info.value) and "50 MB" in str(info.value)


def test_raw_limit_grows_with_max_chars():
    assert ingest._raw_limit(DEFAULT_MAX_CHARS) == 20 * DEFAULT_MAX_CHARS
    assert ingest._raw_limit(10) == 50_000_000


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", "text")
    os.chmod(path, 0)
    try:
        if os.access(path, os.R_OK):  # running as root: permissions are not enforced, so simulate

            def denied(*args, **kwargs):
                raise PermissionError(13, "Permission denied", str(path))

            monkeypatch.setattr(ingest, "open", denied, raising=False)
        with pytest.raises(InputError, match="secret.txt") as info:
            read_document(path)
        assert "Permission denied" in str(info.value)
    finally:
        os.chmod(path, 0o644)


@pytest.mark.parametrize("value", ["xyz", "", "1941-13-01", "32/13/99"])
def test_bad_published_argument(tmp_path, value):
    path = write(tmp_path, "a.txt", "Text.")
    with pytest.raises(UsageError) as info:
        read_document(path, published=value)
    assert str(info.value) == f"--published {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"


@pytest.mark.parametrize("value", [0, -5])
def test_bad_max_chars(value):
    with pytest.raises(UsageError, match="--max-chars"):
        document_from_text("text", max_chars=value)


@pytest.mark.parametrize(
    "value, earliest, latest, precision",
    [
        ("1941", dt.date(1941, 1, 1), dt.date(1941, 12, 31), Precision.YEAR),
        ("1944-02", dt.date(1944, 2, 1), dt.date(1944, 2, 29), Precision.MONTH),
        ("1941-06-22", dt.date(1941, 6, 22), dt.date(1941, 6, 22), Precision.DAY),
        ("2019-09-30T23:30:00-05:00", dt.date(2019, 9, 30), dt.date(2019, 9, 30), Precision.DAY),
    ],
)
def test_iso_fallback(value, earliest, latest, precision):
    ref = ingest._parse_iso(value)
    assert ref is not None
    assert (ref.earliest, ref.latest, ref.precision) == (earliest, latest, precision)


def test_iso_fallback_when_dates_module_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "sourcecheck.dates", None)
    doc = document_from_text("Text.", published="1941-06")
    assert doc.published is not None and doc.published.precision == Precision.MONTH
    with pytest.raises(UsageError):
        document_from_text("Text.", published="June 1941")


def test_written_published_date():
    pytest.importorskip("sourcecheck.dates")
    doc = document_from_text("Text.", published="22 June 1941")
    assert doc.published is not None
    assert (doc.published.earliest, doc.published.latest) == (dt.date(1941, 6, 22), dt.date(1941, 6, 22))


def test_errors_are_one_line_and_never_raw(tmp_path):
    cases = [
        tmp_path / "missing.txt",
        tmp_path,
        write(tmp_path, "e.txt", ""),
        write(tmp_path, "b.txt", b"\x00\x01"),
        write(tmp_path, "x.docx", b"PK"),
        write(tmp_path, "bad.pdf", b"%PDF-1.7\n%%EOF"),
    ]
    for path in cases:
        with pytest.raises(InputError) as info:
            read_document(path)
        message = str(info.value)
        assert "\n" not in message and path.name in message
