"""MediaWiki XML dumps (`.xml`, `.xml.bz2`) streamed into plain-text articles.

    for item in read_dump("enwiki-latest-pages-articles1.xml-p1p41242.bz2"): ...
    wikitext_to_text("'''Yalta''' was a [[conference|meeting]].{{citation needed}}")
    # -> "Yalta was a meeting."

The dump is parsed with `xml.etree.ElementTree.iterparse` and every page is cleared from the tree
once read, so memory stays flat whatever the dump's size. Only articles are kept: main namespace,
not redirects, not disambiguation pages. `wikitext_to_text` is a small, linear-time renderer:
it keeps the prose (link text, list items, headings as "Heading." lines) and drops what is not
prose (templates, references, tables, files, categories, comments, reference sections).
"""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as ET
from typing import Iterator
from urllib.parse import quote

from sourcecheck.sources import SourceError
from sourcecheck.types import SourceDocument

# --- streaming the dump ---------------------------------------------------------------------


def read_dump(path: str | os.PathLike[str], *, min_chars: int = 1) -> Iterator[SourceDocument | SourceError]:
    """Yield one `SourceDocument` (kind "wikipedia-dump") per article page of a MediaWiki dump.

    Any version of the export schema is read (its namespace is taken from the root element).
    Redirects, pages outside the main namespace, disambiguation pages and pages whose text is
    shorter than `min_chars` once rendered are skipped. For Wikipedia the id is
    "wikipedia:<page id>" (English; the same ids as the history pack, so a newer dump replaces
    its articles) or "<dbname>:<page id>" (other wikis), `published` the date of the revision and
    the licence CC BY-SA 4.0 for revisions since 29 June 2023, else CC BY-SA 3.0. A dump that is
    not well-formed, or cut short, yields the articles before the fault and one `SourceError`.
    Example: `next(read_dump("dump.xml.bz2")).url` is `"https://en.wikipedia.org/wiki/Anarchism"`.
    """
    from sourcecheck.sources.jsonl import STREAM_ERRORS, open_binary, stream_problem

    shown = os.fspath(path)
    try:
        with open_binary(path) as handle:
            yield from _pages(handle, shown, min_chars)
    except ET.ParseError as exc:
        line, column = exc.position
        yield SourceError(f"{shown}:{line}", f"{shown}:{line}: not a well-formed MediaWiki XML dump "
                                             f"(column {column}: {_short(exc)}); the file may be cut short "
                                             "or not a dump, download it again")
    except STREAM_ERRORS as exc:
        yield SourceError(shown, stream_problem(path, exc))


class _Site:
    """What the dump's <siteinfo> says about the wiki: names, URL base, id prefix."""

    def __init__(self) -> None:
        self.dbname = ""
        self.sitename = "wiki"
        self.article_base = ""
        self.language = ""

    def read(self, info: ET.Element, ns: str) -> None:
        self.dbname = (info.findtext(f"{ns}dbname") or "").strip()
        self.sitename = (info.findtext(f"{ns}sitename") or self.sitename).strip()
        base = (info.findtext(f"{ns}base") or "").strip()  # the main page's URL
        self.article_base = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
        match = re.match(r"https?://([a-z][a-z-]*)\.wikipedia\.org/", base)
        self.language = match.group(1) if match else ""

    @property
    def is_wikipedia(self) -> bool:
        return bool(self.language)

    def doc_id(self, page_id: str) -> str:
        if self.language == "en":
            return f"wikipedia:{page_id}"
        return f"{self.dbname or (self.language + 'wiki' if self.language else 'wiki')}:{page_id}"

    def url(self, title: str) -> str | None:
        if not self.article_base:
            return None
        return self.article_base + quote(title.replace(" ", "_"), safe="_/:(),'!*;@$-.~")

    def wiki_name(self) -> str:
        if self.language == "en":
            return "English Wikipedia"
        if self.is_wikipedia:
            return f"Wikipedia ({self.language})"
        return self.sitename


def _pages(handle, shown: str, min_chars: int) -> Iterator[SourceDocument]:
    site = _Site()
    root: ET.Element | None = None
    ns = ""
    for event, elem in ET.iterparse(handle, events=("start", "end")):
        if root is None:
            root = elem
            ns = elem.tag[: elem.tag.index("}") + 1] if elem.tag.startswith("{") else ""
            continue
        if event != "end":
            continue
        tag = elem.tag[len(ns):]
        if tag == "siteinfo":
            site.read(elem, ns)
            root.clear()
        elif tag == "page":
            doc = _page(elem, ns, site, min_chars)
            # Clearing the root drops this page (its only child left): memory stays flat.
            root.clear()
            if doc is not None:
                yield doc


_DISAMBIGUATION = re.compile(
    r"\{\{\s*(?:disambiguation|disambig|dab|disamb|hndis|geodis|human name disambiguation|"
    r"place name disambiguation|mountainindex|set index article|ship index|roadindex)\s*[|}]",
    re.IGNORECASE,
)
_CC4_SINCE = "2023-06-29"


def _page(page: ET.Element, ns: str, site: _Site, min_chars: int) -> SourceDocument | None:
    if (page.findtext(f"{ns}ns") or "0").strip() != "0" or page.find(f"{ns}redirect") is not None:
        return None
    title = " ".join((page.findtext(f"{ns}title") or "").split())
    page_id = (page.findtext(f"{ns}id") or "").strip()
    revision = page.find(f"{ns}revision")
    if not title or not page_id or revision is None:
        return None
    wikitext = revision.findtext(f"{ns}text") or ""
    if wikitext.lstrip()[:9].upper() == "#REDIRECT" or _DISAMBIGUATION.search(wikitext):
        return None
    text = wikitext_to_text(wikitext)
    if len(text) < max(min_chars, 1):
        return None
    timestamp = (revision.findtext(f"{ns}timestamp") or "").strip()
    day = timestamp[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", timestamp[:10]) else None
    licence = None
    if site.is_wikipedia:
        licence = "CC BY-SA 4.0" if day and day >= _CC4_SINCE else "CC BY-SA 3.0"
    revision_id = (revision.findtext(f"{ns}id") or "").strip()
    dated = f"revision {revision_id} of {day}" if revision_id and day else f"revision of {day}" if day else "dump"
    return SourceDocument(
        id=site.doc_id(page_id),
        title=title,
        text=text,
        url=site.url(title),
        published=day,
        licence=licence,
        attribution=f"{'Wikipedia' if site.is_wikipedia else site.sitename} contributors, {title}, "
                    f"{site.wiki_name()} ({dated}, from an XML dump)",
        kind="wikipedia-dump",
    )


def _short(exc: Exception) -> str:
    return str(exc).split(":", 1)[0]


# --- wikitext to plain text -----------------------------------------------------------------

# Elements dropped with everything inside them: footnotes, formulas, galleries and the like.
_DROPPED_ELEMENTS = (
    "ref", "references", "math", "chem", "ce", "gallery", "timeline", "graph", "mapframe", "maplink",
    "imagemap", "score", "syntaxhighlight", "source", "templatedata", "templatestyles", "inputbox",
    "categorytree", "hiero", "table",
)
_ELEMENT_OPEN = re.compile(r"<(" + "|".join(_DROPPED_ELEMENTS) + r")\b([^<>]*+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*+\b[^<>]*+>")
_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|poem|blockquote)\b[^<>]*+>", re.IGNORECASE)
# The brackets that nest: templates, tables (opened and closed at the start of a line), links.
# Every alternative starts with a literal character, which keeps the scan fast; whether a table
# bracket stands at the start of its line is checked in `_at_line_start`.
_BRACKETS = re.compile(r"\{\{|\}\}|\[\[|\]\]|\{\||\|\}(?!\})")
_EXTERNAL_LINK = re.compile(r"\[(?:https?:|ftp:)?//[^\s\[\]<>]++(?:[ \t]++([^\[\]\n]{0,500}))?\]")
_EMPHASIS = re.compile(r"''+")
_MAGIC_WORD = re.compile(r"__[A-Z]+__")
_LINK_DROPPED = re.compile(r"\s*:?\s*(?:file|image|category|media)\s*:", re.IGNORECASE)
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z]{2,8})*|simple")
_NAMESPACE_PREFIX = re.compile(r"^(?:wikt|wiktionary|w|wikipedia|wp|s|wikisource|q|wikiquote|c|commons):",
                               re.IGNORECASE)
REFERENCE_SECTIONS = frozenset(
    {
        "references", "notes", "see also", "external links", "further reading", "bibliography",
        "sources", "footnotes", "citations", "notes and references", "references and notes",
        "explanatory notes", "works cited", "literature", "external sources", "related articles",
    }
)
_SPACES = re.compile(r"  +")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.;:!?)])")
_SPACED_PUNCT = (" ,", " .", " ;", " :", " !", " ?", " )")
_EMPTY_PARENS = re.compile(r"\( *+(?:[,;:] *+)*\)")
_PAREN_LEADING_PUNCT = re.compile(r"\( *+[,;:] *+")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def wikitext_to_text(wikitext: str) -> str:
    """Render wikitext as plain prose, in time linear in its length (no regex backtracking blow-up).

    Dropped: templates `{{...}}` (nested; a few that carry prose are rendered: lang, convert,
    nowrap, birth/death/start dates, ...), `<ref>` footnotes, tables `{| ... |}`, file, image and
    category links, interlanguage links, HTML comments, behaviour switches (`__TOC__`) and the
    "References", "See also", "External links" sections. Kept: link text (`[[a|b]]` -> b,
    `[[a]]` -> a), external link text (`[https://x text]` -> text), list items one per line,
    headings (`== X ==` -> "X." on a line of its own). Bold and italic quotes are removed;
    paragraphs are separated by one blank line. Unbalanced brackets are kept as written.
    Example: `wikitext_to_text("== Aftermath ==\\nThe [[Treaty of Versailles|treaty]]...")`
    is `"Aftermath.\\nThe treaty..."`.
    """
    # Each pass is skipped when the text has none of its markup: most pages have few of them.
    text = wikitext.replace("\r\n", "\n").replace("\r", "\n")
    if "<!--" in text:
        text = _drop_comments(text)
    if "<" in text:
        text = _drop_elements(text)
    text = _render_brackets(text)
    if "//" in text:
        text = _EXTERNAL_LINK.sub(lambda m: m.group(1) or "", text)
    if "<" in text:
        text = _TAG.sub("", _BREAK.sub("\n", text))
    if "''" in text:
        text = _EMPHASIS.sub("", text)
    if "__" in text:
        text = _MAGIC_WORD.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\t", " ").replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n")
    return _tidy(_render_lines(text))


def _drop_comments(text: str) -> str:
    parts, pos = [], 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            parts.append(text[pos:])
            break
        parts.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:  # an unclosed comment hides the rest of the page, as MediaWiki renders it
            break
        pos = end + 3
    return "".join(parts)


def _drop_elements(text: str) -> str:
    """Remove <ref>...</ref>, <ref/>, <math>...</math>, ... in one pass.

    The position of the next closing tag of each name is cached and only searched for again once
    the scan has passed it, so a page full of unclosed tags still takes linear time.
    """
    parts, pos = [], 0
    next_close: dict[str, tuple[int, int]] = {}  # name -> (start, end) of the next </name>, or (-1, -1)
    for match in _ELEMENT_OPEN.finditer(text):
        if match.start() < pos:
            continue
        parts.append(text[pos:match.start()])
        name = match.group(1).lower()
        if match.group(2).rstrip().endswith("/"):
            pos = match.end()
            continue
        start, end = next_close.get(name, (0, 0))
        if 0 <= start < match.end():
            closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, match.end())
            start, end = (closing.start(), closing.end()) if closing else (-1, -1)
            next_close[name] = (start, end)
        pos = end if start >= 0 else match.end()  # an unclosed element: drop its opening tag only
    parts.append(text[pos:])
    return "".join(parts)


