# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Each installs what is missing first: a virtual environment, the package with its
# dependencies, and Chromium from the system's packages (Playwright is pointed at it, since
# `playwright install` cannot download browsers on machines without internet access).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES_TEST := postgresql

.PHONY: demo test install system-browser system-test-deps bench clean

demo: install
	$(BIN)/assessor demo

# Two test processes (pytest-xdist), each taking whole files: the suite mostly waits on browsers
# and servers, so two halve its time on a 2-core machine. TEST_PROCESSES=0 runs it in one.
TEST_PROCESSES ?= 2

test: install system-test-deps
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_PROCESSES) --dist loadfile

install: $(STAMP) system-browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# Debian's Chromium and its headless shell; assessor finds them on PATH (or set ASSESSOR_CHROMIUM).
# The headless shell (what Playwright itself runs headless) loads a page for about a third of the
# CPU; where a system has no such package, assessor runs the full browser.
system-browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "installing Chromium from the system packages"; \
	    $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@command -v chromium-headless-shell >/dev/null 2>&1 || \
	  { echo "installing Chromium's headless shell from the system packages"; \
	    { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium-headless-shell; } || \
	    echo "no chromium-headless-shell package here: assessor will run the full Chromium"; }

# PostgreSQL for the store's PostgreSQL tests (a throwaway cluster is started by the tests).
system-test-deps:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  { echo "installing $(APT_PACKAGES_TEST) from the system packages"; \
	    $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(APT_PACKAGES_TEST); }

# Benchmarks run on demand, never in the test suite (numbers go in the closing notes).
bench: install
	$(BIN)/python bench/assess_sample.py
	$(BIN)/python bench/campaign_bench.py

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache
