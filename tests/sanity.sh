#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out as ansible-test wants it
# (ansible_collections/sagebox/notebook), each test in its own virtualenv (no Docker here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.cache/sanity/ansible_collections/sagebox/notebook"
rm -rf "$work"
mkdir -p "$work"
cd "$root"
# The files git would commit: tracked ones and new ones it does not ignore.
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents -- {} "$work/" 2>/dev/null || true
cd "$work"
git init -q && git add -A && git -c user.name=sanity -c user.email=sanity@localhost commit -qm sanity
ansible-test sanity --venv --python "$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')" "$@"
