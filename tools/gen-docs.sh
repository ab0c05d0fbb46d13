#!/usr/bin/env bash
# Regenerate the module reference in docs/reference/ from the modules' own documentation
# (antsibull-docs, simplified RST that renders on code hosts), or, with --check, fail when the
# committed reference differs from what the modules say.
#   tools/gen-docs.sh [--check]        VENV=.venv/core-2.19 by default (antsibull-docs, ansible-core)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv/core-2.19}
case $VENV in /*) ;; *) VENV=$PWD/$VENV ;; esac
DEST=docs/reference
check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Document what users install: a build of this tree, installed where antsibull-docs looks.
"$VENV/bin/ansible-galaxy" collection build --force --output-path "$work" . >/dev/null
"$VENV/bin/ansible-galaxy" collection install --force -p "$work/collections" "$work"/learnops-lms-*.tar.gz >/dev/null 2>&1
mkdir -m 0755 "$work/reference"
# Its output only matters when it fails (a doc that does not parse): then it is the message.
if ! PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$work/collections" \
  "$VENV/bin/antsibull-docs" collection --use-current --squash-hierarchy --output-format simplified-rst \
  --no-add-antsibull-docs-version --fail-on-error --dest-dir "$work/reference" learnops.lms >"$work/antsibull-docs.log" 2>&1; then
  cat "$work/antsibull-docs.log" >&2
  echo "antsibull-docs failed: the documentation above does not parse; nothing was written to $DEST/." >&2
  exit 1
fi

if $check; then
  if ! diff -ru "$DEST" "$work/reference"; then
    echo "docs/reference/ is stale: the modules' documentation changed. Run tools/gen-docs.sh and commit the result." >&2
    exit 1
  fi
  echo "ok: docs/reference/ matches the modules' documentation"
else
  rm -rf "$DEST"
  mkdir -p "$DEST"
  cp -a "$work/reference/." "$DEST/"
  echo "wrote $DEST/ ($(find "$DEST" -type f | wc -l) files)"
fi
