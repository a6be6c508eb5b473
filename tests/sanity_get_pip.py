"""Bootstrap pip into an empty virtualenv for ansible-test sanity.

ansible-test fetches pip's get-pip script from a host that is not reachable here, and
uses a copy in its cache when one is there. tests/sanity.sh puts this file there instead:
it installs the bundled pip with ensurepip, then the requested pip from the package
index, taking the arguments ansible-test gives get-pip.
"""

from __future__ import annotations

import ensurepip
import os
import sys

# get-pip's own switches; pip install does not know them.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main() -> None:
    # ensurepip drops the PIP_* settings from os.environ (certificate bundle, index):
    # the install from the index needs them back.
    environ = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    os.environ.clear()
    os.environ.update(environ)
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    sys.exit(pip_main(["install", "--upgrade", *args]))


if __name__ == "__main__":
    main()
