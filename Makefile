# `make run` serves the platform with a worker and beat; `make test` runs the whole suite.
# Both install into .venv first and start embedded PostgreSQL/Redis unless
# DATABASE_URL / REDIS_URL point at running servers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# mypy checks the core and every app's services and selectors (modules or packages).
TYPED := mentoring $(wildcard programs/services* programs/selectors* matching/services* \
	matching/selectors* sessions/services* sessions/selectors* feedback/services* \
	feedback/selectors*)
# The type checker loads the settings, which read these; it never connects.
LINT_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://lint@127.0.0.1/lint} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}
FAST := -n 2 -m "not browser and not worker and not schemathesis"

.PHONY: run test test-fast install lint lint-types format messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m mentoring.devstack run

# The whole suite: most of it on two processes, the real-worker tests after it on one
# (mentoring.devstack SUITE_PARTS says why).
test: $(STAMP)
	$(PY) -m mentoring.devstack suite $(PYTEST_ARGS)

# The inner loop: everything but the browser, real-worker and schemathesis tests, on two
# processes. `make test` stays the whole suite, and is what CI runs.
test-fast: $(STAMP)
	$(PY) -m mentoring.devstack test $(FAST) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory lint-types

lint-types: $(STAMP)
	$(LINT_ENV) $(VENV)/bin/mypy $(TYPED)

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The German catalogue (locale/de): every marked string, then the compiled catalogue.
# tests/test_translations.py fails when either is out of date or an entry is untranslated.
MESSAGES_IGNORE := --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'docs/*' \
	--ignore 'node_modules/*'
messages: $(STAMP)
	$(LINT_ENV) DJANGO_SETTINGS_MODULE=mentoring.settings.test $(PY) manage.py makemessages \
		-l de --no-obsolete $(MESSAGES_IGNORE)
	$(LINT_ENV) DJANGO_SETTINGS_MODULE=mentoring.settings.test $(PY) manage.py compilemessages -l de

clean:
	rm -rf .dev .static
