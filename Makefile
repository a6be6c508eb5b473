# sagebox.notebook: one entry point. Every target sets up what it needs on a fresh
# Debian 12 machine (as root): apt packages, the pinned virtualenv, the test-host images.
#
#   make demo   create a local test host and converge the notebook-instance roles on it
#   make test   lint, sanity, unit tests and every Molecule scenario
#   make bench  the benchmarks (bench/): figures, not pass/fail

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
CACHE := $(CURDIR)/.cache
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTION_LINK := $(CACHE)/collections/ansible_collections/sagebox/notebook

APT_PACKAGES := podman runc debootstrap uidmap slirp4netns fuse-overlayfs \
	e2fsprogs util-linux openssl curl shellcheck git chromium chromium-driver \
	qemu-system-x86 qemu-utils openssh-client
SUITES := bookworm trixie
SCENARIOS ?= $(sort $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))

export PATH := $(BIN):$(PATH)
export CONTAINERS_CONF := $(CURDIR)/tests/hosts/containers.conf
export ANSIBLE_COLLECTIONS_PATH := $(CACHE)/collections
export PIP_CACHE_DIR := $(CACHE)/pip
export ANSIBLE_FORCE_COLOR := false
export PY_COLORS := 0

.PHONY: help setup apt venv images containers vm-image collection demo test lint sanity unit molecule build ee browser bench lock clean

help:
	@echo "make demo   create a local test host and converge the notebook-instance roles on it"
	@echo "make test   run every check: lint, sanity, unit tests, Molecule scenarios"
	@echo "make bench  run the benchmarks (bench/) and print their figures"

setup: apt venv images collection
	@mkdir -p $(foreach suite,$(SUITES),$(CACHE)/pip-testhosts/$(suite) $(CACHE)/pip-testhosts/$(suite)-user)

# --- set-up ------------------------------------------------------------------
APT_STAMP := $(CACHE)/apt-$(shell echo $(APT_PACKAGES) | sha256sum | cut -c1-12).stamp
apt: $(APT_STAMP)
$(APT_STAMP):
	@mkdir -p $(CACHE)
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:" $$missing; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@touch $@

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	@echo "installing the pinned Python requirements into $(VENV)"
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --requirement requirements.txt
	@touch $@

images: containers vm-image
containers: apt
	@for suite in $(SUITES); do tests/hosts/build-image.sh $$suite; done
vm-image: apt
	@tests/hosts/build-image.sh bookworm vm

collection: $(COLLECTION_LINK)
$(COLLECTION_LINK):
	@mkdir -p $(dir $@)
	@ln -sfn ../../../.. $@

# --- the two commands a newcomer needs ---------------------------------------
# Only what the demo needs: not the Debian 13 image or the VM image that make test also builds.
demo: apt venv collection
	@tests/hosts/build-image.sh bookworm
	@mkdir -p $(CACHE)/pip-testhosts/bookworm-user
	@tests/hosts/demo.sh

# Four lanes at once, balanced by the scenarios' durations measured in make test on a clean clone
# of a 2-core build machine (docs/testing.md): the VM tier (QEMU without KVM, one emulated CPU), the
# static checks and unit tests, then storage_volume and ca_trust; the kernels scenario (five kernels
# and the sample notebooks on an empty wheelhouse: the most CPU, its test host has four times the
# others' CPU share), then notebook_instance (on the wheelhouse kernels filled); the fault suite, then instance_host (nested instances, about 1.5 minutes); jupyter, lifecycle, tmpfs_tmp
# and any other, then the browser test (by then the kernels scenario has filled the wheelhouse it
# reads). The VM lane runs at normal priority and the others at nice 19, so that the emulator gets
# one CPU while the container lanes share the rest. A scenario added under molecule/ runs in the
# last lane.
LANE0 := vm
LANE0_AFTER := storage_volume ca_trust
LANE1 := kernels notebook_instance
LANE2 := faults instance_host
LANE3 := $(filter-out $(LANE0) $(LANE0_AFTER) $(LANE1) $(LANE2),$(SCENARIOS))
# The lanes build the test-host images themselves (tests/hosts/build-image.sh builds each once, the
# others wait for it): the VM lane its image while the container lanes build theirs.
test: apt venv collection
	@tests/run-lanes.sh \
	  "$(MAKE) --no-print-directory vm-image && $(MAKE) --no-print-directory molecule SCENARIOS='$(filter $(LANE0),$(SCENARIOS))' && $(MAKE) --no-print-directory lint sanity unit ee && $(MAKE) --no-print-directory molecule SCENARIOS='$(filter $(LANE0_AFTER),$(SCENARIOS))'" \
	  "$(MAKE) --no-print-directory containers && nice -n 19 $(MAKE) --no-print-directory molecule SCENARIOS='$(filter $(LANE1),$(SCENARIOS))'" \
	  "$(MAKE) --no-print-directory containers && nice -n 19 $(MAKE) --no-print-directory molecule SCENARIOS='$(filter $(LANE2),$(SCENARIOS))'" \
	  "$(MAKE) --no-print-directory containers && nice -n 19 $(MAKE) --no-print-directory molecule SCENARIOS='$(filter $(LANE3),$(SCENARIOS))' && nice -n 19 $(MAKE) --no-print-directory browser"
	@echo "make test: every check passed"

# --- checks ------------------------------------------------------------------
lint: venv collection
	yamllint --strict .
	ansible-lint --profile production --offline
	antsibull-changelog lint

sanity: venv
	@tests/sanity.sh

unit: venv collection
	pytest -q tests/unit

# The demo instance in headless Chromium (Debian's), screenshots in test-artifacts/browser.
browser: setup
	@tests/hosts/demo.sh
	pytest -q tests/browser

molecule: setup
	@failed=""; for s in $(SCENARIOS); do \
	  if [ "$$s" = miniconda ] && [ -z "$${SAGEBOX_MINICONDA_INSTALLER:-}" ]; then \
	    echo "=== molecule test -s miniconda: SKIPPED: no Miniconda installer (no conda site is reachable" \
	      "from the build machines); set SAGEBOX_MINICONDA_INSTALLER to its URL or file to run it"; \
	    continue; \
	  fi; \
	  echo "=== molecule test -s $$s"; start=$$SECONDS; \
	  molecule test -s $$s || failed="$$failed $$s"; \
	  echo "=== $$s took $$((SECONDS - start)) s"; \
	done; \
	podman volume prune --force >/dev/null; \
	if [ -n "$$failed" ]; then echo "failed scenarios:$$failed"; exit 1; fi

bench: setup
	@bench/run.sh

build: venv
	@mkdir -p build
	ansible-galaxy collection build --force --output-path build .
	ansible-galaxy collection install --force -p build/installed build/sagebox-notebook-*.tar.gz

# The execution environment's build context (build/ee); `podman build build/ee` makes the image.
ee: build
	@rm -rf build/ee build/ee-src && mkdir -p build/ee-src
	@cp build/sagebox-notebook-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz build/ee-src/sagebox-notebook.tar.gz
	ansible-builder create --file meta/execution-environment.yml --context build/ee --output-filename Containerfile
	@test -s build/ee/Containerfile && echo "execution environment build context: build/ee (podman build -t sagebox-notebook-ee build/ee)"

lock: venv
	@(echo "# Generated by 'make lock' from requirements.in: every package pinned."; \
	  $(BIN)/pip install --quiet --requirement requirements.in && $(BIN)/pip freeze --exclude-editable) > requirements.txt.new
	@mv requirements.txt.new requirements.txt

clean:
	rm -rf build .cache
