"""MediaWiki XML dumps: streamed in constant memory, wikitext rendered to prose in linear time."""

from __future__ import annotations

import bz2
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from sourcecheck.sources import SourceError, read_sources
from sourcecheck.sources.wikidump import read_dump, wikitext_to_text
from sourcecheck.types import SourceDocument

# --- wikitext to text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wikitext", "text"),
    [
        ("'''Yalta''' was a [[conference|meeting]].{{citation needed}}", "Yalta was a meeting."),
        ("The [[Red Army]] and [[Wehrmacht]]s.", "The Red Army and Wehrmachts."),
        ("Signed<ref>{{cite book|title=X}}</ref> in 1939.<ref name=b/> Ratified.<ref name='c' />", "Signed in 1939. Ratified."),
        ("A {{Infobox war\n| name = {{nowrap|X}}\n| date = 1939\n}}war.", "A war."),
        ("Before.\n{| class=\"wikitable\"\n|-\n! A !! B\n|-\n| {{flagicon|UK}} 1 || 2\n|}\nAfter.", "Before.\n\nAfter."),
        ("[[File:Yalta.jpg|thumb|The [[Big Three]] at [[Yalta]]]]The meeting.", "The meeting."),
        ("Text.[[Category:1945 conferences]][[de:Konferenz von Jalta]]", "Text."),
        ("See [[:Category:Treaties|the treaties]].", "See the treaties."),
        ("Read [https://example.org the report] and [https://example.org/x].", "Read the report and."),
        ("Hidden<!-- a comment {{with|template}} --> text.", "Hidden text."),
        ("== Aftermath ==\nThe [[Treaty of Versailles|treaty]] followed.", "Aftermath.\nThe treaty followed."),
        ("Intro.\n\n=== Why? ===\nBecause.", "Intro.\n\nWhy?\nBecause."),
        ("Items:\n* one\n* two [[a|b]]\n# three\n: indented", "Items:\none\ntwo b\nthree\nindented"),
        ("A line\nwrapped in the source.\n\nNew paragraph.", "A line wrapped in the source.\n\nNew paragraph."),
        ("''Italic'' and '''bold''' and '''''both'''''.", "Italic and bold and both."),
        ("It was {{convert|5|km|mi}} long, {{convert|3|to|4|m}} deep.", "It was 5 km long, 3 to 4 m deep."),
        ("Born {{birth date|1900|1|5}} in {{lang|de|Berlin}}.", "Born 5 January 1900 in Berlin."),
        ("Stalin ({{IPA-ru|ˈstalʲin}}; born 1878) ruled.", "Stalin (born 1878) ruled."),
        ("Text.\n== See also ==\n* [[X]]\n== References ==\n{{reflist}}\n=== Sub ===\nmore refs", "Text."),
        ("Text.\n== References ==\nrefs\n== Legacy ==\nKept.", "Text.\n\nLegacy.\nKept."),
        ("x &amp; y&nbsp;z &ndash; w", "x & y z – w"),
        ("__NOTOC__Text<br/>more.", "Text more."),
        ("a <math>x^2</math> b <gallery>\nFile:a.jpg\n</gallery> c", "a b c"),
        ("Unbalanced {{ brace and [[ link stay.", "Unbalanced {{ brace and [[ link stay."),
        ("Stray }} and ]] stay.", "Stray }} and ]] stay."),
        ("It cost {{US$|52 million}}, {{frac|1|2}} of it, {{circa|1900}}.", "It cost US$52 million, 1/2 of it, c. 1900."),
        ("", ""),
    ],
)
def test_wikitext_to_text(wikitext, text):
    assert wikitext_to_text(wikitext) == text


ARTICLE = "\n".join([
    "{{Short description|1939 non-aggression pact between Germany and the Soviet Union}}",
    "{{Infobox treaty",
    "| name = Treaty of Non-Aggression",
    "| date_signed = {{start date|df=yes|1939|8|23}}",
    "| signatories = {{plainlist|",
    "* {{flagicon|Nazi Germany|1935}} [[Joachim von Ribbentrop]]",
    "}}",
    "}}",
    "The '''Molotov–Ribbentrop Pact''',{{efn|Also the '''Hitler–Stalin Pact'''.}} was a [[non-aggression pact]] "
    "between [[Nazi Germany]] and the [[Soviet Union]].<ref>{{cite book |last=Roberts |year=1995}}</ref> It was "
    "signed in [[Moscow]] on {{nowrap|23 August}} 1939.<ref name=\"Roberts\"/> Its secret protocol "
    "({{lang-de|Geheimes Zusatzprotokoll}}) defined borders.<!-- checked -->",
    "",
    "== Background ==",
    "[[File:Molotov Ribbentrop Stalin.jpg|thumb|[[Stalin]] and [[Ribbentrop]], 23 August 1939]]",
    "Germany was about {{convert|540,000|km2|sqmi|abbr=on}}. In the ''[[Treaty of Rapallo (1922)|Treaty of Rapallo]]'',",
    "Germany and the Soviet Union agreed to trade.",
    '{| class="wikitable"',
    "|+ Trade",
    "! Year !! Exports",
    "|-",
    "| 1939 || {{US$|52 million}}",
    "|}",
    "",
    "== See also ==",
    "* [[Nazi–Soviet economic relations (1934–1941)]]",
    "",
    "== References ==",
    "{{Reflist}}",
    "",
    "[[Category:1939 in Germany]]",
    "[[de:Hitler-Stalin-Pakt]]",
])


