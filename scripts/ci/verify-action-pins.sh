#!/usr/bin/env bash
# Checks, on a machine that can reach GitHub, that every pinned action in .github/workflows/ is the commit its version
# comment names: `uses: owner/repo@<sha> # v1.2.3` must equal the commit the tag v1.2.3 points at (annotated tags are
# peeled). The pins were chosen without access to GitHub (docs/ci-cd.md); run this before trusting them, and after
# every update. Exit codes: 0 all match, 1 a mismatch or a missing tag, 2 no workflows.
set -euo pipefail
cd "$(dirname "$0")/../.."

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#files[@]} == 0)); then
  echo "no workflows in .github/workflows" >&2
  exit 2
fi

status=0
# "owner/repo[/path]@sha # vX.Y.Z" → one line per distinct pin.
while read -r action sha version; do
  repo=$(cut -d/ -f1-2 <<<"$action")
  if ! refs=$(git ls-remote "https://github.com/${repo}.git" "refs/tags/${version}" "refs/tags/${version}^{}"); then
    echo "cannot list the tags of github.com/${repo}: this check needs access to GitHub" >&2
    exit 1
  fi
  # The peeled commit of an annotated tag, else the tag's own target.
  tagged=$(awk '/\^\{\}$/ {print $1}' <<<"$refs")
  [[ -z $tagged ]] && tagged=$(awk 'NR==1 {print $1}' <<<"$refs")
  if [[ -z $tagged ]]; then
    echo "MISSING  ${repo} has no tag ${version}"
    status=1
  elif [[ $tagged == "$sha" ]]; then
    echo "OK       ${action}@${sha} = ${version}"
  else
    echo "MISMATCH ${action}@${sha}: ${version} is ${tagged}"
    status=1
  fi
done < <(grep -hoE 'uses: *[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} *# *v[0-9.]+' "${files[@]}" |
  sed -E 's/uses: *([^@]+)@([0-9a-f]{40}) *# *(v[0-9.]+)/\1 \2 \3/' | sort -u)
exit "$status"
