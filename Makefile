# Two commands from a fresh clone: `make test` and `make reproduce`. Both install first (idempotent).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
WEEK   ?=
PYTEST_ARGS ?=

.PHONY: install test test-slow reproduce lint format notebooks site clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt --config-settings editable_mode=compat -e ".[all]"
	@touch $(STAMP)

install: $(STAMP)

# Two workers (one per core of the reference laptop); a module's tests stay on one worker so its fixtures run once.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The tests marked `slow` (over ~10 s each: reference grades of the heavy units, end-to-end runs); not in `make test`.
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -n 2 --dist loadfile $(PYTEST_ARGS)

reproduce: $(STAMP)
ifeq ($(WEEK),)
	$(VENV)/bin/roadmap reproduce
else
	$(VENV)/bin/roadmap run $(WEEK)
endif

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

notebooks: $(STAMP)
	$(PY) -m pytest tests/test_notebooks.py -m notebook -q -n 2 $(PYTEST_ARGS)

site: $(STAMP)
	$(PY) -m capstones.c4_interview.site --out build/site-build
	@echo "open build/site-build/site/index.html"

clean:
	rm -rf outputs build .pytest_cache .ruff_cache