def _render_brackets(text: str) -> str:
    """Templates, tables and internal links, nested any way, rendered in one pass with a stack.

    Text and brackets go into one list of pieces; the stack remembers where each open bracket's
    piece is. A closer renders the pieces since its opener (a template mostly to "", a link to
    its text) and puts the result in their place. Openers never closed, and closers with no opener
    of their kind, are simply left in the list: they show as written, as MediaWiki shows them.
    Nesting deeper than `_MAX_DEPTH` is kept as text too (MediaWiki stops at a similar depth),
    which bounds the work at `_MAX_DEPTH` times the length of the text.
    """
    pieces: list[str] = []
    stack: list[tuple[str, int]] = []  # (opener, index of its piece in `pieces`)
    open_counts = {"{{": 0, "{|": 0, "[[": 0}
    pos = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token[0] == "|" or token[1] == "|":
            if not _at_line_start(text, match.start(), " \t:" if token == "{|" else " \t"):
                continue  # a table bracket inside a line is text (the scan goes on after it)
        pieces.append(text[pos:match.start()])
        pos = match.end()
        if token in open_counts:
            if len(stack) < _MAX_DEPTH:
                stack.append((token, len(pieces)))
                open_counts[token] += 1
            pieces.append(match.group())
            continue
        opener = _CLOSES[token]
        if open_counts[opener] == 0:
            pieces.append(match.group())
            continue
        while True:  # openers left unclosed inside this bracket stay as literal text
            kind, index = stack.pop()
            open_counts[kind] -= 1
            if kind == opener:
                break
        content = "".join(pieces[index + 1:])
        del pieces[index:]
        pieces.append(_render_link(content) if kind == "[[" else _render_template(content) if kind == "{{" else "")
    pieces.append(text[pos:])
    return "".join(pieces)


_MAX_DEPTH = 40


def _at_line_start(text: str, index: int, indent: str) -> bool:
    while index > 0 and text[index - 1] in indent:
        index -= 1
    return index == 0 or text[index - 1] == "\n"


_CLOSES = {"}}": "{{", "]]": "[[", "|}": "{|"}


def _render_link(content: str) -> str:
    target, _, label = content.partition("|")
    if target.lstrip().startswith(":"):  # [[:Category:X]] is a link to the page, shown as such
        target = target.lstrip()[1:]
    elif _LINK_DROPPED.match(target):
        return ""
    stripped = target.strip()
    prefix, colon, _ = stripped.partition(":")
    if colon and not label and _LANGUAGE_CODE.fullmatch(prefix):
        return ""  # [[de:Zweiter Weltkrieg]]: the same article in another language
    if label.strip():
        return label
    return _NAMESPACE_PREFIX.sub("", stripped)


def _render_template(content: str) -> str:
    """The few templates whose output is prose worth keeping; everything else renders to ""."""
    name, *args = content.split("|")
    name = " ".join(name.replace("_", " ").split()).lower()
    for prefix in ("template:", "safesubst:", "subst:"):
        name = name[len(prefix):].strip() if name.startswith(prefix) else name
    positional = [a.strip() for a in args if "=" not in a]
    named = dict(a.split("=", 1) for a in args if "=" in a)
    named = {k.strip().lower(): v.strip() for k, v in named.items()}

    def arg(i: int) -> str:
        return positional[i] if i < len(positional) else ""

    if name in ("!",):
        return "|"
    if name in ("snd", "spaced ndash", "spaced en dash"):
        return " – "
    if name in ("ndash", "en dash"):
        return "–"
    if name in ("mdash", "em dash"):
        return "—"
    if name in ("nbsp", "space"):
        return " "
    if name in ("lang", "transl", "transliteration"):
        return positional[-1] if positional else ""
    if name.startswith("lang-") or name in ("nowrap", "nobr", "small", "smaller", "big", "larger",
                                             "smallcaps", "sc", "angbr", "nihongo", "ill", "interlanguage link",
                                             "flagcountry", "flag", "flagu", "abbr", "keypress", "sic",
                                             "not a typo", "proper name", "as written", "vr", "var", "em",
                                             "strong", "uc", "lc", "linktext"):
        return arg(0)
    if name in ("circa", "c.", "c"):
        return f"c. {arg(0)}".strip()
    if name in ("convert", "cvt"):
        if len(positional) >= 4 and positional[1] in ("-", "to", "and", "or", "–", "and(-)", "to(-)", "x", "by"):
            joiner = "–" if positional[1] in ("-", "–") else f" {positional[1]} "
            return f"{positional[0]}{joiner}{positional[2]} {positional[3]}"
        return f"{arg(0)} {arg(1)}".strip()
    if name in ("birth date", "death date", "start date", "end date", "birth date and age", "death date and age",
                "birth-date", "death-date", "dob", "date", "start date and age", "end date and age",
                "birth year and age", "death year and age", "film date", "release date"):
        return _render_date(positional)
    if name in _CURRENCIES:
        return f"{_CURRENCIES[name]}{arg(0)}" if arg(0) else ""
    if name == "frac" and positional:
        return " ".join(positional[:-2] + ["/".join(positional[-2:])]) if len(positional) > 1 else f"1/{arg(0)}"
    if name in ("fl.", "floruit"):
        return f"fl. {arg(0)}".strip()
    if name in ("as of",):
        return f"As of {_render_date(positional)}".strip()
    if name in ("quote", "blockquote", "quotation", "cquote", "quote box"):
        return named.get("text") or named.get("quote") or arg(0)
    return ""


