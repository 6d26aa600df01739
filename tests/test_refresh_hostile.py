"""Refresh against a hostile or broken Ofsted site (issue 18, items 1 and 8-14).

Every scenario runs against the loopback fake site (``refresh/fakesite.py``) serving real corpus
reports, with the hostile behaviour injected there: page text that climbs out of the cache or
is too long for a file name, bodies that trickle, never end or are cut short behind a stray
``%%EOF``, a report corrected under the same or a new file id, a run killed mid-way.
"""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_record.extract.ids import file_date
from ofsted_record.refresh.cache import ReportCache, sha256_file
from ofsted_record.refresh.client import FetchError, OfstedClient, Settings
from ofsted_record.refresh.fakesite import FakeOfsted, FakeReport
from ofsted_record.refresh.names import MAX_NAME_BYTES, UnsafePath, inside, safe_filename
from ofsted_record.refresh.providers import Provider
from ofsted_record.refresh.run import refresh

URNS = ["80418", "80426"]  # Norfolk, Barnsley
NORFOLK = Provider("80418", "926", "Norfolk")
BARNSLEY = Provider("80426", "370", "Barnsley")
BARNSLEY_2014 = "80426_barnsley/children's services inspection - 08 august 2014.pdf"
BARNSLEY_2018 = "80426_barnsley/children's services inspection - 19 november 2018.pdf"
BARNSLEY_2023 = "80426_barnsley/children's services inspection - 27 october 2023.pdf"
# real reports from outside the served councils, as new publications
KENT_2013 = "80476_kent/children's services inspection,  pdf - 23 august 2013.pdf"
OWN_FILES = {"manifest.csv", ".duplicates.csv", ".rejected.csv", ".superseded.csv"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fid(corpus_rows: dict, rel: str) -> str:
    return corpus_rows[rel]["source_url"].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def corpus_rows(corpus_dir: Path) -> dict[str, dict[str, str]]:
    return {r["path"]: r for r in read_csv(corpus_dir / "manifest.csv")}


@pytest.fixture
def site(corpus_dir: Path):
    with FakeOfsted.from_corpus(corpus_dir, URNS, slow_seconds=1.5, lifetime=90) as fake:
        yield fake


def settings(site: FakeOfsted, **overrides: object) -> Settings:
    values: dict = dict(
        base_url=site.url, files_url=site.url, rate_limit=0, timeout=1.0, retries=2, backoff=0
    )
    values.update(overrides)
    return Settings(**values)


def run(root: Path, site: FakeOfsted, providers=(BARNSLEY,), **kwargs):
    kwargs.setdefault("settings", settings(site))
    kwargs.setdefault("extract", False)
    return refresh(
        cache_dir=root / "cache", out_dir=root / "out", providers=list(providers), **kwargs
    )


def issues(root: Path) -> list[dict[str, str]]:
    return read_csv(root / "out" / "refresh_issues.csv")


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def extractor(tmp_path: Path):
    from ofsted_record.extract.pipeline import run_extraction

    def extract(reports: Path, out: Path) -> object:
        return run_extraction(reports, out, progress=False, cache_dir=tmp_path / "x", workers=1)

    return extract


# -- item 8: path traversal ---------------------------------------------------------------------
def test_page_text_cannot_write_outside_the_cache(tmp_path, site, corpus_rows):
    root = tmp_path / "work"
    site.providers["80426"].name = "../../../escaped"  # the page heading names the folder
    barnsley = site.providers["80426"].reports
    barnsley[0].nonvisual = "Children's services inspection ..\\..\\..\\up, pdf - 27 October 2023"
    result = run(root, site)
    assert len(result.downloaded) == 3
    # nothing anywhere under tmp_path but the cache and the outputs
    assert {p.split("/")[0] for p in files_under(tmp_path)} == {"work"}
    assert {p.split("/")[0] for p in files_under(root)} == {"cache", "out"}
    folders = {p.split("/")[0] for p in files_under(root / "cache") - OWN_FILES}
    assert folders == {"80426_escaped"}
    assert "80426_escaped/children's services inspection ..-..-..-up - 27 october 2023.pdf" in {
        r["path"] for r in read_csv(root / "cache" / "manifest.csv")
    }


def test_the_runtime_check_refuses_paths_that_leave_the_cache(tmp_path):
    cache = ReportCache(tmp_path / "cache")
    for bad in ("../x/y.pdf", "a/../../y.pdf", "/etc/y.pdf", "a/.hidden.pdf", "a/b/c.pdf", "y.pdf"):
        with pytest.raises(UnsafePath):
            cache.path_for(bad)
    outside = tmp_path / "outside"
    outside.mkdir()
    (cache.root / "80426_barnsley").symlink_to(outside)  # a folder that points elsewhere
    with pytest.raises(UnsafePath, match="outside the cache"):
        inside(cache.root, "80426_barnsley/report - 1 may 2020.pdf")
    assert cache.path_for("80426_barnsley2/x.pdf") == (cache.root / "80426_barnsley2/x.pdf")


def test_a_symlinked_council_folder_is_refused_and_the_run_goes_on(tmp_path, site):
    root = tmp_path / "work"
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "cache").mkdir(parents=True)
    (root / "cache" / "80426_barnsley").symlink_to(outside)
    result = run(root, site, providers=(NORFOLK, BARNSLEY))
    assert list(outside.iterdir()) == []
    assert {p.split("/")[0] for p in result.downloaded} == {"80418_norfolk"}
    refused = [i for i in issues(root) if i["reason"] == "store_error"]
    assert len(refused) == 3 and all("outside the cache" in i["detail"] for i in refused)


