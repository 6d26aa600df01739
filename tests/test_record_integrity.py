"""The record never quietly shrinks, duplicates or goes stale (issue 18, items 1-7 and 17).

Each test builds a small bad corpus in tmp_path from real reports of the shared corpus and runs
the real extractor (and the full-text build) over it: every file and every manifest row must be
accounted for, each defect quarantined with a plain reason, and ``extract --strict`` must fail.
"""

from __future__ import annotations

import csv
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ofsted_record import config
from ofsted_record.extract import inputs, pipeline
from ofsted_record.extract.pipeline import RecordWouldShrink, run_extraction
from ofsted_record.tables import sha256_file

BARNSLEY_2014 = "80426_barnsley/children's services inspection - 08 august 2014.pdf"
BARNSLEY_2018 = "80426_barnsley/children's services inspection - 19 november 2018.pdf"
BARNSLEY_2023 = "80426_barnsley/children's services inspection - 27 october 2023.pdf"
NORFOLK_2018 = "80418_norfolk/children's services inspection - 19 january 2018.pdf"
# ILACS 2020: the title prints only "local authority"; page 1's first line says "Halton Borough
# Council" (checked in the PDF).
HALTON_2020 = "80471_halton/children's services inspection - 15 april 2020.pdf"
# Same council, 35 bytes apart (the smallest such gap in the corpus): for the cache test.
NYORKS_2018 = "80530_north yorkshire/children's services inspection - 06 august 2018.pdf"
NYORKS_2023 = "80530_north yorkshire/children's services inspection - 18 august 2023.pdf"
BASE = [BARNSLEY_2014, BARNSLEY_2018, BARNSLEY_2023, NORFOLK_2018]


def _manifest_rows(corpus_dir: Path) -> dict[str, dict[str, str]]:
    with (corpus_dir / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle)}


def make_corpus(corpus_dir: Path, root: Path, files: list[str], listed: list[str] | None = None):
    """A reports folder holding copies of real ``files`` and a manifest of ``listed`` (default:
    the same files), rows exactly as in the shared manifest."""
    rows = _manifest_rows(corpus_dir)
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / rel, root / rel)
    root.mkdir(parents=True, exist_ok=True)
    with (root / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["path", "provider_urn", "source_url", "bytes", "sha256"]
        )
        writer.writeheader()
        for rel in listed if listed is not None else files:
            writer.writerow(rows[rel])
    return root


