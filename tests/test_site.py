"""The explainer site: pages run through a real Jupyter kernel, generated council pages,
configuration, no CDN, data versioning.

Golden values were checked by hand in the inputs: Cumbria (DfE 909) in
``shared/data/interventions/interventions.csv`` rows 2-4 (improvement notices 3 August 2012 and
7 January 2014, statutory direction 9 November 2015) and ``data/processed/councils.csv`` row
142 (valid to 2023-03-31, successors 942;943 = Cumberland, Westmorland and Furness).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ofsted_record import config
from ofsted_record.site import assets, qmd
from ofsted_record.site.councils import write_council_pages
from ofsted_record.site.embed import chart_html
from ofsted_record.site.paths import site_dir
from ofsted_record.tables import read_csv

SITE = site_dir()
PAGES = sorted(p.name for p in SITE.glob("*.qmd"))
CDN = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)
FORBIDDEN_MIME = {"text/html", "application/javascript"}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, con) -> Path:
    """A copy of the hand-written site with the generated council pages."""
    root = tmp_path_factory.mktemp("site")
    for path in SITE.glob("*.qmd"):
        shutil.copy(path, root / path.name)
    write_council_pages(con, root)
    return root


# --- every page through a real kernel ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_page_runs_in_jupyter_without_html_outputs(name, warehouse_path):
    page = qmd.parse(SITE / name)
    nb = qmd.execute(page)
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {[(e.ename, e.evalue) for e in errors]}"
    for cell in nb.cells:
        for output in cell.outputs:
            mimes = set(output.get("data", {}))
            assert not mimes & FORBIDDEN_MIME, (
                f"{name}: a cell displays {mimes & FORBIDDEN_MIME}, which makes Quarto load "
                f"require.js/jQuery from a CDN: {cell.source[:80]!r}"
            )
    asis = [
        "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
        for c in nb.cells
        if c.metadata["quarto_options"].get("output") == "asis"
    ]
    for text in asis:
        for chart_id in re.findall(r'getElementById\("([\w-]+)"\);const spec=', text):
            assert f'<div id="{chart_id}" class="orc-vega" style="width:100%' in text
            assert f'id="{chart_id}-summary" class="visually-hidden"' in text
        assert not CDN.search(text), f"{name}: output references a remote script or stylesheet"
    for cell in nb.cells:
        if cell.metadata["chunk_kind"] != "inline":
            continue
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert results, f"{name}: inline `{cell.source}` gives no value"
        data = results[0]["data"]
        assert set(data) <= {"text/plain", "text/markdown"}
        shown = data.get("text/markdown", data["text/plain"])
        assert shown and not shown.startswith(("'", '"', "np.", "<")), (
            f"{name}: {cell.source} -> {shown!r}"
        )
    if name in {"index.qmd", "map.qmd", "claims.qmd"}:
        assert any("orcChart(" in text for text in asis), f"{name} shows no chart"


def test_home_page_numbers_match_the_warehouse(con):
    """The story's headline counts equal independent SQL over the warehouse."""
    from ofsted_record.site import story

    facts = story.facts(con)
    end = con.execute("SELECT max(published_date) FROM inspections").fetchone()[0]
    existing = con.execute("SELECT count(*) FROM councils_on(CAST(? AS DATE))", [end]).fetchone()[0]
    inadequate = con.execute(
        "SELECT count(*) FROM standing(CAST(? AS DATE), 'ended_by', 'overall_effectiveness') "
        "WHERE grade = 'inadequate'",
        [end],
    ).fetchone()[0]
    spells = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE censored) FROM inadequate_spells"
    ).fetchone()
    assert facts["n_councils"] == existing
    assert facts["n_inadequate"] == inadequate
    assert (facts["n_spells"], facts["n_spells_open"]) == spells
    assert all(type(v) in (int, str) for k, v in facts.items() if k != "data_end")


# --- generated council pages ---------------------------------------------------------------