def _render_date(positional: list[str]) -> str:
    numbers = [p for p in positional if p.isdigit()][:3]
    if not numbers:
        return positional[0] if positional else ""
    year = numbers[0]
    if len(numbers) >= 2 and 1 <= int(numbers[1]) <= 12:
        month = _MONTHS[int(numbers[1]) - 1]
        if len(numbers) == 3 and 1 <= int(numbers[2]) <= 31:
            return f"{int(numbers[2])} {month} {year}"
        return f"{month} {year}"
    return year


_CURRENCIES = {"us$": "US$", "usd": "US$", "£": "£", "gbp": "£", "€": "€", "eur": "€", "¥": "¥", "a$": "A$",
               "ca$": "CA$", "inr": "₹", "₹": "₹"}


def _render_lines(text: str) -> str:
    """Headings to "X." lines, list items to lines, reference sections and table debris dropped.

    Consecutive prose lines form one paragraph (a single newline in wikitext is a space when
    rendered); list items stay one per line; a blank line or a heading ends a paragraph.
    """
    out: list[str] = []
    paragraph: list[str] = []
    skip_level = 0  # inside a "References"-like section of this heading level (0: not skipping)
    heading_at = -1  # index in `out` of the last heading

    def flush() -> None:
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    def blank() -> None:  # one blank line between paragraphs, none right after a heading
        if out and out[-1] and len(out) - 1 != heading_at:
            out.append("")

    for raw in text.split("\n"):
        line = raw.strip()
        heading = heading_of(line)
        if heading is not None:
            level, title = heading
            if skip_level and level > skip_level:
                continue
            skip_level = level if title.lower().rstrip(".:") in REFERENCE_SECTIONS else 0
            flush()
            if not skip_level and title:
                blank()
                out.append(title if title[-1] in ".?!:" else title + ".")
                heading_at = len(out) - 1
            continue
        if skip_level:
            continue
        if not line:
            flush()
            blank()
            continue
        if line[0] in _DEBRIS_START and (line.startswith(("|-", "|+", "{|", "|}")) or set(line) <= _DEBRIS):
            continue  # table debris left by an unbalanced table, rules, bare list markers
        if line[0] in "*#:;":
            flush()
            item = line.lstrip("*#:;").strip()
            if item:
                out.append(item)
            continue
        paragraph.append(line)
    flush()
    return "\n".join(out).strip("\n")


_DEBRIS = frozenset("-=_*#:;|!{}")
_DEBRIS_START = "-=_*#:;|!{"


def heading_of(line: str) -> tuple[int, str] | None:
    if len(line) < 3 or line[0] != "=" or line[-1] != "=":
        return None
    left = len(line) - len(line.lstrip("="))
    right = len(line) - len(line.rstrip("="))
    level = min(left, right, 6)
    if len(line) <= 2 * level:
        return None
    return level, line[level: len(line) - level].strip().strip("=").strip()


def _tidy(text: str) -> str:
    """Spaces left where markup was removed: doubled, before punctuation, in emptied parentheses."""
    if "(" in text:
        text = _PAREN_LEADING_PUNCT.sub("(", _EMPTY_PARENS.sub("", text))
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if any(pair in text for pair in _SPACED_PUNCT):
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    return text.replace(" \n", "\n").replace("\n ", "\n").strip()
