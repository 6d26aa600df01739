"""The reporters' notebooks: paired with their scripts, committed without outputs, and run
end to end through a real Jupyter kernel against the built warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from ofsted_record import notebooks as nbs

CHART_OPTIONS = ("#| label: fig-", "#| fig-cap:", "#| fig-alt:")


def _outputs_text(path: Path) -> str:
    """Every text and markdown output of an executed notebook, joined."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nbs.code_cells(nb):
        for out in cell.outputs:
            if out.output_type == "stream":
                parts.append(out.text)
            elif "data" in out:
                parts.append(out.data.get("text/markdown", "") + out.data.get("text/plain", ""))
    return "\n".join(parts)


# --- static checks (no kernel) -------------------------------------------------------------


def test_every_notebook_is_paired_and_stripped() -> None:
    assert nbs.pairing_problems() == []
    assert not list(nbs.analysis_dir().rglob(".ipynb_checkpoints"))


def test_pairing_check_catches_outputs_and_drift(tmp_path, monkeypatch) -> None:
    """The checker itself must fail on an executed copy and on an edited script."""
    import shutil

    work = tmp_path / "analysis"
    shutil.copytree(nbs.analysis_dir(), work)
    monkeypatch.setattr(nbs, "analysis_dir", lambda: work)
    name = "06_claims_checked"
    nb = nbformat.read(work / f"{name}.ipynb", as_version=4)
    nbs.code_cells(nb)[0].outputs = [nbformat.v4.new_output("stream", text="x")]
    nbformat.write(nb, work / f"{name}.ipynb")
    script = work / "01_the_record.py"
    script.write_text(script.read_text() + "\n# %%\nprint('edited')\n")
    problems = "\n".join(nbs.pairing_problems())
    assert "06_claims_checked.ipynb: cells [" in problems and "carry outputs" in problems
    assert "01_the_record.ipynb: cells differ from 01_the_record.py" in problems


def test_pairing_is_byte_identical(tmp_path, monkeypatch) -> None:
    """`--pair` rewrites exactly the committed .ipynb files (stable cell ids, no outputs)."""
    import shutil

    work = tmp_path / "analysis"
    shutil.copytree(nbs.analysis_dir(), work)
    monkeypatch.setattr(nbs, "analysis_dir", lambda: work)
    for path in nbs.pair():
        assert (
            path.read_bytes() == (nbs.config.project_root() / "analysis" / path.name).read_bytes()
        )


@pytest.mark.parametrize("name", nbs.NOTEBOOKS)
def test_notebook_structure(name: str) -> None:
    nb = nbs.read_script(name)
    first = nb.cells[0]
    assert first.cell_type == "raw" and re.match(r"---\ntitle: .+\n(.*\n)*---$", first.source)
    charts = [
        c
        for c in nbs.code_cells(nb)
        if "#| label: fig-" in c.source or re.search(r"display\(\w*(chart|maps)\)", c.source)
    ]
    assert charts or name == "06_claims_checked", f"{name}: no chart cells found"
    for cell in charts:
        for option in CHART_OPTIONS:
            assert option in cell.source, f"{name}: chart cell lacks {option!r}"
        assert "say(" in cell.source and ".description" in cell.source, (
            f"{name}: chart cell does not display the chart's computed description"
        )
    assert (nbs.analysis_dir() / "jupytext.toml").read_text().count('"ipynb,py:percent"') == 1


@pytest.mark.parametrize("name", nbs.NOTEBOOKS)
def test_parameters_cell_comes_first_and_papermill_reads_it(name: str) -> None:
    """Every notebook's first code cell is tagged `parameters` (the tag papermill and Quarto's
    `params` both look for) and declares at least one parameter that papermill can infer."""
    nb = nbs.read_script(name)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nbs.code_cells(nb)[0] is tagged[0]
    declared = nbs.declared_parameters(nb)
    assert declared, f"{name}: papermill finds no parameters"
    for parameter, default in declared.items():
        assert parameter in tagged[0].source and default is not None
    expected = {"06_claims_checked": {"verdict"}, "07_council_deep_dive": {"council", "as_at"}}
    assert expected.get(name, {"as_at"}) <= set(declared)


