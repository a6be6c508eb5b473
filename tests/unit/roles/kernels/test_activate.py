"""The venv provider's activate/deactivate shim (roles/kernels/templates/activate.sh.j2), sourced by real shells."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest

ROOT = Path(__file__).resolve().parents[4]
TEMPLATES = ROOT / "roles" / "kernels" / "templates"
SHELLS = [shell for shell in ("bash", "dash", "zsh") if shutil.which(shell)]


def render(name: str, prefix: Path) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), keep_trailing_newline=True)
    env.filters["quote"] = lambda value: shlex.quote(str(value))
    return env.get_template(name).render(ansible_managed="managed", kernels_conda_prefix=str(prefix),
                                         kernels_envs_dir=str(prefix / "envs"))


@pytest.fixture
def prefix(tmp_path):
    """A prefix as the venv provider leaves it: a base venv, two environments, the shim in bin/."""
    prefix = tmp_path / "anaconda3"
    for env in (prefix, prefix / "envs" / "python3", prefix / "envs" / "JupyterSystemEnv"):
        (env / "bin").mkdir(parents=True)
        for tool in ("python", "pip"):
            (env / "bin" / tool).write_text("#!/bin/sh\necho %s\n" % env)
            (env / "bin" / tool).chmod(0o755)
    (prefix / "envs" / "not-an-env").mkdir()
    (prefix / "bin" / "activate").write_text(render("activate.sh.j2", prefix))
    (prefix / "bin" / "deactivate").write_text(render("deactivate.sh.j2", prefix))
    return prefix


def run(shell: str, script: str) -> subprocess.CompletedProcess:
    return subprocess.run([shell, "-c", script], capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})


@pytest.mark.parametrize("shell", SHELLS)
def test_activate_by_name_puts_the_environment_first_and_deactivate_undoes_it(shell, prefix):
    # dash's `.` passes no arguments: the sourced file sees the caller's, as conda's activate does.
    result = run(shell, f"""set -- python3; . {prefix}/bin/activate && echo "$(command -v pip) $CONDA_DEFAULT_ENV $VIRTUAL_ENV"
deactivate; echo "after [$PATH] [${{VIRTUAL_ENV:-}}] [${{CONDA_DEFAULT_ENV:-}}]" """)
    assert result.returncode == 0, result.stderr
    first, after = result.stdout.splitlines()
    assert first == f"{prefix}/envs/python3/bin/pip python3 {prefix}/envs/python3"
    assert after == "after [/usr/bin:/bin] [] []"


def test_bash_passes_the_name_to_source_and_finds_activate_on_path(prefix):
    result = run("bash", f"""PATH=$PATH:{prefix}/bin; source activate JupyterSystemEnv && command -v python
source activate python3 && command -v python; source deactivate; command -v pip || echo none""")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"{prefix}/envs/JupyterSystemEnv/bin/python", f"{prefix}/envs/python3/bin/python"]
    # Deactivated: the system's pip or base's, after it on PATH, not the environment's.
    assert not lines[2].startswith(f"{prefix}/envs/")


def test_base_and_a_path_activate_too(prefix):
    result = run("bash", f"""source {prefix}/bin/activate && echo "$CONDA_DEFAULT_ENV $(command -v python)"
source {prefix}/bin/activate {prefix}/envs/python3/ && echo "$CONDA_PREFIX" """)
    assert result.stdout.splitlines() == [f"base {prefix}/bin/python", f"{prefix}/envs/python3"]


def test_an_unknown_environment_fails_naming_it_and_listing_the_others(prefix):
    result = run("bash", f"""source {prefix}/bin/activate nope; echo "rc $? [${{VIRTUAL_ENV:-}}]" """)
    assert result.stdout.strip() == "rc 1 []"
    assert result.stderr.splitlines() == ["Could not find conda environment: nope",
                                          "The environments: base JupyterSystemEnv python3"]


def test_set_e_scripts_stop_at_an_unknown_environment(prefix):
    result = run("bash", f"""set -e; source {prefix}/bin/activate nope; echo not reached""")
    assert result.returncode == 1 and "not reached" not in result.stdout


@pytest.mark.parametrize("owner_is_me", [True, False])
def test_the_profile_script_puts_the_prefix_on_root_s_path_only_while_it_is_root_s(tmp_path, owner_is_me):
    """Run as whoever runs the tests: a non-root user always gets the prefix's bin; root only while it owns it."""
    prefix = tmp_path / "anaconda3"
    (prefix / "bin").mkdir(parents=True)
    if not owner_is_me and os.getuid() == 0:
        os.chown(prefix / "bin", 65534, 65534)
    script = render("profile-anaconda.sh.j2", prefix)
    path = subprocess.run(["sh", "-c", script + '\necho "$PATH"'], env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True).stdout.strip()
    expected = owner_is_me or os.getuid() != 0
    assert path == ("/usr/bin:/bin:%s/bin" % prefix if expected else "/usr/bin:/bin")
