# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the host keeps its notebook instance: the modules' options for it (documented once, in the
doc fragment sagebox.notebook.host_layout) and their defaults, SageMaker's layout. The
notebook_instance role passes its own values on every call."""

from __future__ import annotations

OPTIONS = {
    "record_path": {"type": "path", "default": "/var/lib/sagebox/notebook-instance.json"},
    "metadata_path": {"type": "path", "default": "/opt/ml/metadata/resource-metadata.json"},
    "secrets_dir": {"type": "path", "default": "/etc/sagebox/notebook-instance"},
    "lifecycle_configs_dir": {"type": "path", "default": "/etc/sagebox/lifecycle-configs", "aliases": ["configs_dir"]},
    "region": {"type": "str", "default": "local"},
}


def options(*names: str) -> dict:
    """The argument spec of these layout options."""
    return {name: dict(OPTIONS[name]) for name in names}
