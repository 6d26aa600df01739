"""Run the reporters' notebooks in ``analysis/`` through a real Jupyter kernel.

The notebooks are authored as Jupytext percent scripts (``analysis/NN_name.py``) paired with
output-free ``.ipynb`` copies (``analysis/jupytext.toml``). :func:`execute` runs one ``.ipynb``
with nbclient in the ``python3`` kernel of the running interpreter (jupyter_client swaps the
kernelspec's ``python`` for ``sys.executable``, so the kernel is this ``.venv``), injecting
parameters the papermill way (a cell tagged ``injected-parameters`` after the cell tagged
``parameters``, which is also what Quarto's ``params`` does), and writes the executed copy to
``data/public/notebooks/``. Executed copies carry no timings and no random chart ids, so a rerun
on the same warehouse gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ofsted_record import config
from ofsted_record.tables import atomic_write_text

NOTEBOOKS: tuple[str, ...] = (
    "01_the_record",
    "02_national_picture",
    "03_maps",
    "04_after_inadequate",
    "05_context",
    "06_claims_checked",
    "07_council_deep_dive",
)
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds per cell; a notebook should take far less in total
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
# Altair's default HTML renderer names each chart's div with a random id.
_ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")


class NotebookFailed(RuntimeError):
    """A notebook raised: names the notebook, the failing code cell and the error."""

    def __init__(self, name: str, cell: int, ename: str, evalue: str, partial: Path | None):
        self.name, self.cell, self.ename, self.evalue, self.partial = (
            name,
            cell,
            ename,
            evalue,
            partial,
        )
        where = f"; partial output in {partial}" if partial else ""
        super().__init__(f"{name}: code cell {cell} raised {ename}: {evalue}{where}")


@dataclass(frozen=True)
class Executed:
    name: str
    path: Path
    seconds: float
    parameters: Mapping[str, Any]


def analysis_dir() -> Path:
    return config.project_root() / "analysis"


def output_dir() -> Path:
    return config.public_dir() / "notebooks"


def notebook_path(name: str, suffix: str = ".ipynb") -> Path:
    if name not in NOTEBOOKS:
        raise ValueError(f"unknown notebook {name!r}; choose one of {', '.join(NOTEBOOKS)}")
    return analysis_dir() / f"{name}{suffix}"


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def inject_parameters(
    nb: nbformat.NotebookNode, parameters: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """Insert an ``injected-parameters`` cell after the ``parameters`` cell (papermill's rule)."""
    if not parameters:
        return nb
    index = next(
        (
            i
            for i, cell in enumerate(nb.cells)
            if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if index is None:
        raise ValueError(
            f"parameters {sorted(parameters)} given but no cell is tagged 'parameters'"
        )
    declared = set(re.findall(r"^(\w+)\s*[:=]", nb.cells[index].source, flags=re.MULTILINE))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ValueError(f"unknown parameters {unknown}; the notebook declares {sorted(declared)}")
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    cell.id = INJECTED_TAG  # fixed, so executed copies are reproducible
    nb.cells.insert(index + 1, cell)
    return nb


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, str, str]:
    """1-based position, among code cells the author wrote, of the first cell with an error."""
    authored = [c for c in code_cells(nb) if INJECTED_TAG not in c.metadata.get("tags", [])]
    for position, cell in enumerate(authored, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return position, output.get("ename", ""), output.get("evalue", "")
    return 0, "", ""


def _normalise(nb: nbformat.NotebookNode) -> str:
    """Deterministic text: chart ids numbered in order, no timing metadata."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    text = nbformat.writes(nb)
    ids: dict[str, str] = {}
    return _ALTAIR_ID.sub(lambda m: ids.setdefault(m.group(0), f"altair-viz-{len(ids) + 1}"), text)


def output_name(name: str, parameters: Mapping[str, Any] | None) -> str:
    if not parameters:
        return name
    tail = "-".join(
        re.sub(r"[^a-z0-9]+", "-", str(v).lower()).strip("-") for v in parameters.values()
    )
    return f"{name}-{tail}"


def execute(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    out_dir: Path | None = None,
    *,
    timeout: int = CELL_TIMEOUT,
) -> Executed:
    """Execute ``analysis/<name>.ipynb`` and write the executed copy to ``out_dir``.

    Raises :class:`NotebookFailed` (naming the failing cell and the error) when a cell raises;
    the partly executed notebook is still written, with ``-failed`` in its name.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    parameters = dict(parameters or {})
    nb = inject_parameters(nbformat.read(notebook_path(name), as_version=4), parameters)
    out_dir = Path(out_dir or output_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{output_name(name, parameters)}.ipynb"
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(analysis_dir())}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError:
        failed = target.with_name(target.stem + "-failed.ipynb")
        atomic_write_text(failed, _normalise(nb))
        target.unlink(missing_ok=True)
        cell, ename, evalue = _failing_cell(nb)
        raise NotebookFailed(name, cell, ename, evalue, failed) from None
    seconds = time.perf_counter() - start
    target.with_name(target.stem + "-failed.ipynb").unlink(missing_ok=True)
    atomic_write_text(target, _normalise(nb))
    return Executed(name, target, seconds, parameters)


def execute_all(
    out_dir: Path | None = None, names: Iterable[str] = NOTEBOOKS
) -> tuple[list[Executed], list[NotebookFailed]]:
    """Execute each notebook in turn; one failure never stops the others."""
    done: list[Executed] = []
    failed: list[NotebookFailed] = []
    for name in names:
        try:
            done.append(execute(name, out_dir=out_dir))
        except NotebookFailed as exc:
            failed.append(exc)
    return done, failed


# --- pairing: .py (percent script, the source) <-> .ipynb (committed without outputs) ----------


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with every output, execution count and timing removed."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def cell_signature(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """What pairing must preserve: each cell's type, source and tags."""
    return [
        (c.cell_type, c.source.strip(), tuple(c.get("metadata", {}).get("tags", [])))
        for c in nb.cells
    ]


def read_script(name: str) -> nbformat.NotebookNode:
    import jupytext

    return jupytext.read(notebook_path(name, ".py"))


def pair(names: Iterable[str] = NOTEBOOKS) -> list[Path]:
    """(Re)write each ``.ipynb`` from its ``.py`` script, without outputs."""
    import jupytext

    written = []
    for name in names:
        nb = stripped(read_script(name))
        for position, cell in enumerate(nb.cells):  # stable ids, so re-pairing is byte-identical
            digest = hashlib.sha1(cell.source.encode()).hexdigest()[:8]
            cell.id = f"c{position:02d}-{digest}"
        target = notebook_path(name)
        atomic_write_text(target, jupytext.writes(nb, fmt="ipynb"))
        written.append(target)
    return written


def pairing_problems(names: Iterable[str] = NOTEBOOKS) -> list[str]:
    """Why a committed ``.ipynb`` differs from its script or carries outputs (empty if none)."""
    problems = []
    for name in names:
        ipynb = notebook_path(name)
        if not ipynb.exists():
            problems.append(f"{ipynb}: missing (run `ofsted-record notebooks --pair`)")
            continue
        nb = nbformat.read(ipynb, as_version=4)
        if cell_signature(nb) != cell_signature(read_script(name)):
            problems.append(
                f"{ipynb}: cells differ from {name}.py (run `ofsted-record notebooks --pair`)"
            )
        dirty = [
            i
            for i, c in enumerate(nb.cells, start=1)
            if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
        ]
        if dirty:
            problems.append(f"{ipynb}: cells {dirty} carry outputs (strip them before committing)")
    return problems
