#!/usr/bin/env bash
# Runs claimlint for the GitHub Action (action.yml). Inputs arrive in the environment, never in
# the script text: CLAIMLINT_PATHS (one per line, or space-separated on one line), CLAIMLINT_ARGS
# (one argument per line, passed as written), CLAIMLINT_FORMAT, CLAIMLINT_FAIL_ON,
# CLAIMLINT_BASELINE, CLAIMLINT_SARIF, CLAIMLINT_CHANGED_ONLY, CLAIMLINT_SUMMARY and
# CLAIMLINT_BASE_SHA (the pull request's base commit). Writes `exit-code` to GITHUB_OUTPUT and
# the Markdown report to GITHUB_STEP_SUMMARY.
set -uo pipefail

output="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# One item per line; a single line holding several words is split on whitespace (the old form).
paths=()
if [[ "$(trim "${CLAIMLINT_PATHS:-.}")" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line=$(trim "$line")
    [ -n "$line" ] && paths+=("$line")
  done <<< "$CLAIMLINT_PATHS"
else
  read -r -a paths <<< "${CLAIMLINT_PATHS:-.}"
fi
[ "${#paths[@]}" -gt 0 ] || paths=(.)

args=()
while IFS= read -r line; do
  line=$(trim "$line")
  [ -n "$line" ] && args+=("$line")
done <<< "${CLAIMLINT_ARGS:-}"

flags=(--format "${CLAIMLINT_FORMAT:-github}" --fail-on "${CLAIMLINT_FAIL_ON:-warning}")
if [ -n "${CLAIMLINT_BASELINE:-}" ]; then flags+=(--baseline "$CLAIMLINT_BASELINE"); fi

# changed-only: the files the pull request adds or changes, within `paths`, of the extensions
# claimlint reads; `--force-exclude` then applies the config's excludes to them as to a walk.
if [ "${CLAIMLINT_CHANGED_ONLY:-false}" = true ]; then
  base="${CLAIMLINT_BASE_SHA:-}"
  if [ -z "$base" ]; then
    echo "::notice::changed-only applies to pull requests; checking every path"
  else
    if ! git cat-file -e "$base^{commit}" 2> /dev/null; then
      git fetch --no-tags --quiet --depth=1 origin "$base"
    fi
    changed=()
    while IFS= read -r -d '' f; do
      case "$f" in
        *.md | *.markdown | *.mdx | *.html | *.htm | *.xhtml | *.txt | *.text | *.jsx | *.tsx) ;;
        *) continue ;;
      esac
      for p in "${paths[@]}"; do
        p="${p%/}"
        if [ "$p" = . ] || [ "$f" = "$p" ] || [[ "$f" == "$p/"* ]]; then
          changed+=("$f")
          break
        fi
      done
    done < <(git diff -z --name-only --diff-filter=ACMR "$base" HEAD)
    if [ "${#changed[@]}" -eq 0 ]; then
      echo "no changed files for claimlint to check"
      echo "exit-code=0" >> "$output"
      exit 0
    fi
    paths=("${changed[@]}")
    flags+=(--force-exclude)
  fi
fi

errors=$(mktemp)
if [ "${CLAIMLINT_FORMAT:-github}" = sarif ]; then
  claimlint check "${flags[@]}" ${args[@]+"${args[@]}"} -- "${paths[@]}" > "${CLAIMLINT_SARIF:-claimlint.sarif}" 2> "$errors"
else
  claimlint check "${flags[@]}" ${args[@]+"${args[@]}"} -- "${paths[@]}" 2> "$errors"
fi
code=$?
cat "$errors" >&2
# Changed files that the config excludes are not an error: the pull request has nothing to check.
if [ "$code" = 2 ] && [[ " ${flags[*]} " == *" --force-exclude "* ]] &&
  [ "$(wc -l < "$errors")" -eq 1 ] && grep -q '^error: no files to check' "$errors"; then
  code=0
fi
echo "exit-code=$code" >> "$output"

if [ "${CLAIMLINT_SUMMARY:-true}" = true ] && [ "$code" != 2 ]; then
  claimlint check --format markdown --fail-on never ${flags[4]+"${flags[@]:4}"} ${args[@]+"${args[@]}"} -- "${paths[@]}" \
    >> "$summary_file" 2> /dev/null || true
  if [ "${CLAIMLINT_FORMAT:-github}" = github ]; then
    {
      echo
      echo "GitHub shows at most 10 warning and 10 error annotations per step (50 per job) on the"
      echo "pull request; this summary has every finding. For the full list in the Security tab, use"
      echo "\`format: sarif\`."
    } >> "$summary_file"
  fi
fi
exit 0
