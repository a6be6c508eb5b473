from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def run_module(capsys):
    """Run a module's main() with arguments; return (failed, result)."""

    def run(module, args):
        with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
            module.main()
        result = json.loads(capsys.readouterr().out)
        return exit_info.value.code != 0, result

    return run


@pytest.fixture
def paths(tmp_path):
    return {
        "record_path": str(tmp_path / "lib" / "notebook-instance.json"),
        "metadata_path": str(tmp_path / "ml" / "metadata" / "resource-metadata.json"),
        "secrets_dir": str(tmp_path / "secrets"),
        "lifecycle_configs_dir": str(tmp_path / "lifecycle-configs"),
    }


@pytest.fixture
def host_units(monkeypatch, paths):
    """The host's start and stop units as the module sees them through run_command: each moves the
    record to its end state (or to Failed, when `outcome` says so), as the real units do."""
    from ansible.module_utils.basic import AnsibleModule
    from ansible_collections.sagebox.notebook.plugins.module_utils import record

    outcome = {"calls": [], "failure": None}

    def run_command(self, args, **kwargs):
        outcome["calls"].append(args)
        if args[:2] != ["systemctl", "start"]:
            # The other systemctl calls (the controls' units): is-enabled and is-active say no, the rest succeed.
            return (1 if args[1] in ("is-enabled", "is-active") else 0), "", ""
        # As the units' helpers: the record in its new status, published beside the resource metadata.
        if outcome["failure"]:
            record.record_status(paths["record_path"], "Failed", 0, outcome["failure"], paths["metadata_path"])
            return 1, "", "Job for the unit failed."
        end = "InService" if args[-1].endswith("-start.service") else "Stopped"
        record.record_status(paths["record_path"], end, 0, metadata_path=paths["metadata_path"])
        return 0, "", ""

    monkeypatch.setattr(AnsibleModule, "run_command", run_command)
    return outcome