@pytest.fixture(scope="module")
def parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One parse cache for the module (keyed by sha256, so sharing it cannot mix files up)."""
    return tmp_path_factory.mktemp("parse-cache")


def extract(reports: Path, out: Path, cache: Path, **kwargs) -> pipeline.RunSummary:
    return run_extraction(reports, out, cache_dir=cache, progress=False, workers=1, **kwargs)


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    ins = pd.read_csv(out / "inspections.csv", dtype=str, keep_default_na=False)
    issues = pd.read_csv(out / "extraction_issues.csv", dtype=str, keep_default_na=False)
    return ins, issues


def cli(args: list[str], cache: Path, monkeypatch: pytest.MonkeyPatch):
    from ofsted_record.cli import app

    monkeypatch.setattr(
        pipeline, "run_extraction", functools.partial(pipeline.run_extraction, workers=1)
    )
    return CliRunner().invoke(app, [*args, "--cache-dir", str(cache), "--no-progress"])


def assert_accounted(reports: Path, out: Path) -> None:
    """Every file on disk and every manifest row is in exactly one output table."""
    ins, issues = tables(out)
    listed = [*ins["file"], *issues["file"]]
    assert len(listed) == len(set(listed))
    on_disk = {
        inputs.printable(os.path.relpath(os.path.join(d, n), reports))
        for d, dirs, names in os.walk(reports)
        for n in [*names, *(x for x in dirs if x.endswith(".pdf"))]
    } - {"manifest.csv"}
    manifest = set(_manifest_rows(reports))
    assert on_disk | manifest == set(listed)


# ---- 1. the reports folder is one explicit setting; the record never shrinks silently --------


def test_reports_folder_is_the_setting_never_the_refresh_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path
) -> None:
    cache = tmp_path / "source" / "ofsted-reports"
    cache.mkdir(parents=True)
    (cache / "manifest.csv").write_text("path,provider_urn,source_url,bytes,sha256\n")
    monkeypatch.setattr(config, "report_cache_dir", lambda: cache)
    monkeypatch.delenv(config.REPORTS_DIR_ENV, raising=False)
    assert config.reports_dir() == shared_data / "ofsted-reports"
    monkeypatch.setenv(config.REPORTS_DIR_ENV, str(cache))
    assert config.reports_dir() == cache
    assert config.reports_dir_setting()[1] == f"set by ${config.REPORTS_DIR_ENV}"


def test_paths_and_extract_summary_show_the_reports_folder_in_use(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parse_cache: Path
) -> None:
    from ofsted_record.cli import app

    reports = make_corpus(corpus_dir, tmp_path / "reports", [BARNSLEY_2014])
    monkeypatch.setenv(config.REPORTS_DIR_ENV, str(reports))
    shown = CliRunner().invoke(app, ["paths"])
    assert shown.exit_code == 0
    line = next(x for x in shown.output.splitlines() if x.startswith("reports in use"))
    assert str(reports) in line and config.REPORTS_DIR_ENV in line
    run = cli(["extract", "--out-dir", str(tmp_path / "out")], parse_cache, monkeypatch)
    assert run.exit_code == 0, run.output
    assert f"reports folder: {reports} (set by ${config.REPORTS_DIR_ENV})" in run.output


@pytest.mark.parametrize("kept", [[], [BARNSLEY_2014]], ids=["empty folder", "one council"])
def test_a_run_that_would_shrink_the_record_stops(
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parse_cache: Path,
    kept: list[str],
) -> None:
    out = tmp_path / "out"
    full = make_corpus(corpus_dir, tmp_path / "full", BASE)
    extract(full, out, parse_cache)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    small = make_corpus(corpus_dir, tmp_path / "small", kept)

    with pytest.raises(RecordWouldShrink, match=r"would drop \d+ inspection"):
        extract(small, out, parse_cache)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written

    args = ["extract", "--reports-dir", str(small), "--out-dir", str(out)]
    stopped = cli(args, parse_cache, monkeypatch)
    assert stopped.exit_code == 3
    assert "--allow-shrink" in stopped.output and "80426-2018-11-19" in stopped.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    allowed = cli([*args, "--allow-shrink"], parse_cache, monkeypatch)
    assert allowed.exit_code == 0, allowed.output
    assert len(tables(out)[0]) == len(kept)


# ---- 2. wrong council, duplicate bytes, publication before the end ---------------------------

WRONG_COUNCIL = "80418_norfolk/children's services inspection - 27 october 2023.pdf"
WRONG_COUNCIL_NO_TITLE = "80418_norfolk/children's services inspection - 15 april 2020.pdf"
DUPLICATE = "80426_barnsley/children's services inspection - 28 october 2023.pdf"
EARLY = "80426_barnsley/children's services inspection - 01 october 2018.pdf"


@pytest.fixture(scope="module")
def misfiled(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_corpus(corpus_dir, tmp_path_factory.mktemp("misfiled") / "reports", BASE)
    for target, source in {
        WRONG_COUNCIL: BARNSLEY_2023,  # Barnsley's report in Norfolk's folder
        WRONG_COUNCIL_NO_TITLE: HALTON_2020,  # title says only "local authority"
        DUPLICATE: BARNSLEY_2023,  # the same bytes saved again under another date
        EARLY: BARNSLEY_2018,  # an ILACS report (no printed date) named before its end
    }.items():
        shutil.copyfile(corpus_dir / source, root / target)
    return root


def test_misfiled_and_duplicate_reports_are_quarantined(
    misfiled: Path, tmp_path: Path, parse_cache: Path
) -> None:
    summary = extract(misfiled, tmp_path / "out", parse_cache)
    ins, issues = tables(tmp_path / "out")
    reasons = dict(zip(issues["file"], issues["reason"], strict=True))
    assert reasons == {
        WRONG_COUNCIL: "report of another council",
        WRONG_COUNCIL_NO_TITLE: "report of another council",
        DUPLICATE: "same file as another report",
        EARLY: "published before the inspection ended",
    }
    detail = issues.set_index("file")["detail"]
    assert "Barnsley" in detail[WRONG_COUNCIL] and "80418_norfolk" in detail[WRONG_COUNCIL]
    assert "Halton" in detail[WRONG_COUNCIL_NO_TITLE]
    assert BARNSLEY_2023 in detail[DUPLICATE]
    assert "2018-11-19" not in detail[EARLY] and "ended 2018-" in detail[EARLY]
    # the originals stay, with their own ids; no sha256 is two inspections
    assert sorted(ins["file"]) == sorted(BASE)
    assert not ins["sha256"].duplicated().any()
    assert set(ins.loc[ins["urn"] == "80418", "inspection_id"]) == {"80418-2018-01-19"}
    assert summary.total == len(BASE) + 4
    assert_accounted(misfiled, tmp_path / "out")


def test_strict_fails_on_misfiled_reports(
    misfiled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parse_cache: Path
) -> None:
    args = ["extract", "--reports-dir", str(misfiled), "--out-dir", str(tmp_path / "o")]
    assert cli(args, parse_cache, monkeypatch).exit_code == 0
    strict = cli([*args, "--strict"], parse_cache, monkeypatch)
    assert strict.exit_code == 1 and "4 file(s) quarantined" in strict.output


# ---- 3. manifest rows missing on disk ----------------------------------------------------------


def test_manifest_rows_missing_on_disk_are_listed(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parse_cache: Path
) -> None:
    reports = make_corpus(corpus_dir, tmp_path / "r", [NORFOLK_2018], listed=BASE)
    summary = extract(reports, tmp_path / "out", parse_cache)
    ins, issues = tables(tmp_path / "out")
    assert list(ins["file"]) == [NORFOLK_2018]
    missing = issues[issues["outcome"] == "missing"]
    assert sorted(missing["file"]) == sorted(BASE[:3])
    assert set(missing["reason"]) == {"listed in manifest.csv but missing on disk"}
    assert sorted(summary.missing) == sorted(BASE[:3])
    assert_accounted(reports, tmp_path / "out")
    args = ["extract", "--reports-dir", str(reports), "--out-dir", str(tmp_path / "o"), "--strict"]
    strict = cli(args, parse_cache, monkeypatch)
    assert strict.exit_code == 1 and "3 manifest row(s) missing" in strict.output


def test_council_folder_replaced_by_a_file(
    corpus_dir: Path, tmp_path: Path, parse_cache: Path
) -> None:
    reports = make_corpus(corpus_dir, tmp_path / "r", [NORFOLK_2018], listed=BASE)
    (reports / "80426_barnsley").write_bytes(b"not a folder\n")
    extract(reports, tmp_path / "out", parse_cache)
    _, issues = tables(tmp_path / "out")
    outcome = dict(zip(issues["file"], issues["outcome"], strict=True))
    assert outcome == {"80426_barnsley": "quarantined"} | {rel: "missing" for rel in BASE[:3]}
    assert_accounted(reports, tmp_path / "out")


# ---- 4. one bad file never stops the run ---------------------------------------------------------

BAD_NAME = os.fsdecode(b"80426_barnsley/children\xe9s services inspection - 02 may 2019.pdf")
BROKEN_LINK = "80426_barnsley/children's services inspection - 03 may 2019.pdf"
FOLDER_PDF = "80426_barnsley/children's services inspection - 04 may 2019.pdf"
FIFO = "80426_barnsley/children's services inspection - 05 may 2019.pdf"
UNREADABLE = "80426_barnsley/children's services inspection - 06 may 2019.pdf"


@pytest.fixture()
def hostile(corpus_dir: Path, tmp_path: Path) -> Path:
    """Real reports plus a non-UTF-8 name, a broken link, a folder and a named pipe named .pdf,
    and a real report that the reader cannot open (see ``unreadable``)."""
    root = make_corpus(corpus_dir, tmp_path / "hostile", BASE)
    shutil.copyfile(corpus_dir / BARNSLEY_2018, os.fsencode(root) + b"/" + os.fsencode(BAD_NAME))
    (root / BROKEN_LINK).symlink_to(root / "80426_barnsley" / "gone.pdf")
    (root / FOLDER_PDF).mkdir()
    os.mkfifo(root / FIFO)
    shutil.copyfile(corpus_dir / NORFOLK_2018, root / UNREADABLE)
    return root


@pytest.fixture()
def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, who can read a mode-000 file, so make the one open() of the reader
    fail as it does for another user: mocked at ``inputs.open_file``, the only place the
    classification opens a file (``test_unreadable_file_for_another_user`` does it for real)."""
    real = inputs.open_file

    def open_file(path: Path):
        if path.name == Path(UNREADABLE).name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(inputs, "open_file", open_file)


