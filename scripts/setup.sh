#!/usr/bin/env bash
# One-time, idempotent set-up on a fresh Debian machine: system packages, a venv, the package.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-spa ocrmypdf ghostscript poppler-utils qpdf fonts-dejavu-core chromium)
# independent PDF producers of the robustness run (scripts/robustness.py) besides chromium: an
# office suite and the fonts their documents use (~1 min, ~250 MB), and pdfTeX with longtable,
# colortbl, geometry, fancyhdr and microtype (~2 min, ~150 MB); installed without recommends
APT_PRODUCERS=(libreoffice-calc-nogui libreoffice-writer-nogui fonts-liberation fonts-crosextra-carlito
               texlive-latex-base texlive-latex-recommended)

# apt_install [apt-get options] -- PACKAGE...: install the packages that are not installed yet
apt_install() {
  local options=() missing=() pkg
  while [ "$1" != "--" ]; do options+=("$1"); shift; done
  shift
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null
}

apt_install -- "${APT_PACKAGES[@]}"
apt_install --no-install-recommends -- "${APT_PRODUCERS[@]}"

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
