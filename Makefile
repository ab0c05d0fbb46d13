# learnops.lms: one entry point for users and developers.  `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY311 ?= $(shell tools/find-python 3.11)
PY312 ?= $(shell tools/find-python 3.12+)
SANDBOX_PORT ?= 8780
export SANDBOX_PORT

VENV      := .venv
VENV_219  := $(VENV)/core-2.19
VENV_221  := $(VENV)/core-2.21
BUILD     := build
COLLECTIONS := $(abspath $(BUILD)/collections)

.PHONY: help venv demo test test-fresh sandbox bench build install sanity lint units integration docs clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV_219)/.stamp: requirements.txt tests/requirements-dev.txt
	@test -n "$(PY311)" || { echo "Python 3.11 not found: set PY311=/path/to/python3.11"; exit 1; }
	$(PY311) -m venv --clear $(VENV_219)
	$(VENV_219)/bin/pip install -q --upgrade pip
	$(VENV_219)/bin/pip install -q 'ansible-core>=2.19,<2.20' -r tests/requirements-dev.txt
	touch $@

$(VENV_221)/.stamp: requirements.txt tests/requirements-dev.txt
	@if [ -z "$(PY312)" ]; then echo "NOTICE: no Python >= 3.12 found; the ansible-core 2.21 line is skipped"; mkdir -p $(VENV_221); touch $@; exit 0; fi
	$(PY312) -m venv --clear $(VENV_221)
	$(VENV_221)/bin/pip install -q --upgrade pip
	$(VENV_221)/bin/pip install -q 'ansible-core>=2.21,<2.22' -r tests/requirements-dev.txt
	touch $@

venv: ## Create the virtual environments (ansible-core 2.19 on 3.11, 2.21 on >= 3.12), both at once
	@$(MAKE) --no-print-directory -q $(VENV_219)/.stamp $(VENV_221)/.stamp || \
	  $(MAKE) --no-print-directory -j2 $(VENV_219)/.stamp $(VENV_221)/.stamp

build: $(VENV_219)/.stamp ## Build the collection artifact into build/
	rm -f $(BUILD)/learnops-lms-*.tar.gz
	$(VENV_219)/bin/ansible-galaxy collection build --force --output-path $(BUILD) .

install: build ## Install the built collection into build/collections
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(VENV_219)/bin/ansible-galaxy collection install --force -p $(COLLECTIONS) $(BUILD)/learnops-lms-*.tar.gz

sandbox: $(VENV_219)/.stamp ## Run the LMS sandbox in the foreground on 127.0.0.1:$SANDBOX_PORT
	PYTHONPATH=sandbox $(VENV_219)/bin/python -m lms_sandbox --host 127.0.0.1 --port $(SANDBOX_PORT)

demo: install ## Converge the example playbook against the sandbox, twice
	VENV=$(VENV_219) COLLECTIONS=$(COLLECTIONS) tools/demo.sh

test: venv ## sanity, lint, docs, units, integration side by side, both lines (logs: build/logs/)
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh all

sanity: venv ## ansible-test sanity on both lines
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh sanity

lint: venv ## ruff, yamllint, shellcheck over the tree (and their self-test); ansible-lint on both lines
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh lint

units: venv ## Unit tests (module_utils, modules) and the sandbox's own tests
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh units

integration: venv ## Playbooks run with ansible-playbook against the sandbox
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh integration

docs: venv ## Lint the collection docs and the changelog; galaxy-importer on the built artifact
	VENV_219=$(VENV_219) VENV_221=$(VENV_221) tools/test.sh docs

test-fresh: ## make test from a fresh clone of HEAD, timed (writes docs/make-test.json for the benchmark)
	tools/time-make-test.sh

bench: install ## Benchmark against the sandbox with 25 ms latency (writes docs/benchmark.*)
	VENV=$(VENV_219) COLLECTIONS=$(COLLECTIONS) $(VENV_219)/bin/python bench/run.py

clean: ## Remove virtual environments and build output
	rm -rf $(VENV) $(BUILD) tests/output