EXPECTED_HOSTILE = {
    inputs.printable(BAD_NAME): "file name is not valid UTF-8",
    BROKEN_LINK: "broken link",
    FOLDER_PDF: "not a regular file",
    FIFO: "not a regular file",
    UNREADABLE: "cannot read the file",
}


def test_hostile_files_are_quarantined_and_the_run_goes_on(
    hostile: Path, tmp_path: Path, parse_cache: Path, unreadable: None
) -> None:
    summary = extract(hostile, tmp_path / "out", parse_cache)
    ins, issues = tables(tmp_path / "out")
    assert sorted(ins["file"]) == sorted(BASE)
    assert dict(zip(issues["file"], issues["reason"], strict=True)) == EXPECTED_HOSTILE
    detail = issues.set_index("file")["detail"]
    assert detail[FIFO] == "a named pipe" and detail[FOLDER_PDF] == "a folder"
    assert detail[UNREADABLE] == "Permission denied"
    assert "gone.pdf" in detail[BROKEN_LINK]
    assert "\\xe9" in inputs.printable(BAD_NAME)
    assert len(summary.quarantined) == len(EXPECTED_HOSTILE)
    assert_accounted(hostile, tmp_path / "out")


def test_fulltext_survives_the_same_hostile_files(
    hostile: Path, tmp_path: Path, parse_cache: Path, unreadable: None
) -> None:
    from ofsted_record.fulltext import build as ft_build

    summary = ft_build.build(
        hostile, tmp_path / "ft", jobs=1, progress=False, cache_dir=parse_cache
    )
    files = pd.read_csv(tmp_path / "ft" / ft_build.FILES_FILE, dtype=str, keep_default_na=False)
    assert sorted(files.loc[files["status"] == "ok", "file"]) == sorted(BASE)
    skipped = files[files["status"] == "skipped"].set_index("file")["reason"]
    assert {f: skipped[f].split(" (")[0] for f in skipped.index} == EXPECTED_HOSTILE
    assert summary.files == len(BASE) + len(EXPECTED_HOSTILE)


