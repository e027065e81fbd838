#!/usr/bin/env bash
# Regenerates docs/annotate.png: the LibreOffice-saved test document annotated with
# `--track-changes`, rendered by LibreOffice (soffice, headless) to PDF and its first page to PNG
# (pdftoppm, from poppler-utils). Needs: apt-get install libreoffice-writer-nogui poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --bin claimlint
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
target/debug/claimlint annotate --track-changes tests/fixtures/docx/libreoffice-saved.docx \
  -o "$tmp/draft.reviewed.docx" || [ $? -eq 1 ]
soffice --headless --norestore "-env:UserInstallation=file://$tmp/profile" \
  --convert-to pdf --outdir "$tmp" "$tmp/draft.reviewed.docx" >/dev/null
pdftoppm -png -r 110 -f 1 -l 1 -x 60 -y 40 -W 900 -H 620 -singlefile \
  "$tmp/draft.reviewed.pdf" docs/annotate 2>/dev/null
echo "wrote docs/annotate.png"
