# The two commands of the README's Quick start, and a few helpers for developers.
#   make lab    set up (first time only) and open the course in JupyterLab
#   make test   set up (first time only) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# On a Linux machine without a GPU, point this at PyTorch's CPU wheel index to avoid a
# multi-GB CUDA download:  make lab TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
PIP_INDEX := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)
# The test suite runs notebooks two at a time, one torch thread each.
JOBS ?= 2

.PHONY: lab test install sandbox sync release lint clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed (3.11 recommended); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_INDEX) -c constraints.txt -e ".[lab,test,instructor]"
	touch $@

install: $(BIN)/.installed sandbox

# The grader runs student code under bubblewrap (docs/grading.md); install it where we can.
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } \
	  || echo "bubblewrap is not installed: genai-course grade will refuse without --no-sandbox (apt-get install bubblewrap)."

# Jupyter refuses to run as root unless told to (containers, some course machines).
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: install
	$(BIN)/jupyter lab $(LAB_FLAGS) lessons/

test: install
	GENAI_COURSE_STRICT=1 GENAI_COURSE_THREADS=1 OMP_NUM_THREADS=1 MPLBACKEND=Agg \
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
	  tests $(wildcard lessons solutions)

# Re-write every .ipynb from its .py (the .py is the source of truth).
sync: install
	$(BIN)/jupytext --set-kernel python3 --to ipynb --update $(wildcard lessons/*.py solutions/*.py exercises/*.py)

# Re-generate the student exercises/ from solutions/ (never edit exercises/ by hand).
release: install
	$(BIN)/genai-course release

lint: install
	$(BIN)/ruff check genai_course tests lessons solutions

clean:
	rm -rf $(VENV) .pytest_cache