def test_cli_strict_fails_on_hostile_files_without_hanging(hostile: Path, tmp_path: Path) -> None:
    """A real process (the named pipe would block a reader that opened it for ever)."""
    code = (
        "import sys; from ofsted_record.cli import app; "
        "sys.argv = ['ofsted-record'] + sys.argv[1:]; app()"
    )
    args = ["extract", "--reports-dir", str(hostile), "--out-dir", str(tmp_path / "o")]
    args += ["--cache-dir", str(tmp_path / "c"), "--no-progress", "--strict"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1, done.stderr
    # without the mock, the "unreadable" copy of Norfolk's report is quarantined as misfiled
    assert "5 file(s) quarantined" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root + setpriv")
def test_unreadable_file_for_another_user(corpus_dir: Path, tmp_path_factory) -> None:
    """Really unreadable: a mode-000 report, extracted by the unprivileged user nobody."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="integrity-"))
    try:
        os.chmod(base, 0o755)
        reports = make_corpus(corpus_dir, base / "reports", [BARNSLEY_2014, BARNSLEY_2018])
        os.chmod(reports / BARNSLEY_2018, 0)
        for path in [base, *base.rglob("*")]:
            os.chown(path, 65534, 65534)
        os.chmod(reports / BARNSLEY_2018, 0)
        code = (
            "import sys; from ofsted_record.cli import app; "
            "sys.argv = ['ofsted-record'] + sys.argv[1:]; app()"
        )
        args = ["extract", "--reports-dir", str(reports), "--out-dir", str(base / "out")]
        args += ["--cache-dir", str(base / "cache"), "--no-progress"]
        done = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                code,
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "HOME": str(base)},
        )
        assert done.returncode == 0, done.stderr
        _, issues = tables(base / "out")
        assert issues.set_index("file").loc[BARNSLEY_2018, "reason"] == "cannot read the file"
        assert issues.set_index("file").loc[BARNSLEY_2018, "detail"] == "Permission denied"
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- 5. the sha256 written is the file's, whatever its size and mtime --------------------------


def test_same_size_replacement_with_mtime_restored_is_reread(
    corpus_dir: Path, tmp_path: Path
) -> None:
    reports = make_corpus(corpus_dir, tmp_path / "r", [NYORKS_2023])
    target = reports / NYORKS_2023
    first = extract(reports, tmp_path / "out", tmp_path / "cache")
    assert first.parsed == [NYORKS_2023]
    before = target.stat()
    # the 2018 report padded after %%EOF to the 2023 report's size, mtime put back
    data = (corpus_dir / NYORKS_2018).read_bytes()
    data += b"\n" * (before.st_size - len(data))
    target.write_bytes(data)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert target.stat().st_mtime_ns == before.st_mtime_ns

    extract(reports, tmp_path / "out", tmp_path / "cache")
    ins, _ = tables(tmp_path / "out")
    row = ins.set_index("file").loc[NYORKS_2023]
    assert row["sha256"] == sha256_file(target)
    assert row["end_date"].startswith("2018-")  # the grades and dates of the bytes on disk


# ---- 6. fulltext and extract classify files the same way -----------------------------------------

NOT_A_REPORT = "80426_barnsley/children's services inspection - 07 may 2019.pdf"
UNKNOWN_URN = "99999_nowhere/children's services inspection - 08 may 2019.pdf"


def test_fulltext_and_extract_share_one_classification(
    misfiled: Path, corpus_dir: Path, tmp_path: Path, parse_cache: Path
) -> None:
    from test_extract_bad_inputs import chart_pdf

    from ofsted_record.fulltext import build as ft_build

    reports = tmp_path / "r"
    shutil.copytree(misfiled, reports)
    (reports / NOT_A_REPORT).write_bytes(chart_pdf())
    (reports / UNKNOWN_URN).parent.mkdir()
    shutil.copyfile(corpus_dir / NORFOLK_2018, reports / UNKNOWN_URN)
    with (reports / "manifest.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write(f"{BARNSLEY_2018.replace('19 november', '20 november')},80426,,1,x\n")

    extract(reports, tmp_path / "out", parse_cache)
    ft_build.build(reports, tmp_path / "ft", jobs=1, progress=False, cache_dir=parse_cache)
    ins, issues = tables(tmp_path / "out")
    files = pd.read_csv(tmp_path / "ft" / ft_build.FILES_FILE, dtype=str, keep_default_na=False)
    assert set(files.loc[files["status"] == "ok", "file"]) == set(ins["file"])
    assert set(files["file"]) == set(ins["file"]) | set(issues["file"])
    ok = files[files["status"] == "ok"].set_index("file")["inspection_id"]
    assert ok.to_dict() == ins.set_index("file")["inspection_id"].to_dict()
    skipped = files[files["status"] != "ok"].set_index("file")["reason"]
    for row in issues.itertuples():
        assert skipped[row.file].startswith(row.reason), row.file
    assert skipped[NOT_A_REPORT].startswith("not a recognised inspection report")
    assert skipped[UNKNOWN_URN].startswith("council not recognised")


# ---- 7. missing shared data: one message, non-zero exit, nothing overwritten ----------------------


def test_provenance_without_shared_data_keeps_sources_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ofsted_record.cli import app

    (tmp_path / "data").mkdir()
    sources = tmp_path / "data" / "sources.yml"
    shutil.copyfile(config.project_root() / "data" / "sources.yml", sources)
    before = sources.read_bytes()
    monkeypatch.setattr(config, "project_root", lambda: tmp_path)
    monkeypatch.setenv(config.SHARED_DATA_ENV, str(tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["provenance"])
    assert result.exit_code == 2
    assert f"shared data folder not found: {tmp_path / 'nowhere'}" in result.output
    assert "Traceback" not in result.output
    assert sources.read_bytes() == before


def test_provenance_with_an_input_missing_names_it(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial shared folder (interventions removed) is named, not silently left out."""
    from ofsted_record import provenance

    files = [f for f in provenance.input_files(shared_data) if not f.startswith("interventions/")]
    monkeypatch.setattr(provenance, "input_files", lambda shared: files)
    with pytest.raises(config.MissingInput, match="interventions/interventions.csv"):
        provenance.build_sources(shared_data)


def test_context_without_shared_data_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ofsted_record.cli import app
    from ofsted_record.context import build as context_build

    monkeypatch.setattr(context_build, "processed_dir", lambda: tmp_path / "processed")
    monkeypatch.setenv(config.SHARED_DATA_ENV, str(tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["context"])
    assert result.exit_code == 2, result.output
    assert f"shared data folder not found: {tmp_path / 'nowhere'}" in result.output
    assert not (tmp_path / "processed").exists()


def test_paths_check_names_the_missing_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ofsted_record.cli import app

    monkeypatch.setenv(config.SHARED_DATA_ENV, str(tmp_path / "nowhere"))
    monkeypatch.delenv(config.REPORTS_DIR_ENV, raising=False)
    result = CliRunner().invoke(app, ["paths", "--check"])
    assert result.exit_code == 2
    assert f"shared data folder not found: {tmp_path / 'nowhere'}" in result.output


def test_tests_skip_without_shared_data_and_fail_when_required(tmp_path: Path) -> None:
    """Two context tests that read the shared data (they failed with it missing) skip, with the
    reason, in a child pytest; REQUIRE_CORPUS=1 turns the skips into failures."""
    here = Path(__file__).parent / "test_context.py"
    tests = [
        f"{here}::test_bad_file_named_and_run_continues",
        f"{here}::test_unknown_marker_names_file_and_cell",
    ]
    env = {**os.environ, config.SHARED_DATA_ENV: str(tmp_path / "nowhere")}
    env.pop("REQUIRE_CORPUS", None)
    base = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *tests]
    skipped = subprocess.run([*base, "-rs"], capture_output=True, text=True, env=env, timeout=300)
    assert skipped.returncode == 0, skipped.stdout
    assert "shared data not found at" in skipped.stdout and "2 skipped" in skipped.stdout
    env["REQUIRE_CORPUS"] = "1"
    failed = subprocess.run(base, capture_output=True, text=True, env=env, timeout=300)
    assert failed.returncode == 1 and "REQUIRE_CORPUS=1" in failed.stdout


# ---- 17. a killed warehouse build's temporary file ------------------------------------------------


def test_next_warehouse_build_removes_a_killed_builds_temp_file(
    shared_data: Path, tmp_path: Path
) -> None:
    from ofsted_record.warehouse import build_warehouse

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path = tmp_path / "warehouse.duckdb"
        stale = tmp_path / f".warehouse.duckdb.{dead.pid}.tmp"
        stale_wal = tmp_path / f".warehouse.duckdb.{dead.pid}.tmp.wal"
        live = tmp_path / f".warehouse.duckdb.{alive.pid}.tmp"
        for temp in (stale, stale_wal, live):
            temp.write_bytes(b"\0" * 4096)
        build_warehouse(path, with_fulltext=False, with_context=False)
        assert path.exists()
        assert not stale.exists() and not stale_wal.exists()
        assert live.exists()  # another build still running: left alone
    finally:
        alive.kill()
        alive.wait()


def test_git_ignores_warehouse_temp_files() -> None:
    root = config.project_root()
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    names = ["data/.warehouse.duckdb.12345.tmp", "data/.warehouse.duckdb.12345.tmp.wal"]
    done = subprocess.run(["git", "check-ignore", *names], cwd=root, capture_output=True, text=True)
    assert done.stdout.split() == names


def test_an_unreadable_manifest_is_one_clear_error(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parse_cache: Path
) -> None:
    reports = make_corpus(corpus_dir, tmp_path / "r", [BARNSLEY_2014])
    (reports / "manifest.csv").write_bytes(b"path,provider_urn\n\xff\xfe broken\n")
    args = ["extract", "--reports-dir", str(reports), "--out-dir", str(tmp_path / "o")]
    result = cli(args, parse_cache, monkeypatch)
    assert result.exit_code == 2
    assert f"{reports / 'manifest.csv'}: cannot be read as a UTF-8 CSV" in result.output
    assert not (tmp_path / "o").exists()
