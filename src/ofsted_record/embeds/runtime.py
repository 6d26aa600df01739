"""The chart runtime shared by the site's pages and the embeds: Vega specs compiled at build
time, the Vega library (without Vega-Lite or vega-embed) and ``charts.js``, which loads that
library the first time a chart comes near the screen and draws it.

Why not ``vl_convert.javascript_bundle("window.vega = vega;")``: in vl-convert 1.9 its ``vega``
is a default import that Vega does not have, so the bundle sets ``window.vega = null`` (seen
in its last line). The Vega library comes instead from Vega's own npm package, at exactly the
version vl-convert compiles for, with Vega's CSP-safe expression interpreter (the embeds run
under a Content-Security-Policy without ``'unsafe-eval'``).

The bundle is vendored (``static/vega-bundle.js``, Vega's BSD-3-Clause licence) so that
``make site`` needs no Node.js: ``make vega-bundle`` rebuilds it from npm (into the git-ignored
``.cache/node``, as axe-core and Lighthouse are) when vl-convert moves to another Vega, and the
build refuses a vendored bundle whose Vega is not the one vl-convert compiles for.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonpatch

from ofsted_record import config

BUNDLE_NAME = "vega-bundle.js"
RUNTIME_NAME = "charts.js"
# vega-interpreter's release for Vega 6.2 (its later releases are built against Vega 6.3+).
INTERPRETER_VERSION = "2.2.1"
_SCHEMA = re.compile(r"/vega-lite/v(\d+)\.(\d+)(?:\.\d+)?\.json$")
_UTIL_IMPORT = re.compile(r"^import \{([^}]*)\} from 'vega-util';$", re.MULTILINE)
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def vega_version() -> str:
    """The Vega version vl-convert compiles for (the library the pages must run)."""
    import vl_convert

    return vl_convert.get_vega_version()


def node_prefix() -> Path:
    return config.project_root() / ".cache" / "node"


def _installed(prefix: Path, package: str) -> str | None:
    meta = prefix / "node_modules" / package / "package.json"
    if not meta.exists():
        return None
    return json.loads(meta.read_text(encoding="utf-8")).get("version")


def ensure_vega(prefix: Path | None = None) -> Path:
    """``node_modules`` holding Vega and vega-interpreter at the pinned versions, installed
    with npm when missing. Raises ``RuntimeError`` saying why when that cannot be done."""
    prefix = prefix or node_prefix()
    wanted = {"vega": vega_version(), "vega-interpreter": INTERPRETER_VERSION}
    if all(_installed(prefix, p) == v for p, v in wanted.items()):
        return prefix / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "the charts need Vega from npm (vega@{vega}, vega-interpreter@{vega-interpreter}) "
            "and npm is not installed".format(**wanted)
        )
    prefix.mkdir(parents=True, exist_ok=True)
    specs = [f"{p}@{v}" for p, v in wanted.items()]
    # one install at a time (parallel test workers, a build beside the tests)
    with open(prefix / ".vega-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(_installed(prefix, p) == v for p, v in wanted.items()):
            return prefix / "node_modules"
        done = subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent", "-E"]
            + specs,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0 or not all(_installed(prefix, p) == v for p, v in wanted.items()):
        raise RuntimeError(f"npm install {' '.join(specs)} failed: {done.stderr.strip()[-500:]}")
    return prefix / "node_modules"


VENDORED = "static/vega-bundle.js"
_HEADER = "/*! vega@{vega} + vega-interpreter@{interpreter} (BSD-3-Clause), from npm; rebuild: make vega-bundle */\n"
_HEADER_VERSION = re.compile(r"^/\*! vega@(\S+) \+ vega-interpreter@(\S+) ")


def vega_bundle() -> str:
    """The vendored Vega bundle (see the module docstring), checked against the Vega that
    vl-convert compiles the specs for. Raises ``RuntimeError`` naming the file and the fix."""
    source = resources.files("ofsted_record.embeds").joinpath(VENDORED)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise RuntimeError(
            f"{source}: the vendored Vega bundle is missing ({error}); run `make vega-bundle`"
        ) from error
    found = _HEADER_VERSION.match(text)
    wanted = (vega_version(), INTERPRETER_VERSION)
    if found is None or found.groups() != wanted:
        have = (
            "no version header"
            if found is None
            else f"vega {found[1]}, vega-interpreter {found[2]}"
        )
        raise RuntimeError(
            f"{source}: has {have}, but the specs are compiled for vega {wanted[0]} "
            f"(vega-interpreter {wanted[1]}); run `make vega-bundle` (needs npm)"
        )
    return text


def build_vega_bundle(modules: Path | None = None) -> str:
    """The vendored bundle's text, built from npm: one ES module: Vega's minified build (it sets ``globalThis.vega``) followed by the
    expression interpreter, exported as ``expressionInterpreter``. The interpreter's one import
    (three helpers from vega-util) is read from the Vega build, which re-exports vega-util."""
    modules = modules or ensure_vega()
    vega = (modules / "vega" / "build" / "vega.min.js").read_text(encoding="utf-8")
    interpreter_file = modules / "vega-interpreter" / "build" / "vega-interpreter.js"
    interpreter = interpreter_file.read_text(encoding="utf-8")
    interpreter, found = _UTIL_IMPORT.subn(r"const {\1} = globalThis.vega;", interpreter)
    if found != 1 or re.search(r"^import ", interpreter, re.MULTILINE):
        raise RuntimeError(f"{interpreter_file}: expected one import, from vega-util")
    header = _HEADER.format(vega=vega_version(), interpreter=INTERPRETER_VERSION)
    return (
        header + _SOURCE_MAP.sub("", vega) + "\n" + _SOURCE_MAP.sub("", interpreter).rstrip() + "\n"
    )


def runtime_js(bundle_version: str) -> str:
    """``charts.js``, importing the bundle beside it at ``?v=<bundle_version>`` (a new
    library reaches readers without a new address)."""
    text = resources.files("ofsted_record.embeds").joinpath("static/charts.js").read_text()
    return text.replace("__BUNDLE__", f"{BUNDLE_NAME}?v={bundle_version}")


def lib_files() -> dict[str, str]:
    """The chart files the site's pages and the embeds share, by file name: the Vega bundle and
    the runtime that imports it at the bundle's content version."""
    from ofsted_record.embeds.page import version

    bundle = vega_bundle()
    return {BUNDLE_NAME: bundle, RUNTIME_NAME: runtime_js(version(bundle))}


