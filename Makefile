# storyline: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHARED ?= ../shared

.PHONY: demo test eval bench bench-events install install-test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/storyline demo --db demo.db

test: install-test
	$(PY) -m pytest -q

eval: install-test $(VENV)/.installed-eval
	$(PY) -m storyline.evaluate --shared $(SHARED) $(EVAL_ARGS)

# speed and memory as ratios against baselines run side by side (see bench/run.py; ~10 min)
bench: install-test
	$(PY) bench/run.py $(BENCH_ARGS)

$(VENV)/.installed-eval: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[eval]'
	touch $@

lint: install-test
	$(PY) -m pip install -q ruff
	$(VENV)/bin/ruff check src tests

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm build *.egg-info src/*.egg-info

bench-events: install
	$(PY) -m storyline.bench_events $(BENCH_ARGS)
