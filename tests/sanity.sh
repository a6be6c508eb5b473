#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out as ansible-test wants it
# (ansible_collections/sagebox/notebook). No Docker here, and ansible-test's own --venv
# bootstrap fetches get-pip from a host that is not reachable: the tests run --local in
# a virtualenv of their own (.cache/sanity-venv) with the pinned ansible-core, and the
# per-test virtualenvs get pip from tests/sanity_get_pip.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.cache/sanity/ansible_collections/sagebox/notebook"
rm -rf "$work"
mkdir -p "$work"
cd "$root"
# The files git would commit: tracked ones and new ones it does not ignore.
git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from - --ignore-failed-read --create --file - 2>/dev/null \
  | tar --extract --directory "$work" --file -
cd "$work"
git init -q && git add -A && git -c user.name=sanity -c user.email=sanity@localhost commit -qm sanity
venv="$root/.cache/sanity-venv"
core=$(grep '^ansible-core==' "$root/requirements.txt")
if [ ! -x "$venv/bin/ansible-test" ] || ! "$venv/bin/pip" freeze | grep -qx "$core"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "$core"
fi
# ansible-test's caches (and the pip bootstrap it looks for there) live in the project.
export HOME="$root/.cache/sanity-home"
pip_version=$("$venv/bin/python" -c 'from ansible_test._internal.python_requirements import get_venv_packages as p
from types import SimpleNamespace as N; print(p(N(version="x"))["pip"])')
mkdir -p "$HOME/.ansible/test/cache"
cp "$root/tests/sanity_get_pip.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
"$venv/bin/ansible-test" sanity --local --requirements --python "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@"
