from __future__ import annotations

from ansible_collections.sagebox.notebook.plugins.module_utils import arn


def test_arn_is_stable_and_lower_case():
    account = arn.account_id("0123456789abcdef0123456789abcdef\n")
    assert account == arn.account_id("0123456789abcdef0123456789abcdef")
    assert len(account) == 12 and account.isdigit()
    assert arn.instance_arn("My-NB", "local", account) == "arn:sagebox:sagemaker:local:%s:notebook-instance/my-nb" % account