def test_a_page_for_every_council_in_the_register(built_site):
    register = read_csv(config.processed_dir() / "councils.csv")
    folder = built_site / "councils"
    for row in register.itertuples(index=False):
        page = folder / f"{row.slug}.qmd"
        assert page.exists(), f"no page for {row.name} ({row.la_code})"
        meta, body = qmd.split_front_matter(page.read_text(encoding="utf-8"), page)
        assert meta["title"] == row.name
        assert meta["description"].endswith(".") and len(meta["description"]) > 40
        assert "```{python}" not in body, "council pages must not need a kernel"
    assert len(list(folder.glob("*.qmd"))) == len(register) + 1  # + index.qmd


def test_council_page_links_resolve(built_site):
    link = re.compile(r'href="([^"#]+)"')
    folder = built_site / "councils"
    for page in folder.glob("*.qmd"):
        for target in link.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            source = (page.parent / target).with_suffix(".qmd")
            assert source.resolve().exists(), f"{page.name}: broken link {target}"
    listing = (folder / "index.qmd").read_text(encoding="utf-8")
    for href in re.findall(r'href="([\w-]+)\.html"', listing):
        assert (folder / f"{href}.qmd").exists()


def test_cumbria_page_matches_the_sources(built_site):
    text = (built_site / "councils" / "cumbria.qmd").read_text(encoding="utf-8")
    assert "ceased to exist after 31 March 2023" in text
    assert '<a href="cumberland.html">' in text
    assert '<a href="westmorland-and-furness.html">' in text
    interventions = text.split("## Government interventions")[1].split("##")[0]
    for day, event in (
        ("3 August 2012", "Improvement notice"),
        ("7 January 2014", "Improvement notice"),
        ("9 November 2015", "Statutory direction"),
    ):
        assert (
            f'<td data-label="Date">{day}</td><td data-label="Event">{event}</td>' in interventions
        )
    # Each intervention names its source in plain words and links it (revised input columns).
    rows = read_csv(config.shared_path("interventions", "interventions.csv"))
    cumbria = rows[rows["local_authority"] == "Cumbria"]
    for row in cumbria.itertuples(index=False):
        assert f'(<a href="{row.source_url}">source</a>)' in interventions
    assert interventions.count("<tr>") == len(cumbria) + 1
    assert 'orcChart("chart-timeline"' in text
    assert "3 government intervention events" in text
    # The summary sentence is the page's description (shown under the title), not repeated.
    meta, body = qmd.split_front_matter(text, Path("cumbria.qmd"))
    assert meta["description"].startswith("Cumbria County Council ceased to exist")
    assert meta["description"][:60] not in body


def test_listing_filter_is_local(built_site):
    listing = (built_site / "councils" / "index.qmd").read_text(encoding="utf-8")
    assert 'id="filter-region"' in listing and "<script>" in listing
    assert not CDN.search(listing)
    # The Vega bundle loads only on pages with a chart, as a module (never render-blocking).
    assert not (built_site / "councils" / "_metadata.yml").exists()
    assert "charts.js" not in listing and "vega-bundle.js" not in listing
    page = built_site / "councils" / "kent.qmd"
    meta, _ = qmd.split_front_matter(page.read_text(encoding="utf-8"), page)
    header = meta["format"]["html"]["include-in-header"][0]["text"]
    assert header == '<script type="module" src="../embeds/lib/charts.js"></script>'


# --- configuration and CDN ----------------------------------------------------------------


QUARTO_YML = config.project_root() / "_quarto.yml"


