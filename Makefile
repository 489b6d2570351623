# Familyhub: `make demo` serves the demo borough; `make test` runs every check.
# Both do their own set-up on a fresh machine with Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: demo test install lint typecheck pytest frontend clean check-deploy image

$(STAMP): requirements.lock pyproject.toml requirements.in requirements-demo.in requirements-dev.in
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	scripts/demo

test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check familyhub
	$(BIN)/ruff format --check familyhub
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy familyhub

pytest: install
	scripts/ensure-chromium
	$(BIN)/pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

frontend:
	scripts/build-frontend

# The production image's steps outside Docker: the lock, check --deploy, gunicorn and /healthz.
check-deploy:
	scripts/check-deploy

# The production image (Dockerfile; needs a Docker daemon and the python:3.11-slim base image).
image:
	docker build -t familyhub:latest .

clean:
	rm -rf $(VENV) var
