"""Run the reporters' notebooks in ``analysis/`` through a real Jupyter kernel.

The notebooks are authored as Jupytext percent scripts (``analysis/NN_name.py``) paired with
output-free ``.ipynb`` copies (``analysis/jupytext.toml``). The ``.py`` is the source: every run
first re-pairs the ``.ipynb`` from it (:func:`sync`), so an edited script is never run stale.
:func:`execute` then parameterises the notebook with papermill's own ``parameterize_notebook``
(an ``injected-parameters`` cell after the cell tagged ``parameters``, which is also what
Quarto's ``params`` does), runs it with nbclient in the project's kernel (``ofsted-record``,
registered inside the venv) and writes the executed copy to ``data/public/notebooks/``.
Executed copies carry no timings and no random ids, so a rerun on the same warehouse gives the
same bytes.

:func:`setup_display`, called by each notebook's setup cell, picks how charts and tables show:
live Vega charts in JupyterLab (Altair's ``jupyter`` renderer, offline), static SVG and Markdown
tables everywhere else (papermill, Quarto), so no output ever needs a CDN (docs/notebooks.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
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
# The project's kernel: the venv's Python, registered inside the venv (never the user's
# global Jupyter folders) under the project's name, and named in every notebook's metadata.
KERNEL = "ofsted-record"
KERNEL_DISPLAY_NAME = "Python (ofsted-record)"
CELL_TIMEOUT = 300  # seconds per cell; a notebook should take far less in total
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
# How charts display: "live" (JupyterLab) or "static" (papermill, Quarto). Unset: live when a
# Jupyter server started the kernel (jupyter_server sets JPY_SESSION_NAME), static otherwise.
DISPLAY_ENV = "OFSTED_RECORD_DISPLAY"
DISPLAY_MODES = ("live", "static")
# Open `analysis/*.py` as notebooks on a double click in JupyterLab (jupytext's viewer).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}
}


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


class UnknownNotebook(ValueError):
    """A notebook name that is not one of :data:`NOTEBOOKS` (one line, naming the choices)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown notebook {name!r}; choose one of: {', '.join(NOTEBOOKS)}")


class BadParameters(ValueError):
    """Parameters the notebook does not declare, or a notebook with no parameters cell."""


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
        raise UnknownNotebook(name)
    return analysis_dir() / f"{name}{suffix}"


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


# --- the kernel, JupyterLab and how outputs display --------------------------------------------


def ensure_kernel(prefix: Path | str | None = None) -> Path:
    """Register this interpreter as the ``ofsted-record`` kernel under ``prefix`` (default: the
    venv, ``sys.prefix``); a no-op when the registered kernel already runs this interpreter."""
    from ipykernel.kernelspec import install

    prefix = Path(prefix or sys.prefix)
    spec_dir = prefix / "share" / "jupyter" / "kernels" / KERNEL
    spec = spec_dir / "kernel.json"
    if spec.exists() and json.loads(spec.read_text()).get("argv", [""])[0] == sys.executable:
        return spec_dir
    try:
        return Path(
            install(kernel_name=KERNEL, display_name=KERNEL_DISPLAY_NAME, prefix=str(prefix))
        )
    except OSError:
        if spec.exists():  # a parallel run registered it first
            return spec_dir
        raise


def prepare_lab(prefix: Path | str | None = None) -> None:
    """What `make lab` needs before JupyterLab starts: the project's kernel, and ``.py``
    notebooks opening as notebooks (JupyterLab's settings overrides file, inside the venv)."""
    prefix = Path(prefix or sys.prefix)
    ensure_kernel(prefix)
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(overrides.read_text()) if overrides.exists() else {}
    if any(current.get(k) != v for k, v in LAB_SETTINGS.items()):
        overrides.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(overrides, json.dumps({**current, **LAB_SETTINGS}, indent=2) + "\n")


def display_mode() -> str:
    mode = os.environ.get(DISPLAY_ENV) or (
        "live" if os.environ.get("JPY_SESSION_NAME") else "static"
    )
    if mode not in DISPLAY_MODES:
        raise ValueError(f"{DISPLAY_ENV}={mode!r}: choose one of {', '.join(DISPLAY_MODES)}")
    return mode


def _markdown_table(frame: Any) -> str:
    """A DataFrame as a Markdown table, cut like pandas' own display when it is long."""
    import pandas as pd

    limit, keep = pd.get_option("display.max_rows"), pd.get_option("display.min_rows") // 2
    if len(frame) <= limit:
        return frame.to_markdown()
    head, tail = frame.head(keep).to_markdown(), frame.tail(keep).to_markdown()
    rows = tail.splitlines()[2:]  # drop the repeated header and rule
    return "\n".join([head, "| … |", *rows, "", f"{len(frame)} rows × {frame.shape[1]} columns"])


