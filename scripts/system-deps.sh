#!/usr/bin/env bash
# The system libraries Territoire needs beyond Python and PyPI, installed when missing.
#
#   scripts/system-deps.sh            install what is missing (as root, or through sudo)
#   scripts/system-deps.sh --check    only say what is missing (exit 1 if anything is)
#   scripts/system-deps.sh --browser  also Chromium, for the browser tests (CI does this)
#
# WeasyPrint (the PDF reports) needs Pango and HarfBuzz-subset; without HarfBuzz-subset it still
# renders but warns on import (and embeds whole fonts), which the test suite treats as an error.
# gettext's msgfmt is needed by `make messages`.
set -euo pipefail

check_only=false
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext)
for arg in "$@"; do
  case "$arg" in
    --check) check_only=true ;;
    --browser) packages+=(chromium) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg >/dev/null 2>&1; then
  # Not Debian or Ubuntu: we cannot ask the package manager; say what WeasyPrint needs.
  echo "system-deps: not a Debian system; install Pango (with PangoFT2) and HarfBuzz-subset with" \
    "your package manager (https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)."
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if $check_only; then
  echo "system-deps: missing ${missing[*]}; run: make system-deps" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "system-deps: missing ${missing[*]}; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "system-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