def test_notebooks_are_declared_for_the_project_kernel() -> None:
    for name in nbs.NOTEBOOKS:
        assert nbs.read_script(name).metadata["kernelspec"]["name"] == nbs.KERNEL


def test_unknown_parameter_is_rejected_before_running() -> None:
    with pytest.raises(nbs.BadParameters, match=r"unknown parameters \['councel'\]"):
        nbs.execute("07_council_deep_dive", {"councel": "Kent"})
    with pytest.raises(nbs.UnknownNotebook, match="unknown notebook '99_nothing'; choose one of"):
        nbs.execute("99_nothing")


def test_council_replaces_the_default_deep_dive() -> None:
    """`--only 07_council_deep_dive --council X` runs X alone, not the default council too."""
    from ofsted_record.commands.notebooks import plan

    deep = "07_council_deep_dive"
    assert plan([deep], ["Kent"], {}) == [(deep, {"council": "Kent"})]
    assert plan([deep], [], {"as_at": "2016-03-31"}) == [(deep, {"as_at": "2016-03-31"})]
    everything = plan([], ["Kent", "Leeds"], {})
    assert [n for n, _ in everything].count(deep) == 2
    assert (deep, {}) not in everything and len(everything) == len(nbs.NOTEBOOKS) + 1


def test_unknown_notebook_name_is_one_line_and_exit_2() -> None:
    from typer.testing import CliRunner

    from ofsted_record.cli import app

    result = CliRunner().invoke(app, ["notebooks", "--only", "03_map"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "unknown notebook '03_map'" in lines[0], result.output
    assert all(name in lines[0] for name in nbs.NOTEBOOKS)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-p", "as_at"], "write it as key=value"),
        (["--only", "06_claims_checked", "-p", "as_at=2016-03-31"], "unknown parameters ['as_at']"),
    ],
)
def test_bad_parameters_are_one_line_and_exit_2(arguments, message) -> None:
    from typer.testing import CliRunner

    from ofsted_record.cli import app

    result = CliRunner().invoke(app, ["notebooks", *arguments])
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1


# --- execution through a real kernel --------------------------------------------------------