# -- item 9: over-long and dot-first titles; one bad council ------------------------------------
def test_long_and_dot_first_titles_get_safe_stable_names(tmp_path, site, corpus_dir):
    root = tmp_path / "work"
    long_title = "Children's services inspection " + "of a very long title " * 20
    kent = sorted((corpus_dir / "80476_kent").glob("*.pdf"))
    bodies = [p.read_bytes() for p in kent if p.read_bytes().startswith(b"%PDF-")][:3]
    barnsley = site.providers["80426"]
    barnsley.reports[:0] = [
        FakeReport(
            "61000001", f"{long_title}A, pdf - 02 February 2026", "2 February 2026", bodies[0]
        ),
        FakeReport(
            "61000002", f"{long_title}B, pdf - 02 February 2026", "2 February 2026", bodies[1]
        ),
        FakeReport(
            "61000003",
            ".Children's services inspection, pdf - 03 March 2026",
            "3 March 2026",
            bodies[2],
        ),
    ]
    result = run(root, site)
    assert len(result.downloaded) == 6
    names = [Path(p).name for p in result.downloaded]
    assert all(len(n.encode("utf-8")) <= MAX_NAME_BYTES for n in names)
    assert not [n for n in names if n.startswith(".")]
    long_names = [n for n in names if n.startswith("children's services inspection of a very")]
    assert len(set(long_names)) == 2  # kept apart by a hash of the whole title
    # the extractor still reads the publication date from every name
    assert sorted(file_date(p).isoformat() for p in result.downloaded)[-3:] == [
        "2026-02-02",
        "2026-02-02",
        "2026-03-03",
    ]
    assert "80426_barnsley/children's services inspection - 03 march 2026.pdf" in result.downloaded
    hidden = {p for p in files_under(root / "cache") if Path(p).name.startswith(".")}
    assert hidden <= OWN_FILES
    # stable: the same page again fetches nothing and names nothing differently
    again = run(root, site)
    assert again.downloaded == [] and again.issues == []
    assert safe_filename(f"{long_title}A - 02 february 2026.pdf".lower(), "x") in names


def test_a_council_that_cannot_be_stored_does_not_stop_the_others(tmp_path, site, corpus_rows):
    root = tmp_path / "work"
    (root / "cache").mkdir(parents=True)
    (root / "cache" / "80426_barnsley").write_text("a file where the council folder should be")
    result = run(root, site, providers=(BARNSLEY, NORFOLK))
    norfolk = {p for p in corpus_rows if p.startswith("80418_norfolk/")}
    assert set(result.downloaded) == norfolk and len(norfolk) == 5
    failed = [(i["outcome"], i["reason"]) for i in issues(root) if i["provider_urn"] == "80426"]
    assert failed == [("failed", "store_error")] * 3
    assert [f.reason for f in result.failures] == ["store_error"] * 3