def setup_display() -> str:
    """Choose how this kernel shows charts and tables; returns the mode.

    live: Altair's ``jupyter`` renderer (an anywidget) with ``offline=True``, which bundles Vega
    from vl-convert into the widget: interactive charts in JupyterLab with no network.
    static: Altair's ``svg`` renderer (drawn by vl-convert in the kernel) and DataFrames as
    Markdown tables. No ``text/html`` or JavaScript output at all, because Quarto loads require.js
    and jQuery from a CDN for any such output (shared notes on Quarto, fact 1), and JupyterLab
    shows an executed copy's SVG without running any script.
    """
    import altair as alt
    import pandas as pd
    from IPython import get_ipython

    mode = display_mode()
    if mode == "live":
        alt.renderers.enable("jupyter", offline=True)
        return mode
    alt.renderers.enable("svg")
    shell = get_ipython()
    if shell is not None:
        formatters = shell.display_formatter.formatters
        formatters["text/html"].enabled = False
        formatters["text/markdown"].for_type(pd.DataFrame, _markdown_table)
    return mode


def as_date(value: Any, default: Any) -> Any:
    """A date parameter as a ``datetime.date``; blank means ``default``.

    Accepts what each runner passes: a string from papermill or the CLI (``2016-03-31``), or
    the timestamp Quarto makes of a YAML date (``2016-03-31T00:00:00.000Z``).
    """
    import pandas as pd

    if value in (None, ""):
        return default
    try:
        return pd.Timestamp(value).date()
    except ValueError:
        raise ValueError(f"as_at={value!r} is not a date (write it as 2016-03-31)") from None


# --- never stale: the .py is the source ------------------------------------------------------


def sync(name: str) -> nbformat.NotebookNode:
    """Re-pair ``analysis/<name>.ipynb`` from its ``.py`` (jupytext) and return it: what runs is
    always what the script says, whatever state the ``.ipynb`` was in."""
    pair([name])
    return nbformat.read(notebook_path(name), as_version=4)


# --- parameters: papermill's own --------------------------------------------------------------


def declared_parameters(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Name -> default source of each parameter in the cell tagged ``parameters`` (papermill's
    own inspection)."""
    from papermill.inspection import _infer_parameters

    _ensure_tags(nb)
    return {p.name: p.default for p in _infer_parameters(nb, language="python")}


def _ensure_tags(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:  # papermill reads cell.metadata.tags on every cell
        cell.metadata.setdefault("tags", [])


def inject_parameters(
    nb: nbformat.NotebookNode, parameters: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """Parameterise with papermill (an ``injected-parameters`` cell after ``parameters``);
    names the notebook does not declare are refused before a kernel starts."""
    from papermill.parameterize import parameterize_notebook

    if not parameters:
        return nb
    declared = declared_parameters(nb)
    if not declared:
        raise BadParameters(
            f"parameters {sorted(parameters)} given but no cell is tagged 'parameters'"
        )
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise BadParameters(
            f"unknown parameters {unknown}; the notebook declares {sorted(declared)}"
        )
    nb.metadata["papermill"] = {}
    nb = parameterize_notebook(nb, dict(parameters), kernel_name=KERNEL, language="python")
    for cell in nb.cells:
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = (
                INJECTED_TAG  # papermill's id is random; a fixed one keeps copies reproducible
            )
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
    """Deterministic text: no timing or papermill metadata, no empty tag lists."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
    return nbformat.writes(nb)


def output_name(name: str, parameters: Mapping[str, Any] | None) -> str:
    if not parameters:
        return name
    import re

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
    """Sync ``analysis/<name>.ipynb`` from its ``.py``, run it, and write the executed copy to
    ``out_dir`` (default ``data/public/notebooks/``).

    Raises :class:`UnknownNotebook` or :class:`BadParameters` before any kernel starts, and
    :class:`NotebookFailed` (naming the failing cell and the error) when a cell raises; the
    partly executed notebook is still written, with ``-failed`` in its name.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    parameters = dict(parameters or {})
    notebook_path(name)  # unknown names fail here, before anything is written
    nb = inject_parameters(sync(name), parameters)
    out_dir = Path(out_dir or output_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{output_name(name, parameters)}.ipynb"
    ensure_kernel()
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(analysis_dir())}},
    )
    start = time.perf_counter()
    try:
        # Static display even when this process was itself started from a Jupyter kernel.
        client.execute(env={**os.environ, DISPLAY_ENV: "static"})
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
