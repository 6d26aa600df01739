"""Plain words in every chart a reader sees: no code names (``requires_improvement``,
``ilacs_short``), ISO dates or raw web addresses in titles, subtitles, axis and legend titles,
legend entries, tooltip titles or the values tooltips show.

Scans every chart in the catalogue, both site maps and council timelines, as the specs go out
(inline data included), so a label added later without a plain name is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

CODE_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
URL = re.compile(r"https?://")


def _bad(text: str) -> list[str]:
    return [p.pattern for p in (CODE_NAME, ISO_DATE, URL) if p.search(text)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for key in ("text", "subtitle"):
            if key in value:
                yield from _strings(value[key])


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline data row of the spec (datasets, and data.values lists of records)."""
    rows: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        rows.extend(r for r in values if isinstance(r, dict))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows.extend(r for r in data["values"] if isinstance(r, dict))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return rows


def reader_text(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the spec shows a reader as text."""
    rows = _rows(spec)

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            # chart, axis, legend and tooltip titles alike
            for text in _strings(node.get("title")):
                yield_.append((f"{path}/title", text))
            for channel, enc in (node.get("encoding") or {}).items():
                encs = enc if isinstance(enc, list) else [enc]
                for e in encs:
                    if not isinstance(e, dict):
                        continue
                    if channel in ("color", "shape") and isinstance(e.get("scale"), dict):
                        for text in e["scale"].get("domain") or []:
                            yield_.append((f"{path}/{channel}/legend entry", str(text)))
                    if channel == "tooltip":
                        field = e.get("field", "")
                        formatted = e.get("type") == "temporal" and e.get("format")
                        if formatted:
                            yield_.append((f"{path}/tooltip format", e["format"]))
                        elif field and "." not in field:
                            for row in rows:
                                if field in row and isinstance(row[field], str):
                                    yield_.append((f"{path}/tooltip {field}", row[field]))
            for key, value in node.items():
                if key not in ("data", "datasets"):
                    walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")

    yield_: list[tuple[str, str]] = []
    walk(spec, "")
    yield from yield_


@pytest.fixture(scope="module")
def specs(warehouse_path) -> dict[str, dict[str, Any]]:
    from ofsted_record.charts.catalogue import CATALOGUE, council_chart_for
    from ofsted_record.site import maps
    from ofsted_record.warehouse import connect

    con = connect(warehouse_path)
    try:
        out = {entry.slug: entry.build(con)[1].to_dict() for entry in CATALOGUE}
        status = maps.map_status(con)
        for kind in ("hex", "boundaries"):
            out[f"site-map-{kind}"] = maps.england_map(status, kind).to_dict()
        for la_code, name in (("372", "Rotherham"), ("302", "Barnet"), ("909", "Cumbria")):
            out[f"council-{name}"] = council_chart_for(con, la_code, name)[1].to_dict()
    finally:
        con.close()
    return out


def test_the_scanner_catches_code_names_iso_dates_and_addresses() -> None:
    spec = {
        "title": {"text": "Councils", "subtitle": ["as at 2024-03-31"]},
        "data": {"values": [{"g": "requires_improvement", "u": "https://example.org/x"}]},
        "mark": "bar",
        "encoding": {
            "color": {"field": "g", "scale": {"domain": ["requires_improvement"]}},
            "tooltip": [{"field": "u", "type": "nominal"}, {"field": "g", "type": "nominal"}],
        },
    }
    found = {where: _bad(text) for where, text in reader_text(spec) if _bad(text)}
    assert "/title" in found
    assert any("legend entry" in w for w in found)
    assert any("tooltip u" in w for w in found) and any("tooltip g" in w for w in found)


def test_no_chart_shows_code_names_iso_dates_or_raw_addresses(specs) -> None:
    assert len(specs) >= 12
    problems = []
    for slug, spec in specs.items():
        seen = list(reader_text(spec))
        assert any(where == "/title" for where, _ in seen), slug
        for where, text in seen:
            if _bad(text):
                problems.append((slug, where, text[:80]))
    assert not sorted(set(problems))


def test_legends_name_grades_as_each_framework_did(specs) -> None:
    """Rotherham 2010 was 'adequate' under its framework: never shown as requires improvement."""
    spec = specs["council-Rotherham"]
    rows = [r for r in _rows(spec) if r.get("date", "").startswith("2010")]
    assert rows and {r["grade_label"] for r in rows} == {"Adequate (pre-2013 scale)"}
