"""Run a build stage only when its inputs changed (content-hash stamps).

``python -m ofsted_record.site.stamps NAME --in PATH... [--skip PATH...] -- COMMAND...`` hashes every file under
the input paths; if the digest equals the one recorded after the last successful run of NAME,
it prints that the stage is up to date and exits; otherwise it runs COMMAND and, on success,
records the digest of the inputs as they are *after* the run (a stage may rewrite its own
inputs, e.g. the data-version stamp in the site's pages). ``FORCE=1`` runs every stage.

Content hashes, not modification times: a fresh clone or ``git checkout`` touches every file
without changing it. File digests are cached by (size, mtime) in the stamp folder, so a no-op
check of the 160 MB report corpus takes well under a second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

STAMP_DIR = Path(".cache") / "stamps"
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}


def _files(paths: Iterable[Path], skip: Iterable[Path] = ()) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [p for p in path.rglob("*") if p.is_file() and not IGNORED_PARTS & set(p.parts)]
    skip = list(skip)
    return sorted({p for p in out if not any(p.is_relative_to(s) for s in skip)})


def digest(
    paths: Iterable[Path], cache: dict[str, list] | None = None, skip: Iterable[Path] = ()
) -> str:
    """sha256 over (relative name, content digest) of every file under ``paths`` but not under
    ``skip``; a missing path counts as its name only, so creating it changes the digest."""
    cache = {} if cache is None else cache
    total = hashlib.sha256()
    paths = list(paths)
    for path in paths:
        total.update(f"{path}:{path.exists()}\0".encode())
    for file in _files(paths, skip):
        stat = file.stat()
        key = str(file)
        hit = cache.get(key)
        if hit and hit[0] == stat.st_size and hit[1] == stat.st_mtime_ns:
            sha = hit[2]
        else:
            sha = hashlib.sha256(file.read_bytes()).hexdigest()
            cache[key] = [stat.st_size, stat.st_mtime_ns, sha]
        total.update(f"{file}\0{sha}\0".encode())
    return total.hexdigest()


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write(path: Path, text: str) -> None:
    """Write whole or not at all (a stage interrupted mid-write leaves the old file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_stage(
    name: str,
    inputs: list[Path],
    command: list[str],
    root: Path | None = None,
    skip: list[Path] | None = None,
) -> int:
    """Run ``command`` unless the files under ``inputs`` (less those under ``skip``: another
    stage's output that may be written while this one runs) are as after its last run."""
    skip = skip or []
    root = root or Path.cwd()
    folder = root / STAMP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # One digest cache per stage: `make site` runs some stages at once (make -j2), and a shared
    # file would be rewritten by each, losing the others' entries.
    cache_path = folder / f"{name}.digests.json"
    stamp_path = folder / f"{name}.sha256"
    cache = _load(cache_path)
    before = digest(inputs, cache, skip)
    recorded = stamp_path.read_text().strip() if stamp_path.exists() else ""
    if before == recorded and os.environ.get("FORCE") != "1":
        print(f"{name}: inputs unchanged, skipped (FORCE=1 to run anyway)")
        _write(cache_path, json.dumps(cache))
        return 0
    start = time.perf_counter()
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        stamp_path.unlink(missing_ok=True)
        return result.returncode
    _write(stamp_path, digest(inputs, cache, skip) + "\n")
    _write(cache_path, json.dumps(cache))
    print(f"{name}: ran in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print("usage: stamps NAME --in PATH... -- COMMAND...", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="stamps")
    parser.add_argument("name")
    parser.add_argument("--in", dest="inputs", nargs="+", type=Path, required=True)
    parser.add_argument("--skip", nargs="+", type=Path, default=[], help="not inputs")
    args = parser.parse_args(argv[:split])
    return run_stage(args.name, args.inputs, argv[split + 1 :], skip=args.skip)


if __name__ == "__main__":
    raise SystemExit(main())
