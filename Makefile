# Zugangsatlas: two commands on a fresh machine, `make run` and `make test`.
# Everything they need is installed here; nothing is done by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= data/zugangsatlas.db
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

export ZUGANGSATLAS_DB ?= $(abspath $(DB))

.PHONY: run test reliability lint format bench demo graphviz chromium caddy clean help

help:
	@echo "make run    – Umgebung anlegen, Demodaten laden (falls leer), App auf http://localhost:$(PORT) starten"
	@echo "make test   – alles installieren, was die Tests brauchen, und die ganze Testsuite ausführen"
	@echo "make bench  – Leistungsmessung mit 1.000, 10.000 und 100.000 synthetischen Familien (Datenbanken in bench/.cache)"
	@echo "make reliability – nur die Zuverlässigkeitstests (Last, Absturz, Eingaben, Injektion, Sicherung) mit Kennzahlen"

# The virtual environment, rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,sso]"
	touch $@

# Debian's graphviz gives the `dot` program for SVG/PNG downloads.
graphviz:
	@command -v dot >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq graphviz fonts-dejavu-core; }

# Debian's chromium drives the browser tests (no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq chromium fonts-dejavu-core; }

# Debian's caddy: the TLS reverse proxy of deploy/, started by the https end-to-end test.
# The package starts a system-wide Caddy on port 80; the tests run their own, so a Caddy
# installed here is stopped and disabled again (deploy/README.md sets one up for real).
caddy:
	@command -v caddy >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq caddy \
		&& { [ ! -d /run/systemd/system ] || $(SUDO) systemctl disable --now caddy >/dev/null 2>&1 || true; }; }

demo: $(BIN)/.installed
	$(BIN)/zugangsatlas demo --if-empty --db "$(ZUGANGSATLAS_DB)"

run: $(BIN)/.installed graphviz demo
	$(BIN)/streamlit run serve.py --server.port $(PORT)

# The import contracts of pyproject.toml (docs/architecture.md): layers, no cycles.
lint: $(BIN)/.installed
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(BIN)/.installed graphviz chromium caddy lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Part of `make test` too; on its own for a quick look at the figures (printed at the end).
reliability: $(BIN)/.installed graphviz
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests/reliability

bench: $(BIN)/.installed graphviz
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
