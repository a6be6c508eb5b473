"""Print the requirements this Python does not meet, one a line; exit 1 if any.

Each argument is NAME or NAME[EXTRAS]==VERSION (installed, at that version), or !NAME (not installed).
"""
import importlib.metadata
import re
import sys

unmet = []
for requirement in sys.argv[1:]:
    absent = requirement.startswith("!")
    name, dummy, version = requirement.lstrip("!").partition("==")
    name = re.sub(r"\[.*\]", "", name).strip()
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if absent and installed is not None:
        unmet.append("%s (%s installed)" % (requirement, installed))
    elif not absent and installed is None:
        unmet.append(requirement + " (not installed)")
    elif not absent and version and installed != version.strip():
        unmet.append("%s (%s installed)" % (requirement, installed))
print("\n".join(unmet))
sys.exit(1 if unmet else 0)