def test_a_realistic_article_renders_to_its_prose():
    assert wikitext_to_text(ARTICLE) == (
        "The Molotov–Ribbentrop Pact, was a non-aggression pact between Nazi Germany and the Soviet Union. "
        "It was signed in Moscow on 23 August 1939. Its secret protocol (Geheimes Zusatzprotokoll) defined borders."
        "\n\nBackground.\nGermany was about 540,000 km2. In the Treaty of Rapallo, Germany and the Soviet Union "
        "agreed to trade."
    )


PATHOLOGICAL = {
    "open braces": "{{",
    "close braces": "}}",
    "open links": "[[",
    "brackets mixed": "{{[[{|\n",
    "external links": "[http://a ",
    "refs": "<ref>",
    "comments": "<!--",
    "tags": "<a b ",
    "equals": "=",
    "headings": "==x==\n",
    "apostrophes": "'",
    "tables": "\n{|",
    "nested templates": "{{a|",
}


@pytest.mark.parametrize("unit", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_wikitext_to_text_takes_linear_time_on_unbalanced_markup(unit):
    def seconds(n: int) -> float:
        text = unit * n
        started = time.perf_counter()
        wikitext_to_text(text)
        return time.perf_counter() - started

    # The fastest of a few runs: a busy machine slows single runs, never all of them.
    small, large = min(seconds(20_000) for _ in range(3)), min(seconds(80_000) for _ in range(2))
    assert large < 2.0  # quadratic work on 80,000 units would take minutes
    assert large < max(12 * small, 0.5)  # 4x the input: about 4x the time, never 16x


# --- dumps ----------------------------------------------------------------------------------

NS = "http://www.mediawiki.org/xml/export-0.10/"


def page(page_id: int, title: str, wikitext: str, *, ns: int = 0, redirect: str | None = None,
         timestamp: str = "2024-03-01T12:00:00Z", revid: int = 1000) -> str:
    redirect_tag = f'    <redirect title="{escape(redirect)}" />\n' if redirect else ""
    return (
        f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n{redirect_tag}"
        f"    <revision>\n      <id>{revid + page_id}</id>\n      <parentid>1</parentid>\n"
        f"      <timestamp>{timestamp}</timestamp>\n      <contributor><username>U</username><id>7</id></contributor>\n"
        f"      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(wikitext)}" xml:space="preserve">{escape(wikitext)}</text>\n'
        f"      <sha1>x</sha1>\n    </revision>\n  </page>\n"
    )


def dump(pages: list[str], *, ns: str = NS, base: str = "https://en.wikipedia.org/wiki/Main_Page",
         dbname: str = "enwiki") -> str:
    return (
        f'<mediawiki xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="0.10" xml:lang="en">\n'
        f"  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>{dbname}</dbname>\n    <base>{base}</base>\n"
        '    <generator>MediaWiki 1.42</generator>\n    <case>first-letter</case>\n    <namespaces>\n'
        '      <namespace key="0" case="first-letter" />\n      <namespace key="1" case="first-letter">Talk</namespace>\n'
        "    </namespaces>\n  </siteinfo>\n" + "".join(pages) + "</mediawiki>\n"
    )


PAGES = [
    page(12, "Yalta Conference", "The '''Yalta Conference''' was held in [[Crimea]] in February 1945.{{sfn|X|2001}}\n"
         "== Background ==\nThe [[Big Three]] met.<ref>Source.</ref>\n== References ==\n{{reflist}}",
         timestamp="2015-01-01T00:00:00Z"),
    page(13, "Yalta conference", "#REDIRECT [[Yalta Conference]]", redirect="Yalta Conference"),
    page(14, "Talk:Yalta Conference", "Discussion about the article.", ns=1),
    page(15, "Yalta (disambiguation)", "'''Yalta''' may refer to:\n* [[Yalta]], a city\n{{disambiguation}}"),
    page(16, "Molotov–Ribbentrop Pact", "The pact was signed on 23 August 1939 & published.\n[[Category:Treaties]]"),
    page(17, "Empty", "{{Infobox|only=template}}"),
]


def write_dump(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(bz2.compress(data) if path.name.endswith(".bz2") else data)
    return path


@pytest.mark.parametrize("name", ["dump.xml", "dump.xml.bz2"])
def test_a_dump_yields_its_articles_only(tmp_path, name):
    path = write_dump(tmp_path / name, dump(PAGES))
    docs = list(read_dump(path))
    assert [d.title for d in docs] == ["Yalta Conference", "Molotov–Ribbentrop Pact"]
    yalta, pact = docs
    assert yalta == SourceDocument(
        id="wikipedia:12",
        title="Yalta Conference",
        text="The Yalta Conference was held in Crimea in February 1945.\n\nBackground.\nThe Big Three met.",
        url="https://en.wikipedia.org/wiki/Yalta_Conference",
        published="2015-01-01",
        licence="CC BY-SA 3.0",
        attribution="Wikipedia contributors, Yalta Conference, English Wikipedia (revision 1012 of 2015-01-01, from an XML dump)",
        kind="wikipedia-dump",
    )
    assert pact.text == "The pact was signed on 23 August 1939 & published."
    assert pact.licence == "CC BY-SA 4.0"  # revised after the switch to CC BY-SA 4.0 in June 2023
    assert pact.url == "https://en.wikipedia.org/wiki/Molotov%E2%80%93Ribbentrop_Pact"


def test_read_sources_dispatches_dumps_by_suffix(tmp_path):
    write_dump(tmp_path / "a.xml.bz2", dump(PAGES[:1]))
    assert [d.kind for d in read_sources([tmp_path])] == ["wikipedia-dump"]


def test_other_schema_versions_and_other_wikis(tmp_path):
    text = dump(PAGES[:1], ns="http://www.mediawiki.org/xml/export-0.11/",
                base="https://de.wikipedia.org/wiki/Wikipedia:Hauptseite", dbname="dewiki")
    (doc,) = read_dump(write_dump(tmp_path / "de.xml", text))
    assert doc.id == "dewiki:12" and doc.url == "https://de.wikipedia.org/wiki/Yalta_Conference"
    assert "Wikipedia (de)" in doc.attribution
    plain = dump(PAGES[:1]).replace(f' xmlns="{NS}"', "")
    assert [d.id for d in read_dump(write_dump(tmp_path / "plain.xml", plain))] == ["wikipedia:12"]


def test_a_cut_dump_yields_the_pages_before_the_cut_and_one_error(tmp_path):
    text = dump(PAGES * 3)
    cut = text[: text.rindex("<page>")]  # ends before the last page, mid-document
    items = list(read_dump(write_dump(tmp_path / "cut.xml", cut)))
    assert [i.title for i in items[:-1]] == ["Yalta Conference", "Molotov–Ribbentrop Pact"] * 3
    error = items[-1]
    assert isinstance(error, SourceError) and "not a well-formed MediaWiki XML dump" in error.reason
    assert "\n" not in error.reason and error.source.startswith(str(tmp_path / "cut.xml") + ":")


def test_a_truncated_bz2_dump_is_one_error_after_its_pages(tmp_path):
    data = bz2.compress(dump(PAGES * 300).encode(), 1)  # level 1: 100 kB blocks, so several of them
    path = tmp_path / "cut.xml.bz2"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_sources([path]))
    assert isinstance(items[-1], SourceError)
    assert all(isinstance(i, SourceDocument) for i in items[:-1]) and len(items) > 1


def test_dumps_stream_in_constant_memory(tmp_path):
    body = "The war in the east went on through the winter. " * 80  # ~4 KB of prose a page
    def peak(pages: int) -> tuple[int, int]:
        path = write_dump(tmp_path / f"big{pages}.xml", dump([page(i, f"Page {i}", body) for i in range(1, pages + 1)]))
        tracemalloc.start()
        count = sum(1 for _ in read_dump(path))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == pages
        return path.stat().st_size, top

    size_small, peak_small = peak(300)
    size_large, peak_large = peak(2400)
    assert size_large > 9_000_000
    assert peak_large < 4_000_000  # far below the file's size: pages are not kept
    assert peak_large < peak_small + 1_000_000  # 8x the pages, about the same peak
