"""Execute notebooks top to bottom on their own kernels with nbclient, as the notebook user would.

Usage: python run_notebooks.py DIR NAME...   Runs each notebook in DIR (its working directory) and
prints one JSON object per notebook: {"notebook", "kernel", "seconds", "text", "error"}, where text is
everything its cells printed. The notebooks on disk are not changed.
"""

from __future__ import annotations

import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT = 600  # seconds for one cell
STARTUP_TIMEOUT = 120


def run(directory: str, name: str) -> dict:
    notebook = nbformat.read(os.path.join(directory, name), as_version=4)
    kernel = notebook.metadata.kernelspec.name
    started = time.monotonic()
    error = None
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                            kernel_name=kernel, resources={"metadata": {"path": directory}})
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = str(exc).strip().splitlines()[-1][:500]
    text = "".join(
        output.get("text", "") if output.output_type == "stream" else output.get("data", {}).get("text/plain", "") + "\n"
        for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
        if output.output_type in ("stream", "execute_result")
    )
    return {"notebook": name, "kernel": kernel, "seconds": round(time.monotonic() - started, 1),
            "text": text, "error": error}


if __name__ == "__main__":
    for notebook_name in sys.argv[2:]:
        print(json.dumps(run(sys.argv[1], notebook_name)), flush=True)
