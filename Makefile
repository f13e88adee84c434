# The commands of the README, and a few helpers for developers. Each installs only what it needs:
#   make lab         a learner: the course and JupyterLab, then open it at lessons/
#   make test        a developer: what the test suite needs (pytest, nbval, nbgrader, browsers' driver), then run it
#   make instructor  an instructor: nbgrader's tools (Create Assignment, formgrader), RISE, nbconvert
# The three share one virtual environment, .venv/, each adding to it. pip prints every package
# it installs; the first `make lab` takes a few minutes (PyTorch is most of it; the README's
# "How long set-up takes" has the measured size and time).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# On a Linux machine without a GPU, point this at PyTorch's CPU wheel index to avoid a
# multi-GB CUDA download:  make lab TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
PIP_INDEX := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)
PIP_INSTALL = $(BIN)/python -m pip install --progress-bar on $(PIP_INDEX) -c constraints.txt
# The test suite runs notebooks two at a time, one torch thread each.
JOBS ?= 2
# nbgrader's instructor pieces, hidden from learners in this venv (postBuild does the same for Binder)
NBGRADER_INSTRUCTOR := @jupyter/nbgrader:create-assignment @jupyter/nbgrader:formgrader @jupyter/nbgrader:course-list
VENV_JUPYTER := JUPYTER_CONFIG_DIR=$(abspath $(VENV))/etc/jupyter PATH=$(abspath $(BIN)):$$PATH

.PHONY: lab test install instructor sandbox sync release lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed (3.11 recommended); set PYTHON=python3.11")'
	@echo "Creating the virtual environment $(VENV)/ (once; later runs reuse it)."
	$(PYTHON) -m venv $(VENV)

$(VENV)/.lab-installed: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing the course, PyTorch (CPU) and JupyterLab into $(VENV)/: a few minutes the first time."
	$(PIP_INSTALL) -e ".[lab]"
	touch $@

$(VENV)/.test-installed: $(VENV)/.lab-installed
	@echo "Adding what the tests need (pytest, nbval, nbgrader, nbconvert, RISE, playwright, ruff)."
	$(PIP_INSTALL) -e ".[lab,test]"
	@echo "Hiding nbgrader's instructor tools from JupyterLab in $(VENV)/ (make instructor shows them)."
	test -e $(VENV)/.instructor-installed || \
	  $(VENV_JUPYTER) GENAI_COURSE_LAB_SETTINGS=$(abspath $(VENV))/share/jupyter/lab/settings bash postBuild
	touch $@

$(VENV)/.instructor-installed: $(VENV)/.lab-installed
	@echo "Adding the instructor tools (nbgrader, RISE, nbconvert, a local MathJax) into $(VENV)/."
	$(PIP_INSTALL) -e ".[lab,instructor]"
	@echo "Showing nbgrader's Create Assignment, formgrader and course list in this JupyterLab."
	-$(VENV_JUPYTER) jupyter labextension unlock --level=user $(NBGRADER_INSTRUCTOR)
	$(VENV_JUPYTER) jupyter labextension enable --level=user $(NBGRADER_INSTRUCTOR)
	$(BIN)/python -c 'import json, pathlib; p = pathlib.Path("$(VENV)/etc/jupyter/jupyter_server_config.json"); \
	  c = json.loads(p.read_text()) if p.exists() else {}; e = c.get("ServerApp", {}).get("jpserver_extensions", {}); \
	  [e.pop(k) for k in list(e) if k.startswith("nbgrader.")]; p.write_text(json.dumps(c, indent=2) + "\n")'
	touch $@

# What `make test` needs; .ci/run calls it while the network is still up.
install: $(VENV)/.test-installed sandbox

instructor: $(VENV)/.instructor-installed
	@echo "Instructor tools ready: make lab opens JupyterLab with them (see the README's Workshops section)."

# The grader runs student code under bubblewrap (docs/grading.md); install it where we can.
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } \
	  || echo "bubblewrap is not installed: genai-course grade will refuse without --no-sandbox (apt-get install bubblewrap)."

# Jupyter refuses to run as root unless told to (containers, some course machines).
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(LAB_FLAGS) lessons/

test: install
	GENAI_COURSE_STRICT=1 GENAI_COURSE_THREADS=1 OMP_NUM_THREADS=1 MPLBACKEND=Agg \
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
	  tests $(wildcard lessons solutions)

# Re-write every .ipynb from its .py (the .py is the source of truth).
sync: $(VENV)/.lab-installed
	$(BIN)/jupytext --set-kernel python3 --to ipynb --update $(wildcard lessons/*.py solutions/*.py exercises/*.py)

# Re-generate the student exercises/ from solutions/ (never edit exercises/ by hand).
release: install
	$(BIN)/genai-course release

lint: install
	$(BIN)/ruff check genai_course tests lessons solutions

clean:
	rm -rf $(VENV) .pytest_cache
