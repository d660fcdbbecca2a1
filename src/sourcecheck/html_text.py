"""HTML to article text: metadata from the head, then the article body with its paragraph breaks.

The page is parsed once with selectolax (lexbor). Metadata (title, publication date, canonical
URL) is read before anything is removed; then scripts, navigation, headers and footers, asides,
forms, cookie banners and the like are dropped, the article is chosen (`<article>`, else
`<main>`, else the body) and rendered to text: block elements become paragraphs separated by a
blank line, list items and table rows become lines, inline whitespace is collapsed.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

# Never prose. Removed wherever they are.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "nav", "aside", "form", "button", "select", "input", "textarea", "dialog", "menu", "img",
    "picture", "video", "audio", "map", "head",
)
_DROP_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu")
# Matched against class and id. Substrings that only ever mean a consent or cookie layer:
_BOILERPLATE_ANYWHERE = re.compile(r"cookie|consent|gdpr|onetrust|didomi|cookiebot|paywall", re.I)
# Whole words of a class or id (split at -, _ and spaces):
_BOILERPLATE_WORDS = frozenset(
    "advert advertisement ads ad adslot sponsor sponsored promo newsletter subscribe subscription "
    "share sharing social related recommended comments comment sidebar breadcrumb breadcrumbs "
    "popup modal overlay banner masthead skip toc navbox catlinks noprint mw-editsection "
    "mw-jump-link printfooter reflist references nav navbar navigation menu topbar footer "
    "site-header site-footer".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NAME_PARTS = re.compile(r"[\s_-]+")
_BLOCK_PARAGRAPH = frozenset(
    "address article blockquote body center details dir div dl fieldset figcaption figure footer "
    "h1 h2 h3 h4 h5 h6 header hgroup hr html legend main ol p pre section summary table ul "
    "caption".split()
)
_BLOCK_LINE = frozenset("li dd dt tr".split())
_CELL = frozenset(("td", "th"))
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Whole paragraphs that are page furniture, not article text.
_FURNITURE = re.compile(
    r"(advertisement|skip to (main )?content|share( this( article| story| page)?)?( on \w+)?|"
    r"read more|continue reading|subscribe( now)?|sign up|log ?in|related (articles|stories)|"
    r"accept( all)?( cookies)?|reject all|manage (cookies|preferences)|back to top|print|email)[.:!]?",
    re.I,
)
_META_DATES = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:published_time"),
    ("name", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "citation_publication_date"),
    ("name", "citation_date"),
    ("name", "DC.date.issued"),
    ("name", "DC.date"),
    ("name", "dcterms.issued"),
    ("name", "dcterms.date"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "publication_date"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
)
_ARTICLE_TYPES = ("article", "newsarticle", "blogposting", "report", "scholarlyarticle", "webpage")


@dataclass(frozen=True)
class HtmlText:
    """What a page yields: its article text and the metadata found in it."""

    text: str
    title: str | None
    dates: list[tuple[str, str]]  # (value, where it was found), most trusted first
    url: str | None


def extract_html(html: str) -> HtmlText:
    """Article text and metadata of an HTML page.

    Example: `extract_html("<nav>Home</nav><article><h1>T</h1><p>A &amp; B.</p></article>").text`
    is `"T\\n\\nA & B."`.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    metas = _meta_tags(tree)
    title = _first(
        metas.get(("property", "og:title")), metas.get(("name", "og:title")), _node_text(tree.css_first("title"))
    )
    url = _canonical_url(tree, metas)
    article = _largest(tree.css("article"))
    dates = _meta_dates(metas) + _json_ld_dates(tree) + _time_dates(article or tree.css_first("main"))
    # A logo in the site header is often an <h1> too: look in the article first.
    title = title or _node_text((article or tree.css_first("main") or tree).css_first("h1"))

    _remove_boilerplate(tree)
    root = _choose_root(tree)
    text = _render(root) if root is not None else ""
    return HtmlText(text=text, title=title, dates=dates, url=url)


