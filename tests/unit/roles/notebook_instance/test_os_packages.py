"""The notebook_instance role installs its roles' OS packages in one step (vars/main.yml
__notebook_instance_role_packages); each list must stay the role's own, or a role would run apt again."""

from __future__ import annotations

from pathlib import Path

import yaml

ROLES = Path(__file__).resolve().parents[4] / "roles"


def load(path: str):
    return yaml.safe_load((ROLES / path).read_text(encoding="utf-8"))


def common_packages(tasks_file: str) -> list:
    """The literal _common_packages of the role's call of _common's packages step."""
    calls = [task for task in load(tasks_file) if task.get("ansible.builtin.include_role", {}).get("tasks_from") == "packages"]
    assert len(calls) == 1, tasks_file
    return calls[0]["vars"]["_common_packages"]


def test_the_builds_package_lists_are_the_roles_own():
    ours = load("notebook_instance/vars/main.yml")["__notebook_instance_role_packages"]
    storage = load("storage_volume/vars/main.yml")["__storage_volume_packages"]
    assert ours == {
        "storage_volume": storage["loop"],
        "firewall": common_packages("firewall/tasks/present.yml"),
        "jupyter": load("jupyter/vars/main.yml")["__jupyter_packages"],
    }
    # The backings but LVM (whose lvm2 the role installs itself) need no more than the loop file.
    assert storage["device"] == storage["loop"]


def test_the_build_installs_them_first():
    build = load("notebook_instance/tasks/build.yml")[1]["block"]
    packages = [i for i, task in enumerate(build)
                if task.get("ansible.builtin.include_role", {}).get("tasks_from") == "packages"]
    assert packages == [1], "the build's first step after the apt proxy installs every OS package"
    assert build[1]["vars"]["_common_packages"] == "{{ __notebook_instance_os_packages }}"
