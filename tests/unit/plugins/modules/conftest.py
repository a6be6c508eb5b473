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