def test_quarto_config_and_navbar(built_site):
    # The client's layout: _quarto.yml at the top level, pages in site/.
    assert not (SITE / "_quarto.yml").exists()
    cfg = yaml.safe_load(QUARTO_YML.read_text())
    assert cfg["project"]["output-dir"] == "_site"
    assert cfg["project"]["render"] == ["site/*.qmd", "site/councils/*.qmd"]
    assert cfg["project"]["type"] == "website"
    assert cfg["execute"]["freeze"] == "auto"
    assert cfg["website"]["search"]
    assert (SITE / "assets" / "site.css").exists()
    hrefs = [item["href"] for item in cfg["website"]["navbar"]["left"]]
    for href in hrefs:
        assert href.startswith("site/")
        page = built_site / href.removeprefix("site/")
        assert page.exists(), f"navbar links to missing page {href}"
    for name in PAGES:
        meta, _ = qmd.split_front_matter((SITE / name).read_text(encoding="utf-8"), SITE / name)
        assert meta.get("title")
        if "```{python}" in (SITE / name).read_text(encoding="utf-8"):
            assert meta.get("jupyter") == "python3" and "data-version" in meta
        includes = meta.get("format", {}).get("html", {}).get("include-in-header", [])
        # what a page adds to its head is the site's own (the chart runtime, a page's stylesheet)
        for include in includes + meta.get("format", {}).get("html", {}).get(
            "include-after-body", []
        ):
            refs = re.findall(r'(?:src|href)="([^"]+)"', include["text"])
            assert refs, include
            for ref in refs:
                assert ref == "embeds/lib/charts.js" or ref.startswith("assets/"), ref


def test_no_page_references_a_cdn(built_site):
    files = [
        *built_site.glob("*.qmd"),
        *(built_site / "councils").glob("*.qmd"),
        QUARTO_YML,
    ]
    for path in files:
        assert not CDN.search(path.read_text(encoding="utf-8")), f"{path.name} references a CDN"


def test_chart_html_rejects_bad_ids_and_escapes_script_end():
    spec = {"description": "x", "data": {"values": [{"a": "</script><b>"}]}, "mark": "point"}
    out = chart_html(spec, "ok-id")
    assert "</script><b>" not in out and "\\u003c/script\\u003e" in out
    with pytest.raises(ValueError, match="chart id"):
        chart_html(spec, "Bad id")
    with pytest.raises(ValueError, match="accessible summary"):
        chart_html({"mark": "point"}, "no-summary")


# --- data version and determinism --------------------------------------------------------


