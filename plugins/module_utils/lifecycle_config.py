# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Notebook-instance lifecycle configurations (OnCreate/OnStart scripts), shared by the modules (stdlib only).

Field names and limits are those of SageMaker's CreateNotebookInstanceLifecycleConfig: at most one
script per hook, given as base64 Content of at most 16384 characters.
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from ansible_collections.sagebox.notebook.plugins.module_utils import private_files, request_error

CONTENT_MAX = 16384
SCRIPTS_MAX = 1
# Each hook: the module option, SageMaker's field, and the script's file name.
HOOKS = (
    ("on_create", "OnCreate", "on-create.sh"),
    ("on_start", "OnStart", "on-start.sh"),
)


def hook_content(option: str, scripts, script_text) -> list:
    """Return SageMaker's [{Content}] for one hook given as base64 entries or as a plain script.

    Raise request_error.RequestError naming the value and the rule when it breaks SageMaker's limits.
    """
    if scripts is not None and script_text is not None:
        raise request_error.RequestError("%s and %s_script are mutually exclusive: give the script once" % (option, option))
    if script_text is not None:
        if script_text == "":
            return []
        scripts = [{"content": base64.b64encode(script_text.encode("utf-8")).decode("ascii")}]
    scripts = scripts or []
    if len(scripts) > SCRIPTS_MAX:
        raise request_error.RequestError("%s has %d scripts: at most %d is allowed" % (option, len(scripts), SCRIPTS_MAX))
    result = []
    for entry in scripts:
        content = entry.get("content") if isinstance(entry, dict) else None
        if not isinstance(content, str) or not content:
            raise request_error.RequestError("%s entry %r must be a mapping with a non-empty base64 content" % (option, entry))
        if len(content) > CONTENT_MAX:
            raise request_error.RequestError(
                "%s content is %d characters: at most %d are allowed (base64, as SageMaker counts)"
                % (option, len(content), CONTENT_MAX)
            )
        try:
            base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise request_error.RequestError("%s content %r is not valid base64: %s" % (option, content[:40], exc)) from exc
        result.append({"Content": content})
    return result


def config_dir(name: str, configs_dir: str) -> str:
    return os.path.join(configs_dir, name)


def load(name: str, configs_dir: str) -> dict | None:
    """Return the stored configuration `name`, or None."""
    try:
        with open(os.path.join(config_dir(name, configs_dir), "config.json"), encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def load_all(configs_dir: str) -> list:
    """Return every stored configuration."""
    try:
        names = sorted(os.listdir(configs_dir))
    except FileNotFoundError:
        return []
    return [config for config in (load(name, configs_dir) for name in names) if config is not None]


def script_files(config: dict) -> dict:
    """Return {file name: script bytes} for the hooks a configuration has."""
    files = {}
    for _option, field, filename in HOOKS:
        for entry in config.get(field, []):
            files[filename] = base64.b64decode(entry["Content"])
    return files


def save(config: dict, configs_dir: str) -> None:
    """Write a configuration and its scripts (root-only); remove the script of a hook it no longer has."""
    directory = config_dir(config["NotebookInstanceLifecycleConfigName"], configs_dir)
    os.makedirs(configs_dir, mode=0o700, exist_ok=True)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    files = script_files(config)
    for _option, _field, filename in HOOKS:
        path = os.path.join(directory, filename)
        if filename in files:
            private_files.write_private_file(path, files[filename], mode=0o700)
        elif os.path.exists(path):
            os.unlink(path)
    private_files.write_private_file(
        os.path.join(directory, "config.json"), (json.dumps(config, indent=2, sort_keys=True) + "\n").encode("utf-8")
    )


def remove(name: str, configs_dir: str) -> None:
    directory = config_dir(name, configs_dir)
    for entry in os.listdir(directory):
        os.unlink(os.path.join(directory, entry))
    os.rmdir(directory)


def summary(config: dict) -> dict:
    """A configuration as ListNotebookInstanceLifecycleConfigs summarises it."""
    keys = ("NotebookInstanceLifecycleConfigName", "NotebookInstanceLifecycleConfigArn", "CreationTime",
            "LastModifiedTime")
    return {key: config[key] for key in keys if key in config}
