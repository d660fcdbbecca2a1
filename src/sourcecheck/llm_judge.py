"""An optional second opinion from an LLM, through any OpenAI-compatible chat endpoint.

Off by default and never required. Given the claim and the same quotes the local verdict rests
on, the model is asked for one of the four labels; its answer is recorded in
`verdict.checks["llm"]` beside the local verdict and never replaces it. Any failure (refused
connection, timeout, a server that dies mid-answer, a malformed reply) is recorded there as
`error`; after a connection failure the endpoint is not asked again in the same run, so a dead
server costs one timeout, not one per claim.

    >>> judge = LLMJudge("http://127.0.0.1:8080/v1", "smollm2")               # doctest: +SKIP
    >>> judge.judge("The Winter War began in December 1939.", verdict.evidence)
    {'model': 'smollm2', 'label': 'REFUTED', 'answer': 'LABEL: REFUTED ...', 'seconds': 1.2}

The API key, when the endpoint needs one, comes from $SOURCECHECK_LLM_API_KEY or
$OPENAI_API_KEY (never from the command line, where it would end up in shell history).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from typing import Any

from .types import Evidence

SYSTEM = (
    "You are a careful fact-checker. Judge the claim only by the numbered evidence passages, not by "
    "what you know. Reply with one line 'LABEL: X' where X is SUPPORTED, REFUTED, NOT_ENOUGH_EVIDENCE "
    "or CONFLICTING, then one sentence saying why."
)
_LABEL = re.compile(r"\b(SUPPORTED|REFUTED|NOT[ _]ENOUGH[ _]EVIDENCE|CONFLICTING)\b", re.I)


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL given with or without /v1."""
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def parse_label(answer: str) -> str | None:
    m = _LABEL.search(answer)
    return m.group(1).upper().replace(" ", "_") if m else None


def prompt(claim: str, evidence: Sequence[Evidence]) -> str:
    lines = [f"Claim: {claim}", "", "Evidence:"]
    if not evidence:
        lines.append("(none found)")
    for n, ev in enumerate(evidence, 1):
        lines.append(f"[{n}] {ev.title}: {ev.quote}")
    return "\n".join(lines)


class LLMJudge:
    """A client for one OpenAI-compatible endpoint and model. `transport` is for tests (httpx)."""

    def __init__(
        self, url: str, model: str, *, api_key: str | None = None, timeout: float = 30.0, retries: int = 1,
        max_tokens: int = 120, transport: Any | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"--llm must be an http(s) URL such as http://127.0.0.1:8080/v1, got {url!r}")
        self.url = endpoint(url)
        self.model = model
        self.timeout = timeout
        self.retries = retries
        self.max_tokens = max_tokens
        self._api_key = api_key if api_key is not None else os.environ.get("SOURCECHECK_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY")
        self._transport = transport
        self._client: Any = None
        self.unreachable: str | None = None  # set after a connection failure: stop asking

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            self._client = httpx.Client(timeout=self.timeout, headers=headers, transport=self._transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def judge(self, claim: str, evidence: Sequence[Evidence]) -> dict[str, Any]:
        """The model's label and answer, or an `error`; never raises for network or server trouble."""
        import httpx

        record: dict[str, Any] = {"model": self.model, "endpoint": self.url}
        if self.unreachable:
            return record | {"error": f"not asked: {self.unreachable}"}
        body = {
            "model": self.model, "temperature": 0, "max_tokens": self.max_tokens,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt(claim, evidence)}],
        }
        started = time.perf_counter()
        error = "no attempt made"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(2.0, 0.5 * 2 ** (attempt - 1)))
            try:
                response = self._http().post(self.url, json=body)
            except httpx.TimeoutException:
                error = f"no answer within {self.timeout:g} s"
                continue
            except httpx.ConnectError as exc:
                error = f"cannot connect to {self.url} ({exc})"
                continue
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                error = f"the server closed the connection mid-request ({type(exc).__name__})"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                error = f"HTTP {response.status_code} from the server"
                continue
            if response.status_code >= 400:
                return record | {"error": f"HTTP {response.status_code}: {response.text[:200]}"}
            try:
                answer = response.json()["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError):
                return record | {"error": "the reply is not an OpenAI chat completion"}
            return record | {"label": parse_label(answer), "answer": answer.strip()[:1000], "seconds": round(time.perf_counter() - started, 3)}
        if error.startswith(("cannot connect", "no answer", "the server closed")):
            self.unreachable = error
        return record | {"error": error, "seconds": round(time.perf_counter() - started, 3)}