def test_data_version_tracks_processed_files(tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(config.processed_dir() / "geography", processed / "geography")
    shutil.copy(config.processed_dir() / "councils.csv", processed / "councils.csv")
    first = assets.data_version(processed)
    assert first == assets.data_version(processed)
    with (processed / "councils.csv").open("a") as handle:
        handle.write("\n")
    assert assets.data_version(processed) != first

    page = tmp_path / "page.qmd"
    page.write_text('---\ntitle: "T"\n---\n\ntext\n')
    assert assets.stamp_data_version(page, first)
    assert f'data-version: "{first}"' in page.read_text()
    assert not assets.stamp_data_version(page, first)  # unchanged data: no rewrite
    bad = tmp_path / "bad.qmd"
    bad.write_text("no front matter\n")
    with pytest.raises(ValueError, match="bad.qmd"):
        assets.stamp_data_version(bad, first)
    with pytest.raises(ValueError, match="bad.qmd"):
        qmd.parse(bad)


def test_council_pages_and_downloads_are_deterministic(tmp_path, con, warehouse_path):
    one, two = tmp_path / "one", tmp_path / "two"
    write_council_pages(con, one)
    write_council_pages(con, two)
    for page in (one / "councils").iterdir():
        assert page.read_bytes() == (two / "councils" / page.name).read_bytes()
    a = assets.write_downloads(con, one, warehouse_path)
    assets.write_downloads(con, two, warehouse_path)
    for path in a:
        if path.suffix in {".csv", ".parquet"}:
            assert path.read_bytes() == (two / "downloads" / path.name).read_bytes(), path.name


def test_key_sentences_quote_the_latest_report(con, built_site):
    """Kent's latest report (2 February 2026, page 1 of
    80476_kent/children's services inspection - 02 february 2026.pdf) opens its summary with
    'Children remain at the core of a strong, and often exceptional, service in Kent.'"""
    from ofsted_record.site import themes

    if not themes.available(con):
        pytest.skip("full text not in the warehouse (run `ofsted-record fulltext` + `warehouse`)")
    text = (built_site / "councils" / "kent.qmd").read_text(encoding="utf-8")
    said = text.split("## What the latest report said")[1]
    assert "report published 2 February 2026" in said
    assert (
        "<p>Children remain at the core of a strong, and often exceptional, service in Kent.</p>"
        in said
    )
    table = themes.theme_table(con)
    assert set(table["group"]) == {"Inadequate", "Other grades"}
    assert (table["share"].between(0, 1)).all()


def test_council_templates_escape_text():
    """Autoescaping: text from the data can never become markup on a page."""
    import datetime as dt

    from ofsted_record.site.councils import CouncilPage, listing_text

    page = CouncilPage(
        "999", "x", "<script>alert(1)</script> & Co", "R", False, "good", None, "s.", Path("x")
    )
    text = listing_text([page], dt.date(2026, 3, 31))
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text


# --- incremental builds ------------------------------------------------------------------


def test_stage_runs_only_when_its_inputs_change(tmp_path):
    import sys

    from ofsted_record.site.stamps import run_stage

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("one")
    log = tmp_path / "runs.txt"
    command = [sys.executable, "-c", f"open({str(log)!r}, 'a').write('ran\\n')"]

    def runs() -> int:
        return log.read_text().count("ran") if log.exists() else 0

    assert run_stage("demo", [source], command, root=tmp_path) == 0
    assert run_stage("demo", [source], command, root=tmp_path) == 0
    assert runs() == 1  # unchanged inputs: skipped
    (source / "a.txt").write_text("two")
    run_stage("demo", [source], command, root=tmp_path)
    assert runs() == 2
    (source / "b.txt").write_text("new file")
    run_stage("demo", [source], command, root=tmp_path)
    assert runs() == 3
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    assert run_stage("demo", [source], failing, root=tmp_path) == 0  # unchanged: not run
    (source / "a.txt").write_text("three")
    assert run_stage("demo", [source], failing, root=tmp_path) == 3
    assert not (tmp_path / ".cache" / "stamps" / "demo.sha256").exists()  # retried next time


def test_a_stage_ignores_what_it_is_told_to_skip(tmp_path):
    """site-build's inputs include site/, where the search-index stage, running beside it,
    writes site/search-index/: that folder is skipped, everything else under site/ counts."""
    import sys

    from ofsted_record.site.stamps import run_stage

    site = tmp_path / "site"
    (site / "search-index").mkdir(parents=True)
    (site / "page.qmd").write_text("one")
    log = tmp_path / "runs.txt"
    command = [sys.executable, "-c", f"open({str(log)!r}, 'a').write('ran\\n')"]

    def runs() -> int:
        run_stage("build", [site], command, root=tmp_path, skip=[site / "search-index"])
        return log.read_text().count("ran")

    assert runs() == 1
    (site / "search-index" / "chunk.pf_index").write_text("written meanwhile")
    assert runs() == 1  # skipped folder: not a change
    (site / "page.qmd").write_text("two")
    assert runs() == 2


def test_stages_run_at_once_keep_their_own_records(tmp_path):
    """`make site` runs the embeds, notebooks and search-index stages two at a time: each keeps
    its own stamp and digest cache, so neither loses the other's and both are skipped next time."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from ofsted_record.site.stamps import run_stage

    inputs = {}
    for name in ("left", "right"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(name)
        inputs[name] = [tmp_path / name]
    log = tmp_path / "runs.txt"

    def stage(name: str) -> int:
        code = f"import time; time.sleep(0.3); open({str(log)!r}, 'a').write({name!r} + '\\n')"
        return run_stage(name, inputs[name], [sys.executable, "-c", code], root=tmp_path)

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(stage, ["left", "right"])) == [0, 0]
    stamps = tmp_path / ".cache" / "stamps"
    for name in ("left", "right"):
        cache = json.loads((stamps / f"{name}.digests.json").read_text())
        assert list(cache) == [str(tmp_path / name / "x.txt")]
        assert stage(name) == 0
    assert sorted(log.read_text().split()) == ["left", "right"]  # each ran once
    assert not list(stamps.glob(".*.tmp"))


def test_render_warnings_are_kept_per_page():
    from ofsted_record.site.build import parse_warnings

    log = (
        "\x1b[1m\x1b[34m\n[ 1/3] site/a.qmd\x1b[39m\n"
        "[ 2/3] site/councils/b.qmd\n"
        "\x1b[33mWARNING (refs.lua:52) ref type 'council' does not match\x1b[39m\n"
        "[ 3/3] site/c.qmd\nOutput created: _site/site/c.html\n"
    )
    found = parse_warnings(log, "(project)")
    assert list(found) == ["site/councils/b.qmd"]
    assert "ref type 'council'" in found["site/councils/b.qmd"][0]


def test_committed_frozen_results_match_the_committed_pages():
    """`_freeze/site/` is committed so a fresh clone renders without kernels; Quarto keys each
    page's frozen result by the md5 of its source (which carries the data-version stamp). A
    stale committed result would silently cost a fresh clone every kernel run again, so the
    committed pair must agree (checked in git, not the working tree, which a render rewrites)."""
    import hashlib
    import json
    import subprocess

    root = SITE.parent

    def committed(path: str) -> bytes | None:
        done = subprocess.run(
            ["git", "show", f"HEAD:{path}"], cwd=root, capture_output=True, check=False
        )
        return done.stdout if done.returncode == 0 else None

    if committed("_quarto.yml") is None:
        pytest.skip("not a git checkout: no committed files to compare")
    pages = [p for p in assets.computational_pages(SITE)]
    assert pages, "no computational pages found"
    stale = []
    for page in pages:
        rel = page.relative_to(root).as_posix()
        source = committed(rel)
        frozen = committed(f"_freeze/{rel[: -len('.qmd')]}/execute-results/html.json")
        if source is None or frozen is None:
            stale.append(f"{rel}: {'page' if source is None else 'frozen result'} not committed")
            continue
        if json.loads(frozen)["hash"] != hashlib.md5(source).hexdigest():
            stale.append(f"{rel}: frozen result is for another version of the page")
    assert not stale, "run `make site` and commit _freeze/site/: " + "; ".join(stale)


def test_charts_are_inlined_as_vega_compiled_at_build_time() -> None:
    """chart_html compiles the Vega-Lite spec (by the version its $schema declares) and inlines
    Vega for the runtime's orcChart: no Vega-Lite left for the browser to compile, the same
    bytes on a second build."""
    import json

    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "description": "Two bars",
        "width": "container",
        "height": 100,
        "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "a", "type": "nominal", "title": "Letter"},
            "y": {"field": "b", "type": "quantitative"},
        },
    }
    html = chart_html(spec, "bars", raw_block=False)
    assert html == chart_html(spec, "bars", raw_block=False)
    call = re.search(r'orcChart\("chart-bars",(\{.*\})\);</script>', html)
    assert call, html
    vega = json.loads(call[1])
    assert "$schema" not in vega and "encoding" not in vega
    assert {"marks", "scales", "axes", "signals"} <= set(vega)
    assert any(s.get("name") == "width" for s in vega["signals"])  # width: container


def test_the_maps_height_patch_is_applied_at_build_time_and_its_guard_still_fails() -> None:
    """The maps' height-from-width patch (usermeta.embedOptions.patch) is applied to the
    compiled Vega; its "test" op still stops a build whose Vega no longer fits it."""
    import jsonpatch

    from ofsted_record.charts.maps import height_patch
    from ofsted_record.embeds.runtime import compile_spec

    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "width": "container",
        "height": 300,
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
        "usermeta": {"embedOptions": {"patch": height_patch("hex")}},
    }
    vega = compile_spec(spec)
    assert "height" not in vega and "usermeta" not in vega
    assert vega["autosize"] == {"type": "none"} and vega["padding"] == 0
    names = [s["name"] for s in vega["signals"]]
    assert names[0] == "width" and "containerSize" in vega["signals"][0]["init"]
    assert "windowSize" in vega["signals"][names.index("height")]["update"]
    moved = [{"op": "test", "path": "/signals/0/name", "value": "height"}]
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        compile_spec({**spec, "usermeta": {"embedOptions": {"patch": moved}}})
    with pytest.raises(ValueError, match="Vega-Lite version"):
        compile_spec({**spec, "$schema": "https://example.org/not-vega-lite.json"})
