"""No role reads another role's variables: a role gets what it needs from its own variables, and a caller
passes a callee's explicitly (include_role vars), so that each value has one source (issue 27).

A variable belongs to the role whose name prefixes it (`kernels_provider`, internal `__kernels_python`; the
internal role `_common` owns `_common_*` and `__common_*`). The one exception is a result an entry point hands
back to its caller: a public fact the role sets itself (set_fact, register) and names in its
meta/argument_specs.yml, such as the idle_auto_stop role's `idle_auto_stop_host_files`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, NamedTuple

import jinja2
import jinja2.nodes
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = ROOT / "roles"
# The role folders that hold Jinja (files/ holds helpers, copied as they are).
SCANNED = ("tasks", "handlers", "vars", "defaults", "templates", "meta")
# Keys whose values, or whose list's items, Ansible reads as bare Jinja expressions, without {{ }}.
BARE = {"when", "failed_when", "changed_when", "until", "that"}
# Read bare only when the value itself is a string (a list given to loop is literal items).
BARE_SCALAR = {"loop"}
JINJA = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])

# Jinja decodes string literals such as '^\S+ ii' with Python's escapes, which warns about them.
pytestmark = pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")


class Read(NamedTuple):
    path: str
    line: int
    name: str


def role_names() -> list[str]:
    return sorted(p.name for p in ROLES.iterdir() if p.is_dir())


def owner(name: str, roles: list[str]) -> str | None:
    """The role whose prefix the variable carries (the longest whole role name that fits), or None."""
    public = name[2:] if name.startswith("__") else name
    # `_common`'s internal variables are `__common_*`: its name's own underscore is shared.
    candidates = {public, "_" + name[2:]} if name.startswith("__") else {public}
    matches = [role for role in roles for candidate in candidates if candidate.startswith(role + "_")]
    return max(matches, key=len) if matches else None


def names_in(template: str, first_line: int) -> Iterator[tuple[int, str]]:
    """The variables a Jinja template reads, with their lines; names the template sets itself left out."""
    tree = JINJA.parse(template)
    own = {node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx in ("store", "param")}
    for node in tree.find_all(jinja2.nodes.Name):
        if node.ctx == "load" and node.name not in own:
            yield first_line + node.lineno - 1, node.name


def scalar_line(node: yaml.ScalarNode) -> int:
    # A block scalar (| or >) starts on the line after its indicator.
    return node.start_mark.line + (2 if node.style in ("|", ">") else 1)


def yaml_templates(node: yaml.Node, bare: bool = False) -> Iterator[tuple[int, str]]:
    """Every Jinja template in a YAML document's values (keys are names given, not read)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            key_name = key.value if isinstance(key, yaml.ScalarNode) else None
            yield from yaml_templates(value, bare=key_name in BARE
                                      or (key_name in BARE_SCALAR and isinstance(value, yaml.ScalarNode)))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from yaml_templates(item, bare=bare)
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        if "{{" in node.value or "{%" in node.value:
            yield scalar_line(node), node.value
        elif bare and node.value.strip():
            yield scalar_line(node), "{{ " + node.value + " }}"


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def reads(path: Path) -> list[Read]:
    """Every variable the file reads in a Jinja expression, once per line (an alias repeats its anchor's)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml"):
        templates = [t for document in yaml.compose_all(text, Loader=yaml.SafeLoader) if document
                     for t in yaml_templates(document)]
    else:
        templates = [(1, text)]
    found = {Read(shown(path), line, name) for first, template in templates for line, name in names_in(template, first)}
    return sorted(found)


def set_by(node) -> Iterator[str]:
    """The names a task list registers or sets with set_fact, at any depth (blocks, rescue)."""
    if isinstance(node, dict):
        if isinstance(node.get("register"), str):
            yield node["register"]
        for module in ("ansible.builtin.set_fact", "set_fact"):
            if isinstance(node.get(module), dict):
                yield from (name for name in node[module] if name != "cacheable")
        for value in node.values():
            yield from set_by(value)
    elif isinstance(node, list):
        for item in node:
            yield from set_by(item)


def results(role: str) -> set[str]:
    """The public facts the role sets itself and documents in its argument specs: what it hands back."""
    names = {name for path in sorted((ROLES / role / "tasks").glob("*.yml"))
             for name in set_by(yaml.safe_load(path.read_text(encoding="utf-8")))}
    specs = ROLES / role / "meta" / "argument_specs.yml"
    documented = specs.read_text(encoding="utf-8") if specs.exists() else ""
    return {name for name in names if not name.startswith("__") and f"C({name})" in documented}


def foreign_reads(role: str, paths: list[Path], roles: list[str]) -> list[Read]:
    """The reads, in these files of the role, of variables another role owns (its documented results aside)."""
    found = []
    for path in paths:
        for read in reads(path):
            other = owner(read.name, roles)
            if other is not None and other != role and read.name not in results(other):
                found.append(read)
    return found


def role_files(role: str) -> list[Path]:
    return sorted(p for top in SCANNED for p in (ROLES / role / top).rglob("*") if p.is_file())


@pytest.mark.parametrize("role", role_names())
def test_role_reads_only_its_own_variables(role: str):
    roles = role_names()
    found = foreign_reads(role, role_files(role), roles)
    assert found == [], "\n".join(
        f"{read.path}:{read.line}: {read.name} is the {owner(read.name, roles)} role's; give {role} a variable "
        f"of its own and pass it in the include_role's vars" for read in found)


def test_a_read_of_another_roles_variable_is_found(tmp_path: Path):
    # As notebook_instance's build read other roles' variables before issue 27: each such read is named.
    tasks = tmp_path / "build.yml"
    tasks.write_text(
        "- name: Install Miniconda\n"
        "  ansible.builtin.include_role:\n"
        "    name: sagebox.notebook.miniconda\n"
        "  vars:\n"
        "    miniconda_prefix: \"{{ notebook_instance_conda_prefix }}\"\n"
        "    firewall_jupyter_port: \"{{ jupyter_port | default(8443) }}\"\n"
        "  when:\n"
        "    - notebook_instance_kernels | length > 0\n"
        "    - kernels_provider | default('conda') == 'conda'\n"
        "- name: Write the files\n"
        "  sagebox.notebook.host_files:\n"
        "    files: \"{{ idle_auto_stop_host_files.files + [x.kernels_provider, {'tmpfs_tmp_path': 1}] }}\"\n"
        "    units: \"{{ [idle_auto_stop_unit] if __common_apt is changed else [] }}\"\n"
        "  loop: \"{{ [storage_volume_size_gb] }}\"\n"
        "  register: notebook_instance_result\n"
        "  failed_when: notebook_instance_result.rc != 0\n",
        encoding="utf-8")
    template = tmp_path / "unit.j2"
    template.write_text("[Unit]\n{% set kernels_x = 1 %}{{ kernels_x }}\nAfter={{ firewall_service_name }}\n",
                        encoding="utf-8")
    found = [(read.path, read.line, read.name)
             for read in foreign_reads("notebook_instance", [tasks, template], role_names())]
    # Not reads of another role's variables: attributes, dictionary keys, names a template sets, the role's
    # own (notebook_instance_result) and the idle_auto_stop role's documented result.
    assert found == [("build.yml", 6, "jupyter_port"), ("build.yml", 9, "kernels_provider"),
                     ("build.yml", 13, "__common_apt"), ("build.yml", 13, "idle_auto_stop_unit"),
                     ("build.yml", 14, "storage_volume_size_gb"), ("unit.j2", 3, "firewall_service_name")]


def test_a_roles_results_are_what_it_sets_and_documents():
    assert "idle_auto_stop_host_files" in results("idle_auto_stop")
    assert {"_common_packages_result", "_common_pip_changed"} <= results("_common")
    # Set but internal, or an input.
    assert "__common_pip_unmet" not in results("_common")
    assert "jupyter_port" not in results("jupyter")


def test_role_prefixes_match_whole_role_names():
    roles = ["kernels", "notebook_instance", "_common", "storage_volume", "storage"]
    assert owner("kernels_provider", roles) == "kernels"
    assert owner("kernelspec_dir", roles) is None
    assert owner("__kernels_python", roles) == "kernels"
    assert owner("notebook_instance_result", roles) == "notebook_instance"
    assert owner("_common_packages", roles) == "_common"
    assert owner("__common_apt", roles) == "_common"
    assert owner("storage_volume_size_gb", roles) == "storage_volume"
    assert owner("storage_size", roles) == "storage"
    assert owner("ansible_check_mode", roles) is None
