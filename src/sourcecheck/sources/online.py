"""Wikipedia online, an opt-in evidence source: MediaWiki search, then each hit's plain-text extract.

    wiki = WikipediaOnline()                       # nothing is sent until search()
    try:
        docs = wiki.search("Molotov-Ribbentrop Pact", limit=3)
    except OfflineError as exc:
        print(f"warning: {exc}")                   # one line; carry on with local evidence
    # -> [SourceDocument(id="wikipedia-online:20861", kind="wikipedia-online", ...), ...]

Requests go to the MediaWiki Action API (`action=query&list=search`, then per page
`prop=extracts|info|revisions` with `explaintext`, since whole-page extracts come one page per
request). Timeouts, 429 and 5xx answers are retried with exponential backoff; a network that is
not there at all (no route, DNS failure, connection refused) fails at once with `OfflineError`.
Tests inject an `httpx` transport (`httpx.MockTransport`, or a local server) instead of patching.

Errors:

    OnlineError (SourcecheckError)   the API answered, but not usefully (HTTP 4xx, an API error,
    │                                not JSON); the message says what and what to do
    └── OfflineError                 Wikipedia cannot be reached (no network, or no answer in
                                     time after every retry)
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from sourcecheck.errors import SourcecheckError
from sourcecheck.types import SourceDocument

if TYPE_CHECKING:  # pragma: no cover
    import httpx

DEFAULT_API = "https://en.wikipedia.org/w/api.php"
MAX_RETRY_AFTER = 30.0  # seconds: a longer Retry-After is cut to this


class OnlineError(SourcecheckError):
    """The online source answered, but not with what was asked for."""


class OfflineError(OnlineError):
    """The online source cannot be reached: no network, or no answer in time."""


def _user_agent() -> str:
    from sourcecheck import __version__

    # Wikimedia's User-Agent policy asks for a name, a version and a way to learn more.
    return f"sourcecheck/{__version__} (offline-first fact-checking tool; opt-in --online evidence) httpx"


class WikipediaOnline:
    """A small MediaWiki API client for evidence: `search(query)` -> `SourceDocument`s.

    Settings are stored and checked here; the HTTP client is made on first use and can be
    closed with `close()` (or a `with` block). `transport` replaces the network (tests);
    `timeout` is per request in seconds; `retries` is how many times a timeout, 429 or 5xx is
    retried, waiting `backoff`, 2 x `backoff`, 4 x `backoff`, ... seconds (or the server's
    Retry-After); `max_chars` caps each extract, cut at a paragraph end.
    Example: `WikipediaOnline(base_url="https://de.wikipedia.org/w/api.php").search("Jalta", limit=2)`.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_API,
        transport: "httpx.BaseTransport | None" = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        user_agent: str | None = None,
        max_chars: int = 50_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise OnlineError(f"the API address {base_url!r} is not an http(s) URL; "
                              f"use one like {DEFAULT_API}")
        if timeout <= 0 or retries < 0 or backoff < 0 or max_chars < 1:
            raise OnlineError("timeout and max_chars must be positive, retries and backoff not negative; "
                              f"got timeout={timeout}, retries={retries}, backoff={backoff}, max_chars={max_chars}")
        self.base_url = base_url
        self.host = parts.hostname or parts.netloc
        self.transport = transport
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.user_agent = user_agent or _user_agent()
        self.max_chars = max_chars
        self._sleep = sleep
        self._client: "httpx.Client | None" = None

    # --- public ---------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 5) -> list[SourceDocument]:
        """The best `limit` articles for `query`, each with its plain-text extract, best first.

        Raises `OfflineError` (one line) when Wikipedia cannot be reached and `OnlineError` when it
        answers with an error; an empty list when nothing matches. Pages that vanished between
        search and fetch are left out. Example: `[d.title for d in wiki.search("Yalta Conference")]`.
        """
        query = " ".join(query.split())
        if not query:
            return []
        limit = max(1, min(int(limit), 50))
        found = self._get({
            "action": "query", "list": "search", "srsearch": query, "srlimit": str(limit),
            "srnamespace": "0", "srprop": "", "srinfo": "",
        })
        hits = (found.get("query") or {}).get("search") or []
        docs = []
        for hit in hits[:limit]:
            page_id = hit.get("pageid") if isinstance(hit, dict) else None
            if page_id is None:
                continue
            doc = self.page(int(page_id))
            if doc is not None:
                docs.append(doc)
        return docs

    def page(self, page_id: int) -> SourceDocument | None:
        """One article by page id as a `SourceDocument`, or None if it is missing or has no text."""
        answer = self._get({
            "action": "query", "pageids": str(page_id), "prop": "extracts|info|revisions",
            "explaintext": "1", "exsectionformat": "wiki", "inprop": "url", "rvprop": "ids|timestamp",
        })
        pages = (answer.get("query") or {}).get("pages") or []
        if isinstance(pages, dict):  # formatversion=1 keys pages by id
            pages = list(pages.values())
        for page in pages:
            if isinstance(page, dict) and str(page.get("pageid")) == str(page_id) and "missing" not in page:
                return self._document(page)
        return None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> "WikipediaOnline":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- HTTP -----------------------------------------------------------------------------

    def _http(self) -> "httpx.Client":
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                transport=self.transport,
                timeout=httpx.Timeout(self.timeout),
                headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                follow_redirects=True,
            )
        return self._client

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        """GET the API with retries; the decoded JSON object, or OnlineError/OfflineError."""
        import httpx

        params = {**params, "format": "json", "formatversion": "2"}
        attempts = self.retries + 1
        problem = ""
        for attempt in range(attempts):
            wait = self.backoff * (2 ** attempt)
            try:
                response = self._http().get(self.base_url, params=params)
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
            except httpx.ConnectError as exc:
                raise OfflineError(
                    f"cannot reach Wikipedia at {self.host} ({_reason(exc)}); check the network connection, "
                    "or leave out --online to use local evidence only"
                ) from None
            except httpx.TransportError as exc:  # the connection broke mid-answer: worth a retry
                problem = f"the connection broke ({_reason(exc)})"
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    problem = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                    wait = max(wait, _retry_after(response))
                else:
                    return self._decode(response)
            if attempt + 1 < attempts:
                self._sleep(min(wait, MAX_RETRY_AFTER))
        tries = f"{attempts} tr{'y' if attempts == 1 else 'ies'}"
        raise OfflineError(f"Wikipedia at {self.host} did not answer usefully: {problem} ({tries}); "
                           "try again later, or leave out --online to use local evidence only")

    def _decode(self, response: "httpx.Response") -> dict[str, Any]:
        if response.status_code >= 400:
            raise OnlineError(f"Wikipedia at {self.host} refused the request: HTTP {response.status_code} "
                              f"{response.reason_phrase}; check --online settings (the API address) and try again")
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "unknown type").split(";")[0]
            raise OnlineError(f"{self.base_url} did not answer with JSON ({kind}); "
                              "check that it is a MediaWiki api.php address") from None
        if not isinstance(answer, dict):
            raise OnlineError(f"{self.base_url} answered with JSON that is not an API result; "
                              "check that it is a MediaWiki api.php address")
        error = answer.get("error")
        if isinstance(error, dict):
            info = " ".join(str(error.get("info") or "").split())[:200]
            raise OnlineError(f"Wikipedia's API refused the request ({error.get('code')}: {info}); "
                              "this is a bug in sourcecheck's online source, please report it")
        return answer

    # --- documents ------------------------------------------------------------------------

    def _document(self, page: dict[str, Any]) -> SourceDocument | None:
        title = " ".join(str(page.get("title") or "").split())
        extract = page.get("extract")
        if not title or not isinstance(extract, str):
            return None
        text = extract_to_text(extract, max_chars=self.max_chars)
        if not text:
            return None
        revisions = page.get("revisions") or []
        revision = revisions[0] if revisions and isinstance(revisions[0], dict) else {}
        timestamp = str(revision.get("timestamp") or "")
        day = timestamp[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", timestamp[:10]) else None
        revid = revision.get("revid") or page.get("lastrevid")
        url = page.get("canonicalurl") or page.get("fullurl") or _article_url(self.base_url, title)
        when = " ".join(p for p in (f"revision {revid}" if revid else "", f"of {day}" if day else "") if p)
        wiki = "English Wikipedia" if self.host == "en.wikipedia.org" else f"Wikipedia ({self.host})"
        ident = f"wikipedia-online:{page['pageid']}" if self.host == "en.wikipedia.org" else \
            f"wikipedia-online:{self.host}:{page['pageid']}"
        return SourceDocument(
            id=ident,
            title=title,
            text=text,
            url=str(url),
            published=day,
            licence="CC BY-SA 4.0",
            attribution=f"Wikipedia contributors, {title}, {wiki} ({when + ', ' if when else ''}retrieved online)",
            kind="wikipedia-online",
        )


def extract_to_text(extract: str, *, max_chars: int = 50_000) -> str:
    """A TextExtracts plain-text extract (sections as `== X ==`) as evidence text.

    Headings become "X." lines, "References"/"See also"/"External links" sections are dropped,
    and the text is cut at the last paragraph end before `max_chars`. Example:
    `extract_to_text("Intro.\\n\\n\\n== History ==\\nBegun 1939.")` is `"Intro.\\n\\nHistory.\\nBegun 1939."`.
    """
    from sourcecheck.ingest import clean_text
    from sourcecheck.sources.wikidump import REFERENCE_SECTIONS, heading_of

    out: list[str] = []
    skip_level = 0
    for line in extract.split("\n"):
        heading = heading_of(line.strip()) if line.startswith("==") else None
        if heading:
            level, title = heading
            if skip_level and level > skip_level:
                continue
            skip_level = level if title.lower().rstrip(".:") in REFERENCE_SECTIONS else 0
            if not skip_level and title:
                out.extend(["", title if title[-1] in ".?!:" else title + "."])
            continue
        if not skip_level:
            out.append(line)
    text = clean_text("\n".join(out))
    if len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars].rstrip()
    return text


def _article_url(base_url: str, title: str) -> str:
    from sourcecheck.sources.wikipedia_packs import wikipedia_url

    parts = urlsplit(base_url)
    return wikipedia_url(title, base=f"{parts.scheme}://{parts.netloc}/wiki/")


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    return text[:120]


def _retry_after(response: "httpx.Response") -> float:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return 0.0
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, moment.timestamp() - time.time())

