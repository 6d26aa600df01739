"""Read a ``.qmd`` page the way Quarto's Jupyter engine runs it: front matter, ```` ```{python} ````
cells with their ``#|`` options, and inline `` `{python} expr` `` expressions, in document order.

Used by the tests (which execute pages through a real Jupyter kernel with nbclient) and the
benchmark; jupytext's qmd reader would need Quarto itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
OPTION = re.compile(r"^#\|\s*([\w-]+):\s*(.*)$")


@dataclass
class Chunk:
    kind: str  # 'cell' | 'inline'
    source: str
    options: dict = field(default_factory=dict)


@dataclass
class Page:
    path: Path
    meta: dict
    chunks: list[Chunk]

    @property
    def cells(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "cell"]

    @property
    def inline(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "inline"]


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: page has no YAML front matter")
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError(f"{path}: front matter is not closed with ---")
    meta = yaml.safe_load(text[4:end]) or {}
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    return meta, text[end + 4 :]


def parse(path: Path) -> Page:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    chunks: list[Chunk] = []
    pos = 0
    for match in CELL.finditer(body):
        chunks += [
            Chunk("inline", m.group(1).strip()) for m in INLINE.finditer(body, pos, match.start())
        ]
        source = match.group(1)
        options = {}
        for line in source.splitlines():
            opt = OPTION.match(line)
            if opt:
                options[opt.group(1)] = yaml.safe_load(opt.group(2))
        chunks.append(Chunk("cell", source.rstrip("\n"), options))
        pos = match.end()
    chunks += [Chunk("inline", m.group(1).strip()) for m in INLINE.finditer(body, pos)]
    return Page(path, meta, chunks)


def notebook(page: Page) -> nbformat.NotebookNode:
    """A notebook with one code cell per chunk (inline expressions as their own cells)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for chunk in page.chunks:
        cell = nbformat.v4.new_code_cell(chunk.source)
        cell.metadata["chunk_kind"] = chunk.kind
        cell.metadata["quarto_options"] = chunk.options
        nb.cells.append(cell)
    return nb


def execute(page: Page, timeout: int = 300) -> nbformat.NotebookNode:
    """Run the page's chunks in a fresh kernel, in the page's folder (Quarto's default)."""
    from nbclient import NotebookClient

    nb = notebook(page)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(page.path.parent)}},
    )
    client.execute()
    return nb