# -- item 10: an interrupted refresh ------------------------------------------------------------
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_killed_refresh_is_logged_and_extracted_by_the_next(
    tmp_path, corpus_dir, corpus_rows, how
):
    """A real `ofsted-record refresh` process stores two reports, then hangs on the next page
    and is killed. The next run finds nothing new on Ofsted's site, yet logs both reports and
    brings them into the record, because both are derived from the cache."""
    root = tmp_path / "work"
    seed = tmp_path / "seed"
    (seed / "80426_barnsley").mkdir(parents=True)
    (seed / BARNSLEY_2014).write_bytes((corpus_dir / BARNSLEY_2014).read_bytes())
    row = corpus_rows[BARNSLEY_2014]
    (seed / "manifest.csv").write_text(
        "path,provider_urn,source_url,bytes,sha256\n"
        f"{row['path']},{row['provider_urn']},{row['source_url']},{row['bytes']},{row['sha256']}\n"
    )
    with FakeOfsted.from_corpus(corpus_dir, ["80426", "80427"], slow_seconds=60) as site:
        first = run(root, site, offline=True, seed_from=seed, extract=extractor(tmp_path))
        assert first.extracted and first.seeded == 1
        site.fault("/provider/44/80427", "slow")  # the run hangs on the second council
        command = [str(Path(sys.executable).parent / "ofsted-record"), "refresh"]
        command += ["--base-url", site.url, "--files-url", site.url, "--rate-limit", "0"]
        command += ["--timeout", "120", "--urn", "80426", "--urn", "80427", "--no-extract"]
        command += ["--cache-dir", str(root / "cache"), "--out-dir", str(root / "out")]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            give_up = time.monotonic() + 60
            while time.monotonic() < give_up and site.requests_to("/provider/44/80427") == 0:
                time.sleep(0.05)
            assert site.requests_to("/provider/44/80427") == 1, process.stderr
            manifest = read_csv(root / "cache" / "manifest.csv")
            assert len(manifest) == 3  # both Barnsley downloads stored before the hang
            process.send_signal(how)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate()
        assert process.returncode != 0
        assert read_csv(root / "out" / "changelog.csv") == []  # the killed run logged nothing

        again = run(root, site, extract=extractor(tmp_path))
    assert again.downloaded == [] and again.extracted
    log = read_csv(root / "out" / "changelog.csv")
    assert sorted((r["event"], r["file"]) for r in log) == [
        ("published", BARNSLEY_2018),
        ("published", BARNSLEY_2023),
    ]
    assert [r["summary"] for r in sorted(log, key=lambda r: r["published_date"])] == [
        "Barnsley: inspection published 19 November 2018 — overall Good; was Requires improvement",
        "Barnsley: inspection published 27 October 2023 — overall Good; was Good",
    ]
    record = {r["file"] for r in read_csv(root / "out" / "inspections.csv")}
    assert record == {BARNSLEY_2014, BARNSLEY_2018, BARNSLEY_2023}
    # and once logged, never again
    assert run(root, site, offline=True, extract=extractor(tmp_path)).events == []


# -- item 11: deadline and size limit ------------------------------------------------------------
def test_trickling_and_endless_bodies_are_cut_off(tmp_path, site, corpus_rows):
    root = tmp_path / "work"
    slow = fid(corpus_rows, BARNSLEY_2018)
    endless = fid(corpus_rows, BARNSLEY_2023)
    site.fault(f"/v1/file/{slow}", "trickle")  # a byte every 0.2 s, each read well in time
    site.fault(f"/v1/file/{endless}", "endless")  # no Content-Length, never ends (64 MB here)
    site.trickle_seconds = 30  # far past the deadline: only the client can end it early
    small = settings(site, retries=0, deadline=1.5, max_bytes=2_000_000)
    result = run(root, site, settings=small)
    assert result.downloaded == [BARNSLEY_2014]
    found = {i["url"].rsplit("/", 1)[1]: i for i in issues(root)}
    outcome = {k: (i["outcome"], i["reason"]) for k, i in found.items()}
    assert outcome == {slow: ("failed", "deadline"), endless: ("rejected", "too_large")}
    received = int(found[slow]["detail"].split()[0])  # "<n> bytes after 1.5 s"
    assert 0 < received < 100  # cut off long before the 30 s of trickle (150 bytes) ran out
    assert not [p for p in files_under(root / "cache") if p.endswith(".part")]
    # a Content-Length over the limit is refused before any of the body is stored
    client = OfstedClient(settings(site, retries=0, max_bytes=1000))
    with pytest.raises(FetchError, match="too_large"):
        client.download("80426", f"{site.url}/v1/file/{endless}", tmp_path / "d")
    client.close()
    assert list((tmp_path / "d").iterdir()) == []
    # the next run (the site behaving) fetches both
    assert sorted(run(root, site).downloaded) == [BARNSLEY_2018, BARNSLEY_2023]


