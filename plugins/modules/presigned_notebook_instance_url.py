#!/usr/bin/python
# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make a presigned URL that opens Jupyter on a notebook instance (CreatePresignedNotebookInstanceUrl)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: presigned_notebook_instance_url
short_description: Make a login URL for a notebook instance, as SageMaker's CreatePresignedNotebookInstanceUrl
version_added: 0.1.0
description:
  - Returns a URL of the form C(https://<host>[:port]/?authToken=<token>) that opens JupyterLab on the
    notebook instance of this host. The URL is valid for 5 minutes and can be used once.
  - Opening it starts a Jupyter session that lasts O(session_expiration_duration_in_seconds).
  - The token is a standard JSON Web Token (EdDSA, Ed25519) signed with the instance's private presign key,
    which only root can read (C(presign-key.pem) in O(secrets_dir)); Jupyter holds the public key only. Jupyter
    checks every rule of the token itself, remembers its unique id so that it cannot be used again (even after
    a restart), and when O(source_cidrs) is given, accepts it only from those addresses.
  - The module must run as root (C(become)) on the instance host.
extends_documentation_fragment:
  - action_common_attributes
  - sagebox.notebook.host_layout
  - sagebox.notebook.host_layout.secrets
attributes:
  check_mode:
    support: full
    details: A URL is made in check mode as well; making one changes nothing on the host.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  notebook_instance_name:
    description: The notebook instance (NotebookInstanceName), which must be the host's; the host's one instance when left out.
    type: str
    aliases: [name]
  session_expiration_duration_in_seconds:
    description: Length of the Jupyter session the URL opens, 1800 to 43200 seconds.
    type: int
    default: 43200
  source_cidrs:
    description:
      - Client addresses (IPv4 or IPv6 CIDRs) the URL may be opened from. Any address when left out.
    type: list
    elements: str
  url:
    description: Host and port to put in the URL instead of the instance's recorded Url.
    type: str
requirements:
  - cryptography (python3-cryptography on the host; the jupyter role installs it)
notes:
  - The URL is a credential until it is used or expires. Set C(no_log) on a task that registers it where
    task results are logged (AWX keeps them), and print it only where the reader may open the instance.
seealso:
  - module: sagebox.notebook.notebook_instance
author: sagebox.notebook maintainers (@sagebox)
"""

EXAMPLES = r"""
- name: Make a login URL for a one-hour session
  sagebox.notebook.presigned_notebook_instance_url:
    notebook_instance_name: research-nb
    session_expiration_duration_in_seconds: 3600
    source_cidrs: [10.20.0.0/16]
  register: login

- name: Show it
  ansible.builtin.debug:
    msg: "{{ login.authorized_url }}"
"""

RETURN = r"""
notebook_instance_name:
  description: The instance, the host's one when O(notebook_instance_name) is left out.
  returned: success
  type: str
  sample: research-nb
authorized_url:
  description: The presigned URL (AuthorizedUrl). Valid 5 minutes, once.
  returned: success
  type: str
  sample: https://nb-host.example.com:8443/?authToken=eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJ...
expires_at:
  description: When the URL stops working (ISO 8601, UTC).
  returned: success
  type: str
  sample: "2026-11-24T10:05:00+00:00"
"""

import ipaddress
import time
import urllib.parse

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sagebox.notebook.plugins.module_utils import host_layout, record, request_error, status
from ansible_collections.sagebox.notebook.plugins.module_utils import presigned_token as pt


class PresignedUrl:
    """Check the request against the host's notebook instance and sign a login token for it."""

    def __init__(self, module: AnsibleModule):
        self.module = module
        self.params = module.params

    def check_request(self) -> list:
        seconds = self.params["session_expiration_duration_in_seconds"]
        if not pt.SESSION_MIN_SECONDS <= seconds <= pt.SESSION_MAX_SECONDS:
            self.module.fail_json(
                msg="session_expiration_duration_in_seconds %d must be from %d to %d"
                % (seconds, pt.SESSION_MIN_SECONDS, pt.SESSION_MAX_SECONDS)
            )
        cidrs = []
        for cidr in self.params["source_cidrs"] or []:
            try:
                cidrs.append(str(ipaddress.ip_network(cidr, strict=False)))
            except ValueError:
                self.module.fail_json(msg="source_cidrs entry %r must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8" % cidr)
        return cidrs

    def instance(self) -> dict:
        try:
            instance = record.find_instance(self.params["record_path"], self.params["notebook_instance_name"])
        except request_error.RecordError as exc:
            self.module.fail_json(msg=str(exc))
        name = instance["NotebookInstanceName"]
        if instance["NotebookInstanceStatus"] != "InService":
            self.module.fail_json(
                msg="notebook instance %r is %s: a presigned URL needs it InService"
                % (name, instance["NotebookInstanceStatus"])
            )
        return instance

    def private_key(self):
        path = self.params["secrets_dir"] + "/" + pt.PRIVATE_KEY_FILE
        try:
            with open(path, "rb") as handle:
                return pt.load_private_key(handle.read())
        except OSError as exc:
            self.module.fail_json(
                msg="cannot read the instance's presign key %s: %s (run the module as root, with become, on the "
                "instance host; the jupyter role makes the key)" % (path, exc.strerror)
            )
        except pt.TokenError as exc:
            self.module.fail_json(msg="the instance's presign key %s is %s" % (path, exc))

    def run(self) -> None:
        cidrs = self.check_request()
        instance = self.instance()
        where = self.params["url"] or instance.get("Url")
        if not where:
            self.module.fail_json(msg="notebook instance %r has no Url recorded: give url" % instance["NotebookInstanceName"])
        now = int(time.time())
        claims = pt.make_claims(
            instance["NotebookInstanceName"], now, self.params["session_expiration_duration_in_seconds"], cidrs
        )
        token = pt.encode(claims, self.private_key())
        url = "https://%s/?%s" % (where, urllib.parse.urlencode({"authToken": token}))
        self.module.exit_json(changed=False, authorized_url=url, expires_at=status.timestamp(claims["exp"]),
                              notebook_instance_name=instance["NotebookInstanceName"])


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "notebook_instance_name": {"type": "str", "aliases": ["name"]},
            "session_expiration_duration_in_seconds": {"type": "int", "default": pt.SESSION_DEFAULT_SECONDS},
            "source_cidrs": {"type": "list", "elements": "str"},
            "url": {"type": "str"},
            **host_layout.options("record_path", "secrets_dir"),
        },
        supports_check_mode=True,
    )
    if not pt.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"))
    PresignedUrl(module).run()


if __name__ == "__main__":
    main()
