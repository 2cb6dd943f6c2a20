# Two entry points on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Wheels of blueprintc's runtime dependencies and its build backend, fetched once with the
# venv: the test of the `blueprintc-lint` pre-commit hook (language python) builds its
# environment from them with no index (tests reach 127.0.0.1 only).
WHEELHOUSE := $(VENV)/wheelhouse

.PHONY: demo test lint-self format bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python scripts/runtime_requirements.py > $(VENV)/runtime-requirements.txt
	$(BIN)/pip download -q -d $(WHEELHOUSE) -r $(VENV)/runtime-requirements.txt \
		'setuptools>=68' wheel
	touch $(STAMP)

## demo: lint the reference catalog, compile the reference workspace into out/, then
## deliver it into the embedded bare repos out/git/ (no server), signed with the
## TEST-ONLY key that the reference sovereign.yaml names for Flux's verify
demo: $(STAMP)
	$(BIN)/blueprintc lint blueprints/
	$(BIN)/blueprintc compile
	$(BIN)/blueprintc deliver --signing-key tests/data/openpgp/test-only.key

## test: the whole suite (what .ci/run runs)
test: $(STAMP)
	bash scripts/ensure-system-deps.sh
	$(BIN)/ruff check blueprintc tests benchmarks scripts
	$(BIN)/ruff format --check blueprintc tests benchmarks scripts
	$(BIN)/pytest -q -n auto --dist worksteal

format: $(STAMP)
	$(BIN)/ruff format blueprintc tests benchmarks scripts
	$(BIN)/ruff check --fix blueprintc tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python -m benchmarks.lint
	$(BIN)/python -m benchmarks.compile
	$(BIN)/python -m benchmarks.startup
	$(BIN)/python -m benchmarks.deliver
	$(BIN)/python -m benchmarks.promote

clean:
	rm -rf $(VENV) out .pytest_cache