# -- item 12: cut bodies, changed files, corrected reports ---------------------------------------
def test_a_body_cut_short_behind_a_stray_eof_is_refused_and_fetched_again(
    tmp_path, site, corpus_rows
):
    root = tmp_path / "work"
    cut = fid(corpus_rows, BARNSLEY_2018)
    site.fault(f"/v1/file/{cut}", "cut_eof", "cut_eof", "cut_eof")
    first = run(root, site)
    assert BARNSLEY_2018 not in first.downloaded
    rows = [(i["outcome"], i["reason"]) for i in issues(root) if i["url"].endswith(cut)]
    assert rows == [("retried", "unreadable_pdf")] * 2 + [("failed", "unreadable_pdf")]
    assert run(root, site).downloaded == [BARNSLEY_2018]
    stored = read_csv(root / "cache" / "manifest.csv")
    assert {r["path"]: r["sha256"] for r in stored} == {
        p: corpus_rows[p]["sha256"] for p in (BARNSLEY_2014, BARNSLEY_2018, BARNSLEY_2023)
    }


def corrected(body: bytes) -> bytes:
    """A new version of a real report: an incremental update appended after its %%EOF (a
    comment section PDF readers skip), so it is a different, still valid PDF."""
    return body + b"\n% corrected by Ofsted\n"


def test_verify_re_requests_and_keeps_a_changed_report(tmp_path, site, corpus_rows):
    root = tmp_path / "work"
    run(root, site)
    changed = fid(corpus_rows, BARNSLEY_2023)
    report = site.file(changed)
    report.body = corrected(report.body)
    before = site.requests_to(f"/v1/file/{changed}")
    assert run(root, site).downloaded == []
    assert site.requests_to(f"/v1/file/{changed}") == before  # a plain refresh trusts the id
    result = run(root, site, verify=True)
    assert site.requests_to(f"/v1/file/{changed}") == before + 1
    assert result.downloaded == [BARNSLEY_2023]
    assert sha256_file(root / "cache" / BARNSLEY_2023) == sha256_file_bytes(report.body)
    assert [(e.event, e.file) for e in result.events] == [("corrected", BARNSLEY_2023)]
    kept = read_csv(root / "cache" / ".superseded.csv")
    assert [(k["path"], k["sha256"]) for k in kept] == [
        (BARNSLEY_2023, corpus_rows[BARNSLEY_2023]["sha256"])
    ]
    assert sha256_file(root / "cache" / kept[0]["kept_as"]) == kept[0]["sha256"]
    assert run(root, site, verify=True).events == []  # logged once


def sha256_file_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_corrected_report_under_a_new_file_id_replaces_the_old_one(
    tmp_path, corpus_dir, corpus_rows
):
    root = tmp_path / "work"
    with FakeOfsted.from_corpus(corpus_dir, ["80426"], lifetime=90) as site:
        run(root, site, settings=settings(site), extract=extractor(tmp_path))
        old = site.file(fid(corpus_rows, BARNSLEY_2023))
        barnsley = site.providers["80426"].reports
        barnsley[barnsley.index(old)] = FakeReport(
            "62000001", old.nonvisual, old.published, corrected(old.body)
        )
        result = run(root, site, settings=settings(site), extract=extractor(tmp_path))
        assert result.downloaded == [BARNSLEY_2023]
        assert result.lines == [
            "Barnsley: corrected report of the inspection published 27 October 2023 — "
            "overall Good (replaces the earlier version)"
        ]
        ids = sorted(r["inspection_id"] for r in read_csv(root / "out" / "inspections.csv"))
        assert ids == ["80426-2014-08-08", "80426-2018-11-19", "80426-2023-10-27"]
        kept = read_csv(root / "cache" / ".superseded.csv")
        assert [k["source_url"] for k in kept] == [corpus_rows[BARNSLEY_2023]["source_url"]]
        # Ofsted lists the old file again: it is kept aside, never fetched or logged again
        barnsley.append(old)
        before = site.requests_to(f"/v1/file/{old.file_id}")
        assert run(root, site, settings=settings(site), extract=False).events == []
        assert site.requests_to(f"/v1/file/{old.file_id}") == before


