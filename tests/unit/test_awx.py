"""The AWX job templates (awx/job_templates.yml) match the playbooks and the roles' argument specs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = yaml.safe_load((ROOT / "awx" / "job_templates.yml").read_text())["sagebox_awx_templates"]
SPECS = yaml.safe_load((ROOT / "roles" / "notebook_instance" / "meta" / "argument_specs.yml").read_text())[
    "argument_specs"]
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
# Which role entry point each playbook runs (its survey variables must be options there).
ENTRY_POINTS = {
    "create_notebook_instance.yml": "main",
    "start_notebook_instance.yml": "start",
    "stop_notebook_instance.yml": "stop",
    "update_notebook_instance.yml": "update",
    "delete_notebook_instance.yml": "delete",
}


def test_every_user_playbook_has_a_template():
    playbooks = {p.name for p in (ROOT / "playbooks").glob("*.yml")}
    assert {Path(t["playbook"]).name for t in TEMPLATES} == playbooks


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["name"] for t in TEMPLATES])
def test_template_is_well_formed(template):
    playbook = ROOT / template["playbook"]
    assert playbook.is_file(), template["playbook"]
    text = playbook.read_text()
    spec = template["survey_spec"]["spec"]
    assert len({q["variable"] for q in spec}) == len(spec), "a variable is asked twice"
    for question in spec:
        assert question["type"] in SURVEY_TYPES, question
        assert question["question_name"] and question["variable"], question
        assert isinstance(question["required"], bool), question
        if question["type"] == "multiplechoice":
            assert question["default"] in question["choices"] + [""], question
        if question["type"] == "integer" and "default" in question:
            assert question["min"] <= question["default"] <= question["max"], question
        entry = ENTRY_POINTS.get(playbook.name)
        if entry:
            assert question["variable"] in SPECS[entry]["options"], (entry, question["variable"])
        else:
            assert question["variable"] in text, (playbook.name, question["variable"])
