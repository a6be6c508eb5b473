# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the host keeps its notebook instance, for the modules that read or write it.

The defaults are SageMaker's layout; the notebook_instance role passes its own values
(notebook_instance_record_path, ...) on every call (docs/notebook-instance-module.md).
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  record_path:
    description:
      - The instance record (JSON, root only), where the host keeps its notebook instance.
      - Not a SageMaker request field; the C(sagebox.notebook.notebook_instance) role passes its
        C(notebook_instance_record_path).
    type: path
    default: /var/lib/sagebox/notebook-instance.json
"""

    METADATA = r"""
options:
  metadata_path:
    description:
      - SageMaker's resource metadata file, read by lifecycle scripts. Beside it, C(notebook-instance.json)
        holds the instance as DescribeNotebookInstance gives it, tags included, readable by every user of the
        host; both are rewritten with every change of the record.
      - Not a SageMaker request field; the role passes its C(notebook_instance_metadata_path).
    type: path
    default: /opt/ml/metadata/resource-metadata.json
"""

    SECRETS = r"""
options:
  secrets_dir:
    description:
      - Directory of the instance's secrets (root only), where the C(sagebox.notebook.jupyter) role keeps the
        private key that signs presigned URLs.
      - Not a SageMaker request field; the role passes its C(notebook_instance_secrets_dir).
    type: path
    default: /etc/sagebox/notebook-instance
"""

    CONFIGS = r"""
options:
  lifecycle_configs_dir:
    description:
      - Where lifecycle configurations are kept (root only).
      - Not a SageMaker request field; the role passes its C(notebook_instance_lifecycle_configs_dir).
    type: path
    default: /etc/sagebox/lifecycle-configs
    aliases: [configs_dir]
"""

    REGION = r"""
options:
  region:
    description: Region part of the ARNs.
    type: str
    default: local
"""
