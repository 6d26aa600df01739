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


def test_deep_dive_parameters_cell_is_quarto_and_papermill_compatible() -> None:
    nb = nbs.read_script("07_council_deep_dive")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].source.strip() == 'council = "Sunderland"'
    assert nbs.code_cells(nb)[0] is tagged[0]


def test_unknown_parameter_is_rejected_before_running() -> None:
    with pytest.raises(ValueError, match=r"unknown parameters \['councel'\]"):
        nbs.execute("07_council_deep_dive", {"councel": "Kent"})
    with pytest.raises(ValueError, match="unknown notebook"):
        nbs.execute("99_nothing")


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
    assert "altair-viz-1" in executed["02_national_picture"].read_text()


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