def vl_version(spec: dict[str, Any]) -> str:
    """The Vega-Lite version a spec declares (``$schema``), as vl-convert names it (``6.4``);
    a spec with no ``$schema`` is taken to be the Vega-Lite the installed Altair writes."""
    import altair
    import vl_convert

    match = _SCHEMA.search(str(spec.get("$schema", altair.SCHEMA_URL)))
    if not match:
        raise ValueError(f"no Vega-Lite version in $schema {spec.get('$schema')!r}")
    version = f"{match[1]}.{match[2]}"
    if version not in vl_convert.get_vegalite_versions():
        raise ValueError(f"Vega-Lite {version} is not one vl-convert compiles")
    return version


def compile_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega spec of a Vega-Lite spec, compiled by the Vega-Lite version it declares, with
    its ``usermeta.embedOptions.patch`` (the maps' height-from-width) applied, as vega-embed
    applied it in the browser. A ``test`` operation that fails raises (the patch no longer fits
    what Vega-Lite writes). Dropped: ``$schema`` and ``usermeta`` (read at build time only)."""
    import vl_convert

    meta = spec.get("usermeta") if isinstance(spec.get("usermeta"), dict) else {}
    options = meta.get("embedOptions") if isinstance(meta.get("embedOptions"), dict) else {}
    vega = vl_convert.vegalite_to_vega(spec, vl_version=vl_version(spec))
    if options.get("patch"):
        vega = jsonpatch.apply_patch(vega, options["patch"])
    return {k: v for k, v in vega.items() if k not in ("$schema", "usermeta")}


def dark_patch(light: dict[str, Any], dark: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON patch from a chart's light Vega spec to its dark one (both compiled at build
    time): the page applies it when the reader's system is in dark mode."""
    return jsonpatch.make_patch(light, dark).patch


if __name__ == "__main__":  # `make vega-bundle`: rebuild the vendored bundle from npm
    target = Path(__file__).parent / VENDORED
    target.write_text(build_vega_bundle(), encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
