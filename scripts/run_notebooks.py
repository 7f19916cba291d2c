"""Run notebooks top to bottom and store their outputs, for course authors.

    .venv/bin/python scripts/run_notebooks.py notebooks/*.ipynb solutions/*.ipynb

Each notebook runs in a fresh kernel against a lab registry in a temporary data folder, so the
stored outputs never show your own lab or progress. Outputs go through the same sanitizer rules
as nbval (nbval-sanitize.cfg), widget state is dropped, and a cell that raises stops the run.
Afterwards, regenerate exercises/ with `registry-dojo build-exercises`.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SANITIZE_CONFIG = ROOT / "nbval-sanitize.cfg"
CELL_TIMEOUT = 120


def sanitizer_rules() -> list[tuple[re.Pattern[str], str]]:
    """Read the regex and replacement of each section of nbval-sanitize.cfg."""
    config = configparser.ConfigParser()
    config.read(SANITIZE_CONFIG)
    return [
        (re.compile(config[name]["regex"]), config[name]["replace"]) for name in config.sections()
    ]


def sanitize(notebook: nbformat.NotebookNode, rules: list[tuple[re.Pattern[str], str]]) -> None:
    """Apply the sanitizer rules to every text output. An error output raises SystemExit."""

    def clean(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise SystemExit(f"cell {cell.id} raised {output.ename}: {output.evalue}")
            if "text" in output:
                output.text = clean(output.text)
            for mime, value in output.get("data", {}).items():
                if isinstance(value, str):
                    output.data[mime] = clean(value)


def run(path: Path, rules: list[tuple[re.Pattern[str], str]]) -> float:
    """Execute the notebook at `path` in place and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    client.execute()
    notebook.metadata.pop("widgets", None)
    sanitize(notebook, rules)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Run notebooks and store their outputs.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args()

    # The prefix matches the test-data-home rule of nbval-sanitize.cfg.
    home = Path(tempfile.mkdtemp(prefix="registry-dojo-test-"))
    os.environ["REGISTRY_DOJO_HOME"] = str(home)
    rules = sanitizer_rules()
    try:
        for path in args.notebooks:
            print(f"{path}: {run(path, rules):.1f} s")
    finally:
        from registry_dojo import lab

        lab.down(home)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
