from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.sagebox.notebook.plugins.filter.text_table import FilterModule, text_table


def test_columns_are_aligned_and_missing_values_empty():
    rows = [{"NotebookInstanceName": "nb-1", "NotebookInstanceStatus": "InService"},
            {"NotebookInstanceName": "research-notebook", "Url": "h:8443"}]
    lines = text_table(rows, ["NotebookInstanceName", "NotebookInstanceStatus"], "ListNotebookInstances")
    assert len({len(line) for line in lines}) == 1
    assert lines[1].strip("|").strip() == "ListNotebookInstances"
    assert lines[3] == "| NotebookInstanceName | NotebookInstanceStatus |"
    assert lines[5] == "| nb-1                 | InService              |"
    assert lines[6] == "| research-notebook    |                        |"
    assert lines[2] == lines[4] == lines[7] == "+----------------------+------------------------+"


def test_bad_input_is_named():
    with pytest.raises(AnsibleFilterError, match="list of mappings"):
        text_table("nb-1", ["NotebookInstanceName"])
    with pytest.raises(AnsibleFilterError, match="at least one column"):
        text_table([], [])


def test_registered():
    assert FilterModule().filters()["text_table"] is text_table
