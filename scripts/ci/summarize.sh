#!/usr/bin/env bash
# Appends a captured command output to the job summary ($GITHUB_STEP_SUMMARY; stdout when unset, e.g. by hand) under a
# heading, as a fenced text block. Long output is cut so one step stays far below GitHub's 1 MiB summary limit; the
# job log keeps the whole text.
#
# Usage: scripts/ci/summarize.sh <heading> <file> [collapsed]
#   collapsed   put the block inside <details> (for long output such as a terraform plan)
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 || (${3:-} != "" && $3 != collapsed) ]]; then
  echo "usage: scripts/ci/summarize.sh <heading> <file> [collapsed]" >&2
  exit 2
fi
heading=$1
file=$2
collapsed=${3:-}
limit=200000
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}

if [[ ! -r $file ]]; then
  echo "summarize: cannot read $file" >&2
  exit 2
fi

{
  printf '### %s\n\n' "$heading"
  if [[ $collapsed == collapsed ]]; then printf '<details><summary>show</summary>\n\n'; fi
  # Four backticks: the output may itself contain a three-backtick fence.
  printf '````text\n'
  if (($(wc -c <"$file") > limit)); then
    head -c "$limit" "$file"
    printf '\n… cut at %d bytes; the job log has the whole output\n' "$limit"
  else
    cat "$file"
  fi
  printf '\n````\n'
  if [[ $collapsed == collapsed ]]; then printf '\n</details>\n'; fi
  printf '\n'
} >>"$summary"