# -- item 13: exit status --------------------------------------------------------------------
def seed_dir(tmp_path: Path, corpus_dir: Path, corpus_rows: dict) -> Path:
    seed = tmp_path / "seed"
    (seed / "80426_barnsley").mkdir(parents=True)
    (seed / BARNSLEY_2014).write_bytes((corpus_dir / BARNSLEY_2014).read_bytes())
    row = corpus_rows[BARNSLEY_2014]
    (seed / "manifest.csv").write_text(
        "path,provider_urn,source_url,bytes,sha256\n"
        f"{row['path']},{row['provider_urn']},{row['source_url']},{row['bytes']},{row['sha256']}\n"
    )
    return seed


def test_the_command_fails_when_the_site_or_a_download_fails(
    tmp_path, site, corpus_dir, corpus_rows
):
    from ofsted_record.cli import app

    runner = CliRunner()
    seed = seed_dir(tmp_path, corpus_dir, corpus_rows)
    common = ["refresh", "--no-extract", "--rate-limit", "0", "--retries", "0", "--timeout", "1"]
    common += ["--cache-dir", str(tmp_path / "c"), "--out-dir", str(tmp_path / "o")]
    common += ["--seed-from", str(seed), "--urn", "80426", "--urn", "80418"]
    dead = ["--base-url", "http://127.0.0.1:9", "--files-url", "http://127.0.0.1:9"]
    down = runner.invoke(app, [*common, *dead])
    assert down.exit_code == 1, down.output
    assert down.output.strip().splitlines()[-1] == (
        "error: refresh incomplete: the Ofsted site did not answer; 2 provider pages failed "
        f"(connection_error 2); details in {tmp_path / 'o' / 'refresh_issues.csv'}"
    )
    site.fault(f"/v1/file/{fid(corpus_rows, BARNSLEY_2018)}", "404")
    live = ["--base-url", site.url, "--files-url", site.url]
    one = runner.invoke(app, [*common, *live])
    assert one.exit_code == 1, one.output
    assert "error: refresh incomplete: 1 reports failed (http_404 1)" in one.output
    ok = runner.invoke(app, [*common, *live])
    assert ok.exit_code == 0, ok.output


# -- item 14: file modes -----------------------------------------------------------------------
def test_downloaded_reports_get_the_usual_file_mode(tmp_path, site):
    old = os.umask(0o022)
    try:
        run(tmp_path / "work", site)
    finally:
        os.umask(old)
    cache = tmp_path / "work" / "cache"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in cache.rglob("*") if p.is_file()}
    assert modes == {0o644}
    assert stat.S_IMODE((tmp_path / "work" / "out" / "changelog.csv").stat().st_mode) == 0o644


# -- item 1 (refresh side): no empty or partial manifest ---------------------------------------
def test_nothing_to_seed_fails_clearly_and_writes_no_manifest(tmp_path, monkeypatch, site):
    from ofsted_record.cli import app

    monkeypatch.setenv("OFSTED_SHARED_DATA", "/nonexistent")
    runner = CliRunner()
    cache = tmp_path / "c"
    args = ["refresh", "--no-extract", "--cache-dir", str(cache), "--out-dir", str(tmp_path / "o")]
    offline = runner.invoke(app, [*args, "--offline"])
    assert offline.exit_code == 2
    assert "/nonexistent/ofsted-reports/manifest.csv not found" in offline.output
    partial = runner.invoke(app, [*args, "--base-url", site.url, "--urn", "80426"])
    assert partial.exit_code == 2 and "only some councils" in partial.output
    assert not (cache / "manifest.csv").exists() and site.log == []
    # the library writes no manifest for a cache that holds nothing
    refresh(
        cache_dir=cache, out_dir=tmp_path / "o", providers=[BARNSLEY], offline=True, extract=False
    )
    assert not (cache / "manifest.csv").exists()