def looks_like_html(text: str) -> bool:
    """Whether text (from standard input or an unknown extension) is an HTML page or fragment."""
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    if re.match(r"<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<(!doctype\s+)?html", head):
        return True
    tags = r"<(head|body|article|main|p|div|h[1-6]|section|title|meta)[\s>]"
    return head.startswith("<") and re.search(tags, head) is not None


def _meta_tags(tree: Any) -> dict[tuple[str, str], str]:
    """`(attribute, value) -> content` for each <meta>, the attribute value lower-cased; first wins."""
    found: dict[tuple[str, str], str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = attrs.get(attr)
            if key:
                found.setdefault((attr, key.strip().lower()), content)
    return found


def _meta_dates(metas: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    dates = []
    for attr, key in _META_DATES:
        value = metas.get((attr, key.lower()))
        if value:
            dates.append((value, f"from <meta {attr}={key}>"))
    return dates


def _json_ld_dates(tree: Any) -> list[tuple[str, str]]:
    dates: list[tuple[str, str]] = []
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text(deep=True), strict=False)
        except ValueError:
            continue
        found = sorted(_json_ld_objects(data), key=lambda obj: not _is_article(obj))
        for obj in found:
            value = obj.get("datePublished")
            if isinstance(value, str) and value.strip():
                dates.append((value.strip(), "from JSON-LD datePublished"))
    return dates


def _json_ld_objects(data: Any) -> list[dict[str, Any]]:
    objects, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            objects.append(item)
            stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))
    return objects


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds)


def _time_dates(article: Any) -> list[tuple[str, str]]:
    """`<time datetime>` in the article that dates the article, not an event in its text.

    A <time> marked pubdate or datePublished first; then one in the article's header or byline;
    then the first one that is not inside a paragraph (a <time> in running text dates what the
    text is about, and for a history that is not when it was published).
    """
    if article is None:
        return []
    times = [node for node in article.css("time[datetime]") if (node.attributes.get("datetime") or "").strip()]
    marked = [t for t in times if "pubdate" in t.attributes or _attr(t, "itemprop") == "datepublished"]
    headed = [t for t in times if _has_ancestor(t, article, _is_byline)]
    loose = [t for t in times if not _has_ancestor(t, article, lambda n: n.tag in _RUNNING_TEXT)]
    for group in (marked, headed, loose[:1]):
        if group:
            return [(group[0].attributes["datetime"].strip(), "from <time datetime> in the article")]
    return []


_RUNNING_TEXT = ("p", "li", "blockquote", "td", "figcaption")
_BYLINE_WORDS = ("byline", "dateline", "meta", "published", "posted", "date")


def _is_byline(node: Any) -> bool:
    return node.tag in ("header", "footer") or _classy(node, _BYLINE_WORDS)


def _attr(node: Any, name: str) -> str:
    return (node.attributes.get(name) or "").strip().lower()


def _has_ancestor(node: Any, stop: Any, test: Any) -> bool:
    node = node.parent
    while node is not None and node.mem_id != stop.mem_id:
        if test(node):
            return True
        node = node.parent
    return False


def _classy(node: Any, words: tuple[str, ...]) -> bool:
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
    return any(word in re.split(r"[\s_-]+", names) for word in words)


