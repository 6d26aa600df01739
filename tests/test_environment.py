"""environment.yml (conda) and pyproject.toml (pip) must list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from ofsted_record.config import project_root

CONDA_ONLY = {"python", "quarto", "pip"}
# conda-forge names that differ from PyPI's.
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _split(spec: str) -> tuple[str, str]:
    spec = spec.split("#")[0].strip()
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, f"cannot parse dependency {spec!r}"
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pyproject_deps() -> dict[str, str]:
    data = tomllib.loads((project_root() / "pyproject.toml").read_text())
    specs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        specs.extend(extra)
    return dict(_split(s) for s in specs)


def conda_deps() -> dict[str, str]:
    """Conda packages plus the pip section (packages conda-forge does not carry)."""
    env = yaml.safe_load((project_root() / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            specs.extend(s for s in entry.get("pip", []) if not s.startswith("-"))
    pairs = (_split(s) for s in specs)
    return {CONDA_TO_PYPI.get(k, k): v for k, v in pairs if k not in CONDA_ONLY}


def test_same_packages_and_versions() -> None:
    pip, conda = pyproject_deps(), conda_deps()
    assert set(pip) == set(conda), (
        f"only in pyproject: {sorted(set(pip) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pip))}"
    )
    assert pip == conda


def test_environment_has_quarto() -> None:
    env = yaml.safe_load((project_root() / "environment.yml").read_text())
    assert any(str(d).startswith("quarto") for d in env["dependencies"])
    assert "conda-forge" in env["channels"]


def test_parser_catches_a_mismatch() -> None:
    assert _split("duckdb>=1.1   # note") == ("duckdb", ">=1.1")
    assert _split("python_calamine") == ("python-calamine", "")
