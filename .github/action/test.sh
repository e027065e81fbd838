#!/usr/bin/env bash
# Tests of the GitHub Action's scripts (install.sh, check.sh) against a built claimlint, run by
# .ci/run: a release archive served from a file:// directory (checksum good and bad), and a pull
# request in a scratch git repository (changed-only, args one per line, the job summary).
# Usage: test.sh PATH/TO/claimlint
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0

# --- install.sh: the release archive, checksum verified
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
target=x86_64-unknown-linux-gnu
rel="$work/releases/v$version"
mkdir -p "$rel" "$work/pkg/claimlint-$target"
cp "$bin" "$work/pkg/claimlint-$target/claimlint"
tar -cJf "$rel/claimlint-$target.tar.xz" -C "$work/pkg" "claimlint-$target"
(cd "$rel" && sha256sum "claimlint-$target.tar.xz" > "claimlint-$target.tar.xz.sha256")
run_install() {
  env GITHUB_ACTION_PATH="$repo" RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$work/runner" \
    GITHUB_PATH="$work/github_path" CLAIMLINT_RELEASE_BASE="file://$work/releases" \
    bash "$here/install.sh"
}
out=$(run_install) || fail "install.sh exited $?"
[[ "$out" == *"checksum verified"* ]] || fail "install.sh: $out"
[ "$(cat "$work/github_path")" = "$work/runner/claimlint/bin" ] || fail "GITHUB_PATH"
"$work/runner/claimlint/bin/claimlint" --version > /dev/null || fail "installed binary"
passed=$((passed + 1))

# A wrong checksum fails, and never falls back to building.
echo "0000000000000000000000000000000000000000000000000000000000000000  x" \
  > "$rel/claimlint-$target.tar.xz.sha256"
if out=$(run_install 2>&1); then fail "install.sh accepted a bad checksum"; fi
[[ "$out" == *"checksum mismatch"* ]] || fail "bad checksum message: $out"
[[ "$out" != *"building it with cargo"* ]] || fail "fell back after a bad checksum"
passed=$((passed + 1))

# --- check.sh: a pull request that changes one page of two
site="$work/site"
mkdir -p "$site/content" "$site/drafts"
cd "$site"
git init -q .
git config user.email ci@example.invalid
git config user.name ci
printf 'exclude = ["drafts/"]\n' > claimlint.toml
# The base already holds a page with findings: changed-only must leave it alone.
printf 'A miracle. A game-changer for you.\n' > content/old.md
printf 'A calm page.\n' > content/changed.md
git add -A && git commit -qm base
base_sha=$(git rev-parse HEAD)
printf 'This is a game-changer.\n' > content/changed.md
printf 'A miracle draft.\n' > drafts/x.md
printf 'body { color: red }\n' > content/site.css
git add -A && git commit -qm change
export PATH="$(dirname "$bin"):$PATH"

run_check() {
  env GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary" \
    CLAIMLINT_PATHS="content" CLAIMLINT_FORMAT=concise CLAIMLINT_FAIL_ON=warning \
    CLAIMLINT_SUMMARY=true CLAIMLINT_BASE_SHA="$base_sha" "$@" bash "$here/check.sh"
}
: > "$work/output"
: > "$work/summary"
out=$(CLAIMLINT_CHANGED_ONLY=true run_check 2> /dev/null)
[ "$out" = "content/changed.md:1:11: warning[hype/game-changer] \`game-changer\` casts the treatment as revolutionary" ] \
  || fail "changed-only output: $out"
[ "$(cat "$work/output")" = "exit-code=1" ] || fail "exit-code: $(cat "$work/output")"
grep -qF '| content/changed.md | 0 | 1 | 0 |' "$work/summary" || fail "summary: $(cat "$work/summary")"
grep -q '^- \*\*warning\*\* `hype/game-changer` 1:11 ' "$work/summary" || fail "summary: $(cat "$work/summary")"
passed=$((passed + 1))

# args: one per line, a value with spaces kept whole; paths: one per line.
: > "$work/output"
out=$(run_check CLAIMLINT_CHANGED_ONLY=false CLAIMLINT_PATHS=$'content/changed.md\ncontent/old.md' \
  CLAIMLINT_ARGS=$'  --baseline\n  old findings.json\n' 2>&1) || true
[[ "$out" == *"error: old findings.json: "* ]] || fail "args were split: $out"
[ "$(cat "$work/output")" = "exit-code=2" ] || fail "exit-code for a missing baseline"
passed=$((passed + 1))

# A pull request changing only excluded or unread files has nothing to check: exit 0.
git checkout -q -b only-drafts "$base_sha"
mkdir -p drafts
printf 'A miracle draft.\n' > drafts/y.md
printf 'p { color: blue }\n' > content/more.css
git add -A && git commit -qm drafts
: > "$work/output"
CLAIMLINT_CHANGED_ONLY=true CLAIMLINT_PATHS=. run_check > /dev/null 2>&1
[ "$(cat "$work/output")" = "exit-code=0" ] || fail "drafts-only PR: $(cat "$work/output")"
passed=$((passed + 1))

echo "$passed passed, 0 failed"