def _canonical_url(tree: Any, metas: dict[tuple[str, str], str]) -> str | None:
    for node in tree.css("link[href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        if "canonical" in rel:
            return (node.attributes.get("href") or "").strip() or None
    return metas.get(("property", "og:url")) or metas.get(("name", "og:url"))


def _remove_boilerplate(tree: Any) -> None:
    body = tree.body or tree.root
    total = len(body.text(deep=True)) if body is not None else 0
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            # ASP.NET wraps whole pages in one <form>: keep a form that holds the article.
            if node.parent is not None and not (tag == "form" and _wraps_content(node, total)):
                node.decompose()
    for node in tree.css("header, footer"):
        # A header inside an article holds its headline and byline: keep it.
        if node.tag == "footer" or not _inside(node, "article"):
            if node.parent is not None and node.css_first("article, main") is None:
                node.decompose()
    for node in tree.css("[role], [hidden], [aria-hidden], [style], [class], [id], sup"):
        # A node whose ancestor went already has no parent: skip it.
        if node.parent is not None and _is_boilerplate(node) and not _protected(node, total):
            node.decompose()


def _is_boilerplate(node: Any) -> bool:
    attrs = node.attributes
    if (attrs.get("role") or "").lower() in _DROP_ROLES or "hidden" in attrs:
        return True
    if (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(attrs.get("style") or ""):
        return True
    classes = (attrs.get("class") or "").lower()
    if node.tag == "sup" and "reference" in classes.split():
        return True  # Wikipedia's [1] citation marks
    return _names_are_boilerplate(classes) or _names_are_boilerplate((attrs.get("id") or "").lower())


@functools.lru_cache(maxsize=4096)
def _names_are_boilerplate(names: str) -> bool:
    """Whether a class or id value names page furniture ("cookie-notice", "share", "sidebar")."""
    if not names:
        return False
    if _BOILERPLATE_ANYWHERE.search(names):
        return True
    words = set(names.split()) | set(_NAME_PARTS.split(names))
    return not words.isdisjoint(_BOILERPLATE_WORDS)


def _protected(node: Any, total: int) -> bool:
    """Never drop the article itself, its headline, nor a wrapper holding most of the page's text."""
    return node.tag in ("html", "body") or node.css_first("h1") is not None or _wraps_content(node, total)


def _wraps_content(node: Any, total: int) -> bool:
    if node.tag in ("article", "main") or node.css_first("article, main") is not None:
        return True
    return total > 0 and len(node.text(deep=True)) > 0.5 * total


def _inside(node: Any, tag: str) -> bool:
    node = node.parent
    while node is not None:
        if node.tag == tag:
            return True
        node = node.parent
    return False


def _largest(nodes: list[Any]) -> Any:
    return max(nodes, key=lambda node: len(node.text(deep=True)), default=None)


def _choose_root(tree: Any) -> Any:
    """The largest <article>, unless it is a teaser much smaller than the page's main text."""
    body = tree.css_first("main") or tree.css_first('[role="main"]') or tree.body or tree.root
    article = _largest(tree.css("article"))
    if article is None:
        return body
    body_chars = len(_SPACES.sub(" ", body.text(deep=True)).strip()) if body is not None else 0
    article_chars = len(_SPACES.sub(" ", article.text(deep=True)).strip())
    return article if article_chars >= 0.25 * body_chars else body


def _render(root: Any) -> str:
    """Text of `root`: paragraphs separated by blank lines, lines by newlines, spaces collapsed."""
    blocks: list[tuple[int, str]] = []  # (break before it: 1 line, 2 paragraph, text)
    pending = 0
    buffer: list[str] = []

    def flush(strength: int) -> None:
        nonlocal pending
        text = _SPACES.sub(" ", _INVISIBLE.sub("", "".join(buffer))).strip()
        buffer.clear()
        if text:
            blocks.append((pending, text))
            pending = 0
        pending = max(pending, strength)

    # Iterative walk: deeply nested pages must not hit the recursion limit.
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag.startswith("-") or tag.startswith("_"):
            continue  # comments, doctype
        strength = 2 if tag in _BLOCK_PARAGRAPH else 1 if tag in _BLOCK_LINE else 0
        if leaving:
            if strength:
                flush(strength)
            continue
        if tag == "br":
            flush(1)
            continue
        if strength:
            flush(strength)
        if tag in _CELL and node.prev is not None and _has_prev_cell(node):
            buffer.append(" | ")
        if tag == "pre":
            for i, line in enumerate((node.text(deep=True) or "").split("\n")):
                if i:
                    flush(1)
                buffer.append(line)
            flush(2)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    flush(0)

    out: list[str] = []
    for strength, text in blocks:
        if _FURNITURE.fullmatch(text):
            continue
        if out:
            out.append("\n\n" if strength >= 2 else "\n")
        out.append(text)
    return "".join(out)


def _has_prev_cell(node: Any) -> bool:
    prev = node.prev
    while prev is not None:
        if prev.tag in _CELL:
            return True
        prev = prev.prev
    return False


def _node_text(node: Any) -> str | None:
    if node is None:
        return None
    return _SPACES.sub(" ", node.text(deep=True)).strip() or None


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return _SPACES.sub(" ", value).strip()
    return None
