"""Every shared input is recorded with its provenance, and the recorded sha256 is right."""

from __future__ import annotations

from pathlib import Path

import yaml

from ofsted_record import config, provenance


def _recorded() -> dict[str, dict]:
    data = yaml.safe_load((config.project_root() / "data" / "sources.yml").read_text())
    return {entry["file"]: entry for entry in data["inputs"]}


def test_every_entry_has_full_provenance() -> None:
    recorded = _recorded()
    assert len(recorded) >= 40
    for rel, entry in recorded.items():
        for key in ("publisher", "title", "url", "date", "licence", "sha256"):
            assert entry[key], f"{rel}: {key} missing"
        assert len(entry["sha256"]) == 64


def test_recorded_hashes_match_the_shared_files(shared_data: Path) -> None:
    recorded = _recorded()
    on_disk = set(provenance.input_files(shared_data))
    assert on_disk == set(recorded), (
        f"unrecorded: {on_disk - set(recorded)}; gone: {set(recorded) - on_disk}"
    )
    for rel, entry in recorded.items():
        assert provenance.sha256(shared_data / rel) == entry["sha256"], f"{rel} changed"


def test_an_unknown_input_is_an_error() -> None:
    assert provenance.source_for("geography/mystery.shp") is None
    assert provenance.source_for("context/imd2019/File_11.xlsx").licence.startswith(
        "Open Government"
    )
