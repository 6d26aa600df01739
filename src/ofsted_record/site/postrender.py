"""Quarto ``post-render`` step: no classic script in a page's head blocks the first paint.

Quarto writes its own libraries (``site_libs``: navigation, search, Bootstrap, popper) as plain
``<script src>`` tags in every page's head, and no Quarto option makes them ``defer``. On a phone
the page cannot paint until all of them have downloaded and run. Marking them ``defer`` keeps
their order (deferred scripts run in document order, interleaved with the module scripts
already there) and runs them before ``DOMContentLoaded``, which is where Quarto's own code and
its inline after-body script do their work, so every page behaves as before.

Run by Quarto after every render, full or partial (``project: post-render:`` in
``_quarto.yml``), with the Python Quarto finds (``$QUARTO_PYTHON``, set to the project's venv by
``ofsted-record site``). Standard library only, so it also runs under a plain ``quarto render``
with any Python 3. Rewriting is idempotent and byte-stable: a page already rewritten is left as
it is, so rebuilds stay byte-identical.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

# Quarto lists the pages it just wrote (relative to the project) in this variable, or, when the
# list is too long for the environment, in the file the second variable names.
OUTPUT_FILES_ENV = "QUARTO_PROJECT_OUTPUT_FILES"
OUTPUT_FILES_FILE_ENV = "QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES"
HEAD_END = "</head>"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# A script that already does not block parsing: defer, async or a module.
NON_BLOCKING = re.compile(r"""\b(defer|async)\b|\btype\s*=\s*["']module["']""", re.IGNORECASE)
# Only Quarto's own libraries: their top-level code only defines things and waits for
# DOMContentLoaded (checked for Quarto 1.7), so deferring them is safe.
LIBRARY = "site_libs/"


def defer_head_scripts(html: str) -> str:
    """``html`` with each blocking ``site_libs`` ``<script src>`` in its head made ``defer``."""
    end = html.find(HEAD_END)
    if end < 0:  # a fragment (embed snippet): no head, nothing blocks
        return html

    def add_defer(match: re.Match[str]) -> str:
        attributes = match.group(1)
        src = SRC.search(attributes)
        if not src or LIBRARY not in src.group(1) or NON_BLOCKING.search(attributes):
            return match.group(0)
        return f"<script{attributes} defer>"

    return SCRIPT_TAG.sub(add_defer, html[:end]) + html[end:]


def blocking_head_scripts(html: str) -> list[str]:
    """The ``src`` of every classic, blocking ``<script src>`` in ``html``'s head."""
    end = html.find(HEAD_END)
    head = html[:end] if end >= 0 else ""
    found = []
    for match in SCRIPT_TAG.finditer(head):
        src = SRC.search(match.group(1))
        if src and not NON_BLOCKING.search(match.group(1)):
            found.append(src.group(1))
    return found


def rewrite(path: Path) -> bool:
    """Rewrite one page in place; True when it changed."""
    html = path.read_text(encoding="utf-8")
    new = defer_head_scripts(html)
    if new == html:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def output_pages(project: Path) -> list[Path]:
    """The HTML pages Quarto just rendered, or every page of ``_site`` when run by hand."""
    listed = os.environ.get(OUTPUT_FILES_ENV)
    listing_file = os.environ.get(OUTPUT_FILES_FILE_ENV)
    if listed is None and listing_file and Path(listing_file).is_file():
        listed = Path(listing_file).read_text(encoding="utf-8")
    if listed is None:
        return sorted((project / "_site").rglob("*.html"))
    names = (line.strip() for line in listed.splitlines())
    return [project / name for name in names if name.endswith(".html")]


def main(project: Path | None = None) -> int:
    """Rewrite the rendered pages; a page that cannot be read is named and skipped."""
    project = project or Path.cwd()
    changed = 0
    for page in output_pages(project):
        try:
            changed += rewrite(page)
        except (OSError, UnicodeDecodeError) as error:
            # One bad page never stops the others; the render log shows this line.
            print(f"WARNING: post-render could not rewrite {page}: {error}", flush=True)
    print(f"post-render: deferred Quarto's head scripts in {changed} page(s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
