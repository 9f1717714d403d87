# Hirebench developer commands. `make run` and `make test` set everything up on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian/Ubuntu libraries Qt needs (xvfb and xauth only for screenshots on a virtual display);
# dbus and gnome-keyring give the keyring tests a real Secret Service; tesseract-ocr and its
# English data read scanned resumes and photos (app/parsing/ocr.py); antiword and LibreOffice
# read legacy Word .doc (app/parsing/legacy_word.py); dovecot-imapd and dovecot-lmtpd give the
# mailbox tests a real IMAP server on loopback, mail delivered to it by LMTP (tests/mail/dovecot.py).
DEBIAN_PACKAGES := libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
	libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 \
	fonts-dejavu-core xvfb xauth tesseract-ocr tesseract-ocr-eng antiword libreoffice-writer-nogui \
	dbus gnome-keyring dovecot-imapd dovecot-lmtpd

.PHONY: run test lint bench system-deps screenshot clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m app demo

# Style, import contracts (pyproject.toml [tool.importlinter]), the architecture tests (cycles,
# deferred imports, each contract's failing case) and mypy against its baseline.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/architecture
	$(PY) -m tests.architecture.import_rules
	$(PY) -m tests.architecture.mypy_check

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.perf

screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1440x900x24" $(PY) packaging/screenshot.py docs/screenshot.png

system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES)

clean:
	rm -rf $(VENV) build dist *.egg-info
