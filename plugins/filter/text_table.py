# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter rendering a list of mappings as an aligned text table, as `aws ... --output table` shows it."""

from __future__ import annotations

DOCUMENTATION = r"""
name: text_table
short_description: An aligned text table of a list of mappings, one line per row
version_added: 0.1.0
description:
  - Returns the lines of a table with a title, a header of the given columns and one row per mapping, as
    C(aws sagemaker list-notebook-instances --output table) lays it out. A missing value is an empty cell.
options:
  _input:
    description: The rows.
    type: list
    elements: dict
    required: true
  columns:
    description: The keys to show, in order.
    type: list
    elements: str
    required: true
  title:
    description: The table's title.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Show the instances as a table
  ansible.builtin.debug:
    msg: "{{ instances | sagebox.notebook.text_table(['NotebookInstanceName', 'NotebookInstanceStatus'], 'ListNotebookInstances') }}"
"""

RETURN = r"""
_value:
  description: The table's lines.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError


def text_table(rows, columns, title=""):
    """The lines of an aligned table of `rows` (mappings) showing `columns`."""
    if not isinstance(rows, (list, tuple)) or not all(isinstance(row, dict) for row in rows):
        raise AnsibleFilterError("text_table: the input must be a list of mappings, not %r" % (rows,))
    if not columns:
        raise AnsibleFilterError("text_table: give at least one column")
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[i]) for line in cells]) for i, column in enumerate(columns)]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def line(values):
        return "|" + "|".join(" %s " % value.ljust(width) for value, width in zip(values, widths)) + "|"

    lines = []
    if title:
        lines += ["-" * len(rule), "|" + title.center(len(rule) - 2) + "|"]
    lines += [rule, line(columns), rule] + [line(values) for values in cells] + [rule]
    return lines


class FilterModule:
    def filters(self):
        return {"text_table": text_table}