@pytest.fixture(scope="module")
def executed(shared_data, warehouse_path, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notebooks")
    done, failed = nbs.execute_all(out)
    assert failed == [], [str(f) for f in failed]
    return {d.name: d.path for d in done}


def test_all_notebooks_execute(executed) -> None:
    assert sorted(executed) == sorted(nbs.NOTEBOOKS)
    for path in executed.values():
        nb = nbformat.read(path, as_version=4)
        assert all(c.execution_count for c in nbs.code_cells(nb))
        errors = [o for c in nbs.code_cells(nb) for o in c.outputs if o.output_type == "error"]
        assert errors == []


def test_record_notebook_reconciles_with_ofsted(executed) -> None:
    text = _outputs_text(executed["01_the_record"])
    # 4 HTML error pages saved as .pdf are quarantined (shared/README.md).
    assert "**4 input files** were set aside" in text and "HTML page saved as .pdf (4)" in text
    # Ofsted's own 31 March 2023 sheet lists 152 councils (ods sheet LA_level_at_31_Mar_2023).
    assert "On 31 March 2023 Ofsted lists 152 councils; our standing gives 152." in text


def test_claims_notebook_shows_every_claim(executed) -> None:
    from ofsted_record.warehouse import claims, connect

    text = _outputs_text(executed["06_claims_checked"])
    with connect() as con:
        for result in claims.check_all(con):
            assert result.claim in text and result.finding in text


def test_executed_copies_are_reproducible(executed, tmp_path) -> None:
    again = nbs.execute("06_claims_checked", out_dir=tmp_path)
    assert again.path.read_bytes() == executed["06_claims_checked"].read_bytes()


# Quarto loads require.js and jQuery from a CDN for any of these (shared notes on Quarto, fact 1);
# a Jupyter widget view would also need a widget manager from a CDN.
CDN_TRIGGERS = {
    "text/html",
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
}


def test_executed_copies_need_no_network(executed) -> None:
    """Static display: charts are SVG drawn in the kernel, tables Markdown; nothing that makes
    Quarto (or a reader's JupyterLab) fetch a script."""
    svg_charts = 0
    for name, path in executed.items():
        nb = nbformat.read(path, as_version=4)
        kinds = {k for c in nbs.code_cells(nb) for o in c.outputs for k in o.get("data", {})}
        assert not kinds & CDN_TRIGGERS, f"{name}: {sorted(kinds & CDN_TRIGGERS)}"
        text = path.read_text()
        assert "cdn.jsdelivr" not in text and "esm.sh" not in text and "cdnjs" not in text
        svg_charts += sum(
            "image/svg+xml" in o.get("data", {}) for c in nbs.code_cells(nb) for o in c.outputs
        )
    assert svg_charts >= len(nbs.NOTEBOOKS) - 1  # every notebook but 06 draws charts
    table = _outputs_text(executed["02_national_picture"])
    assert "| council" in table and "|:---" in table  # DataFrames as Markdown tables


def _quarto() -> str | None:
    import os
    import shutil

    for candidate in (
        os.environ.get("QUARTO"),
        shutil.which("quarto"),
        "/root/.local/quarto-1.7.34/bin/quarto",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.mark.slow
def test_quarto_page_of_an_executed_notebook_loads_nothing_from_outside(executed, tmp_path):
    """A real Quarto render of an executed copy: every script, stylesheet and image it loads is
    a local file (links to reports are fine: they are not loaded)."""
    import shutil
    import subprocess

    quarto = _quarto()
    if quarto is None:
        pytest.skip("Quarto not installed (set QUARTO=/path/to/quarto)")
    page = tmp_path / "02_national_picture.ipynb"
    shutil.copy(executed["02_national_picture"], page)
    subprocess.run(
        [quarto, "render", page.name, "--to", "html"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    html = (tmp_path / "02_national_picture.html").read_text()
    loads = re.findall(r"<(?:script|img|link|iframe)\b[^>]*?(?:src|href)=\"([^\"]+)\"", html)
    assert loads, "the page loads nothing at all: the check is looking at the wrong thing"
    outside = [u for u in loads if re.match(r"(https?:)?//", u)]
    assert outside == []
    assert len(re.findall(r"<img\b[^>]*\.svg", html)) >= 3  # the notebook's charts, as SVG


# --- never stale, and parameters that change the answer ---------------------------------------


def test_a_run_always_uses_the_edited_script(warehouse_path, tmp_path, monkeypatch) -> None:
    """Edit the .py only (the .ipynb left stale), run: the edit is what ran."""
    import shutil

    work = tmp_path / "analysis"
    shutil.copytree(nbs.analysis_dir(), work)
    monkeypatch.setattr(nbs, "analysis_dir", lambda: work)
    script = work / "06_claims_checked.py"
    marker = "edited-in-the-script-only"
    script.write_text(script.read_text() + f"\n# %%\nprint({marker!r})\n")
    stale = (work / "06_claims_checked.ipynb").read_bytes()
    done = nbs.execute("06_claims_checked", out_dir=tmp_path / "out")
    assert marker in _outputs_text(done.path)
    assert (work / "06_claims_checked.ipynb").read_bytes() != stale  # re-paired before the run
    assert nbs.pairing_problems(["06_claims_checked"]) == []


def test_a_date_passed_in_changes_the_output(executed, tmp_path, con) -> None:
    """`notebooks --only 02_national_picture -p as_at=2016-03-31`: papermill's injected cell,
    and the inadequate-now list is the one for that date."""
    import datetime as dt

    from typer.testing import CliRunner

    from ofsted_record.cli import app
    from ofsted_record.warehouse import queries

    result = CliRunner().invoke(
        app,
        [
            "notebooks",
            "--only",
            "02_national_picture",
            "-p",
            "as_at=2016-03-31",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "02_national_picture-2016-03-31.ipynb"
    nb = nbformat.read(path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'as_at = "2016-03-31"' in injected[0].source
    expected = queries.standing(con, dt.date(2016, 3, 31), "ended_by")
    n_then = int((expected["grade"] == "inadequate").sum())
    then, now = _outputs_text(path), _outputs_text(executed["02_national_picture"])
    # the headline sentence (headline.headline) for that date, denominator included
    assert f"On 31 March 2016, {n_then} of {len(expected)} councils" in then
    assert "On 31 March 2016" not in now and then != now
    # Every council listed then was inadequate then, since a day on or before it.
    listed = re.findall(r"^\|\s+\d+ \| ([^|]+?)\s+\| (\d+ \w+ \d{4})\s+\|", then, re.M)
    inadequate_then = set(expected.loc[expected["grade"] == "inadequate", "council"])
    assert len(listed) == n_then and {c for c, _ in listed} == inadequate_then
    assert all(
        dt.datetime.strptime(d, "%d %B %Y").date() <= dt.date(2016, 3, 31) for _, d in listed
    )


def test_deep_dive_with_a_council_and_a_date_runs_once(warehouse_path, tmp_path) -> None:
    from typer.testing import CliRunner

    from ofsted_record.cli import app

    result = CliRunner().invoke(
        app,
        [
            "notebooks",
            "--only",
            "07_council_deep_dive",
            "--council",
            "Kent",
            "-p",
            "as_at=2016-03-31",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "07_council_deep_dive-2016-03-31-kent.ipynb"
    ]
    text = _outputs_text(tmp_path / "07_council_deep_dive-2016-03-31-kent.ipynb")
    assert "Kent County Council (`886`)" in text and "On 31 March 2016 (rule `ended_by`)" in text


@pytest.mark.parametrize(
    ("council", "la_code", "expected"),
    [
        ("Sunderland", "394", "Sunderland City Council (`394`)"),
        # Abolished 31 March 2021, split into North (940) and West (941) Northamptonshire.
        ("Northamptonshire", "928", "2 reorganisation link(s) involve Northamptonshire"),
        # Created 1 April 2023 from Cumbria (909).
        ("Cumberland", "942", "**Cumbria** (`909`)"),
    ],
)
def test_deep_dive_runs_for_any_council(warehouse_path, tmp_path, council, la_code, expected):
    done = nbs.execute("07_council_deep_dive", {"council": council}, out_dir=tmp_path)
    assert done.path.name == f"07_council_deep_dive-{council.lower()}.ipynb"
    text = _outputs_text(done.path)
    assert f"(`{la_code}`)" in text and expected in text


def test_deep_dive_unknown_council_fails_first_with_close_matches(warehouse_path, tmp_path):
    with pytest.raises(nbs.NotebookFailed) as info:
        nbs.execute("07_council_deep_dive", {"council": "Sunderlnd"}, out_dir=tmp_path)
    failure = info.value
    assert failure.cell == 2  # the first code cell after the parameters cell
    assert failure.ename == "UnresolvedCouncil"
    assert "council='Sunderlnd'" in failure.evalue and "Sunderland (394)" in failure.evalue
    assert failure.partial is not None and failure.partial.exists()
    assert not (tmp_path / "07_council_deep_dive-sunderlnd.ipynb").exists()


def test_notebooks_quote_the_one_headline(executed) -> None:
    """Where a notebook says how many councils are inadequate now, it quotes
    ``headline.headline`` (same figure, denominator and date as the story and the README)."""
    from ofsted_record.headline import headline
    from ofsted_record.warehouse import connect

    with connect() as con:
        h = headline(con)
    quoted = re.compile(r"(\d+) of (\d+) councils \((\d+%)\) were judged inadequate")
    for name in ("02_national_picture", "03_maps"):
        text = _outputs_text(executed[name])
        assert f"**Headline:** {h.sentence()}" in text, name
        found = set(quoted.findall(text))
        assert found == {(str(h.inadequate), str(h.councils), h.percent)}, (name, found)
