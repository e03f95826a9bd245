# hoinghi: `make demo` runs the demo, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=

.PHONY: demo test install install-test system-deps system-deps-test messages migrate lint format clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: system-deps $(VENV)/.installed messages
install-test: system-deps-test $(VENV)/.installed-test node_modules/.package-lock.json messages

# axe-core, which the browser tests inject to check every page they visit (WCAG 2.1 AA),
# from the npm registry at the version pinned in package-lock.json. Test-only: nothing
# in node_modules/ is served by the site.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system-deps:
	@scripts/install-system-deps.sh

# The browser tests drive Debian's chromium.
system-deps-test:
	@scripts/install-system-deps.sh --with-browser

messages: | $(VENV)/bin/python
	@$(PY) manage.py compilemessages --ignore=.venv --verbosity=0

migrate: install
	$(PY) manage.py migrate --verbosity=0

demo: install migrate
	$(PY) manage.py load_demo
	scripts/run-demo.sh

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var/broker var/cache var/mail var/test_hoinghi.sqlite3*
