#!/usr/bin/env bash
# The figures of issue 21 for the CLI, measured on a release binary (docs/hardening.md).
#
#   scripts/hostile-bench.sh [BIN] [WORKDIR]   (default: target/release/claimlint, target/hostile)
#
# * endless input: peak memory and time of `check` on /dev/zero (as a file, as standard input, as
#   ruleset, config and baseline), each under a 10 s timeout (exit 124 = still running);
# * the pathological paragraphs: 100 MB of entities in one paragraph (Markdown, HTML), 100 MB
#   with no sentence end, one 100 MB word: peak memory against the budget (2 x file + 30 MB);
# * suppressions: a Markdown file with N `claimlint-disable-next-line` comments, N = 20k, 40k,
#   80k: seconds.
# Needs python3 and GNU time (/usr/bin/time). Pass an older binary as BIN to compare.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/claimlint}
WORK=${2:-target/hostile}
if [ "$BIN" = target/release/claimlint ]; then
  cargo build --release --quiet
fi
mkdir -p "$WORK"
echo "A miracle for everyone." > "$WORK/good.txt"
# Files over the 64 MiB default are refused by a binary that has --max-filesize; the budget is
# about files it reads, so raise the bound when the binary knows it.
MAX=()
if "$BIN" check --help | grep -q max-filesize; then MAX=(--max-filesize 200M); fi

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -o "$WORK/time" -f "%M %e" timeout 10 "$@" >/dev/null 2>"$WORK/stderr"
  read -r kib secs < <(tail -n 1 "$WORK/time")
  printf '%-44s peak %6.1f MB  %5.2f s  %s\n' "$label" "$(echo "$kib / 1000" | bc -l)" "$secs" \
    "$(head -c 120 "$WORK/stderr" | head -n 1)"
}

echo "== endless input (10 s timeout)"
measure "check /dev/zero good.txt" "$BIN" check --format concise /dev/zero "$WORK/good.txt"
measure "check - < /dev/zero" sh -c "exec '$BIN' check --format concise - < /dev/zero"
measure "check --ruleset /dev/zero" "$BIN" check --ruleset /dev/zero "$WORK/good.txt"
measure "check --config /dev/zero" "$BIN" check --config /dev/zero "$WORK/good.txt"
measure "check --baseline /dev/zero" "$BIN" check --baseline /dev/zero "$WORK/good.txt"

echo "== pathological paragraphs, 100 MB each (budget 2 x file + 30 MB = 230 MB)"
python3 - "$WORK" <<'PY'
import os, sys
work, n = sys.argv[1], 100_000_000
shapes = {
    "entities.md": ("", "care &amp; calm "),
    "entities.html": ("<p>", "care &amp; calm "),
    "no-end.txt": ("", "calm words here "),
    "one-word.txt": ("", "a"),
}
for name, (open_, unit) in shapes.items():
    path = os.path.join(work, name)
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(open_ + unit * (n // len(unit)) + "\n")
PY
for f in entities.md entities.html no-end.txt one-word.txt; do
  # Without the 10 s cap: a large file takes its time, the figure is memory.
  /usr/bin/time -o "$WORK/time" -f "%M %e" "$BIN" check --format concise "${MAX[@]}" "$WORK/$f" \
    >/dev/null 2>&1
  read -r kib secs < <(tail -n 1 "$WORK/time")
  printf '%-44s peak %6.1f MB  %5.2f s\n' "$f" "$(echo "$kib / 1000" | bc -l)" "$secs"
done

echo "== suppressions: N disable-next-line comments, each over one finding"
for n in 20000 40000 80000; do
  python3 - "$WORK/supp-$n.md" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        f.write(f"<!-- claimlint-disable-next-line hype -- quoted review {i} -->\nA miracle.\n\n")
PY
  /usr/bin/time -o "$WORK/time" -f "%M %e" timeout 120 "$BIN" check --format concise \
    "$WORK/supp-$n.md" >/dev/null 2>&1
  read -r kib secs < <(tail -n 1 "$WORK/time")
  printf '%-44s %6.2f s  peak %6.1f MB\n' "N = $n" "$secs" "$(echo "$kib / 1000" | bc -l)"
done
