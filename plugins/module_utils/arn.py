# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ARN-like ids of notebook instances and lifecycle configurations (stdlib only).

The form is arn:sagebox:sagemaker:<region>:<account>:<resource>/<lower-case name>, where <account>
is a 12-digit number derived from the host's /etc/machine-id.
"""

from __future__ import annotations

import hashlib
import os

ARN_FORMAT = "arn:sagebox:sagemaker:{region}:{account}:{resource}/{name}"


def account_id(machine_id: str) -> str:
    """Return a stable 12-digit account-like id for a host, from its machine id."""
    digest = hashlib.sha256(("sagebox:" + machine_id.strip()).encode("utf-8")).hexdigest()
    return "%012d" % (int(digest, 16) % 10**12)


def host_account() -> str:
    """Return this host's account-like id, from /etc/machine-id (its host name where there is none)."""
    try:
        with open("/etc/machine-id", encoding="ascii") as handle:
            return account_id(handle.read())
    except OSError:
        return account_id(os.uname().nodename)


def instance_arn(name: str, region: str, account: str, resource: str = "notebook-instance") -> str:
    """Return the ARN-like id of a notebook instance (SageMaker lower-cases the name in ARNs)."""
    return ARN_FORMAT.format(region=region, account=account, resource=resource, name=name.lower())
