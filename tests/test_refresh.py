"""Refresh against a fake Ofsted site on 127.0.0.1 built from real corpus reports, with faults.

After every scenario: the cache holds exactly the verified reports (sha256 equal to the corpus),
nothing partial is left, the reasons are in refresh_issues.csv, and a rerun fetches nothing new.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_record.refresh import client as client_mod
from ofsted_record.refresh.cache import sha256_file
from ofsted_record.refresh.client import OfstedClient, Settings
from ofsted_record.refresh.fakesite import FakeOfsted, FakeReport
from ofsted_record.refresh.providers import Provider
from ofsted_record.refresh.run import refresh

URNS = ["80418", "80426", "80427", "80429"]  # Norfolk, Barnsley, Bath and NE Somerset, Birmingham
# The corpus keeps this Ofsted HTML error page saved as .pdf (shared/README.md): a real not_pdf.
HTML_PAGE = "80429_birmingham/children's services inspection - 19 october 2012.pdf"
PROVIDERS = [
    Provider("80418", "926", "Norfolk"),
    Provider("80426", "370", "Barnsley"),
    Provider("80427", "800", "Bath and North East Somerset"),
    Provider("80429", "330", "Birmingham"),
]
BARNSLEY_2014 = "80426_barnsley/children's services inspection - 08 august 2014.pdf"
BARNSLEY_2018 = "80426_barnsley/children's services inspection - 19 november 2018.pdf"
BARNSLEY_2023 = "80426_barnsley/children's services inspection - 27 october 2023.pdf"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def corpus_rows(corpus_dir: Path) -> dict[str, dict[str, str]]:
    rows = read_csv(corpus_dir / "manifest.csv")
    return {r["path"]: r for r in rows if r["provider_urn"] in URNS}


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


def run(tmp_path: Path, site: FakeOfsted, providers=PROVIDERS, **kwargs):
    kwargs.setdefault("settings", settings(site))
    kwargs.setdefault("extract", False)
    return refresh(
        cache_dir=tmp_path / "cache", out_dir=tmp_path / "out", providers=providers, **kwargs
    )


def issues(tmp_path: Path) -> list[dict[str, str]]:
    return read_csv(tmp_path / "out" / "refresh_issues.csv")


def assert_cache_ok(tmp_path: Path, corpus_rows: dict, expected: set[str]) -> None:
    """Exactly the expected reports, byte-identical to the corpus, nothing partial anywhere."""
    cache = tmp_path / "cache"
    manifest = read_csv(cache / "manifest.csv")
    assert {r["path"] for r in manifest} == expected
    for row in manifest:
        source = corpus_rows[row["path"]]
        assert row["source_url"] == source["source_url"]
        assert row["sha256"] == source["sha256"] == sha256_file(cache / row["path"])
        assert int(row["bytes"]) == int(source["bytes"]) == (cache / row["path"]).stat().st_size
    on_disk = {p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file()}
    assert on_disk - expected <= {"manifest.csv", ".duplicates.csv", ".rejected.csv"}
    assert not [p for p in on_disk if p.endswith((".part", ".tmp"))]


def all_good(corpus_rows: dict) -> set[str]:
    return set(corpus_rows) - {HTML_PAGE}


def test_clean_run_mirrors_the_corpus_and_rerun_fetches_nothing(tmp_path, site, corpus_rows):
    first = run(tmp_path, site)
    assert sorted(first.downloaded) == sorted(all_good(corpus_rows))
    assert len(first.downloaded) == 15
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))
    # the HTML error page Ofsted served is rejected at once (not retried), reason recorded
    rejected = [i for i in issues(tmp_path) if i["outcome"] == "rejected"]
    assert [(i["reason"], i["attempt"]) for i in rejected] == [("not_pdf", "1")]
    assert rejected[0]["url"].endswith("/v1/file/" + corpus_rows[HTML_PAGE]["source_url"][-8:])
    # every request named the project
    assert all(agent.startswith("ofsted-record/") for agent in site.agents)
    log = read_csv(tmp_path / "out" / "changelog.csv")
    assert len(log) == 15 and {r["event"] for r in log} == {"published"}
    assert {r["batch"] for r in log} == {"1"}

    before = len(site.log)
    second = run(tmp_path, site)
    assert second.downloaded == [] and second.events == []
    new_requests = site.log[before:]
    # 4 provider pages + one more try of the URL that served HTML; no report fetched again
    assert len(new_requests) == 5
    assert len(read_csv(tmp_path / "out" / "changelog.csv")) == 15

    # deterministic: a second cache built the same way is byte-identical
    other = tmp_path / "again"
    run(other, site)
    for name in ("cache/manifest.csv", "out/changelog.csv", "out/refresh_issues.csv"):
        assert (other / name).read_bytes() == (tmp_path / name).read_bytes()


def test_slow_responses_are_retried(tmp_path, site, corpus_rows):
    fid = corpus_rows[BARNSLEY_2018]["source_url"].rsplit("/", 1)[1]
    site.fault(f"/v1/file/{fid}", "slow")
    site.fault("/provider/44/80427", "slow")
    result = run(tmp_path, site)
    assert len(result.downloaded) == 15
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))
    retried = {
        (i["url"].rsplit("/", 1)[1], i["reason"])
        for i in issues(tmp_path)
        if i["outcome"] == "retried"
    }
    assert retried == {(fid, "timeout"), ("80427", "timeout")}


def test_server_errors_then_success(tmp_path, site, corpus_rows):
    fid = corpus_rows[BARNSLEY_2023]["source_url"].rsplit("/", 1)[1]
    site.fault(f"/v1/file/{fid}", "500", "503")
    result = run(tmp_path, site)
    assert len(result.downloaded) == 15
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))
    rows = [i for i in issues(tmp_path) if i["url"].endswith(fid)]
    assert [(i["attempt"], i["outcome"], i["reason"]) for i in rows] == [
        ("1", "retried", "http_500"),
        ("2", "retried", "http_503"),
    ]


def test_truncated_bodies_are_never_kept(tmp_path, site, corpus_rows):
    short = corpus_rows[BARNSLEY_2018]["source_url"].rsplit("/", 1)[1]
    no_eof = corpus_rows[BARNSLEY_2023]["source_url"].rsplit("/", 1)[1]
    gone = corpus_rows[BARNSLEY_2014]["source_url"].rsplit("/", 1)[1]
    site.fault(f"/v1/file/{short}", "truncate")  # connection closed before Content-Length
    site.fault(f"/v1/file/{no_eof}", "truncate_eof")  # consistent length, but no %%EOF
    site.fault(f"/v1/file/{gone}", "truncate", "truncate_eof", "truncate")  # every attempt
    result = run(tmp_path, site)
    assert BARNSLEY_2014 not in result.downloaded
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows) - {BARNSLEY_2014})
    by_file = {}
    for i in issues(tmp_path):
        by_file.setdefault(i["url"].rsplit("/", 1)[1], []).append((i["outcome"], i["reason"]))
    assert by_file[short] == [("retried", "truncated")]
    assert by_file[no_eof] == [("retried", "missing_eof")]
    assert by_file[gone] == [
        ("retried", "truncated"),
        ("retried", "missing_eof"),
        ("failed", "truncated"),
    ]
    # next run (the network behaves): only the missing report is fetched
    again = run(tmp_path, site)
    assert again.downloaded == [BARNSLEY_2014]
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))


def test_html_instead_of_pdf_is_rejected_then_fetched_later(tmp_path, site, corpus_rows):
    fid = corpus_rows[BARNSLEY_2023]["source_url"].rsplit("/", 1)[1]
    site.fault(f"/v1/file/{fid}", "html")
    run(tmp_path, site)
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows) - {BARNSLEY_2023})
    rows = [i for i in issues(tmp_path) if i["url"].endswith(fid)]
    assert [(i["outcome"], i["reason"]) for i in rows] == [("rejected", "not_pdf")]
    assert "text/html" in rows[0]["detail"]
    assert run(tmp_path, site).downloaded == [BARNSLEY_2023]
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))


def test_withdrawn_report_is_logged_not_deleted(tmp_path, site, corpus_rows):
    run(tmp_path, site)
    barnsley = site.providers["80426"]
    fid = corpus_rows[BARNSLEY_2014]["source_url"].rsplit("/", 1)[1]
    withdrawn = next(r for r in barnsley.reports if r.file_id == fid)
    barnsley.reports.remove(withdrawn)
    result = run(tmp_path, site)
    assert [(e.event, e.file) for e in result.events] == [("withdrawn", BARNSLEY_2014)]
    assert result.lines == [
        "Barnsley: report published 8 August 2014 withdrawn from Ofsted's site "
        "(kept in the cache and the record)"
    ]
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))  # still cached
    assert run(tmp_path, site).events == []  # logged once
    barnsley.reports.append(withdrawn)
    assert [e.event for e in run(tmp_path, site).events] == ["reinstated"]
    events = [r["event"] for r in read_csv(tmp_path / "out" / "changelog.csv")]
    assert events.count("withdrawn") == 1 and events.count("reinstated") == 1


def test_same_file_under_two_urls_is_stored_once(tmp_path, site, corpus_rows):
    run(tmp_path, site)
    body = (tmp_path / "cache" / BARNSLEY_2023).read_bytes()
    alias = FakeReport(
        "59999999",
        "Children's services inspection, pdf - 02 February 2026",
        "2 February 2026",
        body,
    )
    site.providers["80426"].reports.insert(0, alias)
    result = run(tmp_path, site)
    assert result.downloaded == [] and result.events == []
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))
    dupes = read_csv(tmp_path / "cache" / ".duplicates.csv")
    assert [(d["source_url"], d["duplicate_of"]) for d in dupes] == [
        ("https://files.ofsted.gov.uk/v1/file/59999999", BARNSLEY_2023)
    ]
    assert [i["reason"] for i in issues(tmp_path) if i["outcome"] == "duplicate"] == ["same_sha256"]
    before = site.requests_to("/v1/file/59999999")
    run(tmp_path, site)
    assert site.requests_to("/v1/file/59999999") == before  # never fetched again


def test_interrupted_run_resumes_without_loss(tmp_path, site, corpus_rows, monkeypatch):
    real = OfstedClient.download
    calls = {"n": 0}

    def flaky(self, urn, url, dest_dir):
        got = real(self, urn, url, dest_dir)
        calls["n"] += 1
        if calls["n"] == 4:  # killed after the 4th download, before it was renamed into place
            raise KeyboardInterrupt
        return got

    monkeypatch.setattr(OfstedClient, "download", flaky)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, site)
    monkeypatch.setattr(OfstedClient, "download", real)
    cache = tmp_path / "cache"
    assert len(read_csv(cache / "manifest.csv")) == 3  # saved after every file
    assert len(list(cache.rglob("*.part"))) == 1  # the one in flight
    (cache / ".manifest.csv.x1y2.tmp").write_text("half a manifest")  # a torn table write
    result = run(tmp_path, site)
    assert len(result.downloaded) == 12
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))


def test_provider_page_failures_never_withdraw(tmp_path, site, corpus_rows):
    run(tmp_path, site)
    site.fault("/provider/44/80426", "500", "500", "500")
    site.fault("/provider/44/80427", "blank")
    result = run(tmp_path, site)
    assert result.events == [] and result.pages_failed == 1
    rows = issues(tmp_path)
    assert [(i["outcome"], i["reason"]) for i in rows if i["provider_urn"] == "80426"] == [
        ("retried", "http_500"),
        ("retried", "http_500"),
        ("failed", "http_500"),
    ]
    assert [i["reason"] for i in rows if i["provider_urn"] == "80427"] == [
        "no_publications_on_page"
    ]
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))


def test_offline_uses_no_network(tmp_path, site, corpus_rows):
    run(tmp_path, site)
    before = len(site.log)
    result = run(tmp_path, site, offline=True)
    assert result.requests == 0 and len(site.log) == before
    dead = Settings(base_url="http://127.0.0.1:9", files_url="http://127.0.0.1:9", rate_limit=0)
    assert run(tmp_path, site, offline=True, settings=dead).requests == 0
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))


def test_seed_from_corpus_then_fetch_only_the_new_report(tmp_path, site, corpus_dir, corpus_rows):
    result = run(tmp_path, site, offline=True, seed_from=corpus_dir)
    assert result.seeded == 15 and result.requests == 0
    assert [(i.reason, i.outcome) for i in result.issues] == [("not_pdf", "seed_skipped")]
    assert_cache_ok(tmp_path, corpus_rows, all_good(corpus_rows))
    # Ofsted publishes a new Barnsley report (bytes of a real report from outside the subset)
    kent = corpus_dir / "80476_kent" / "children's services inspection,  pdf - 23 august 2013.pdf"
    site.providers["80426"].reports.insert(
        0,
        FakeReport(
            "50310001",
            "Children's services inspection, pdf - 02 February 2026",
            "2 February 2026",
            kent.read_bytes(),
        ),
    )
    new = "80426_barnsley/children's services inspection - 02 february 2026.pdf"
    fetched = run(tmp_path, site)
    assert fetched.downloaded == [new]
    assert sha256_file(tmp_path / "cache" / new) == sha256_file(kent)
    assert fetched.lines == [
        "Barnsley: inspection published 2 February 2026 — grades not extracted yet"
    ]
    files_fetched = [p for p in site.log if p.startswith("/v1/file/")]
    assert files_fetched == [
        "/v1/file/50310001",
        "/v1/file/" + corpus_rows[HTML_PAGE]["source_url"].rsplit("/", 1)[1],
    ]


def test_seed_rejects_a_corrupted_file(tmp_path, corpus_dir, corpus_rows):
    seed = tmp_path / "seed"
    shutil.copytree(corpus_dir / "80426_barnsley", seed / "80426_barnsley")
    rows = [corpus_rows[p] for p in (BARNSLEY_2014, BARNSLEY_2018, BARNSLEY_2023)]
    with (seed / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (seed / BARNSLEY_2018).chmod(0o644)
    with (seed / BARNSLEY_2018).open("ab") as handle:
        handle.write(b"\n% tampered")
    result = refresh(
        cache_dir=tmp_path / "cache",
        out_dir=tmp_path / "out",
        providers=PROVIDERS[1:2],
        offline=True,
        seed_from=seed,
        extract=False,
    )
    assert result.seeded == 2
    assert [(i.reason, i.url) for i in result.issues] == [
        ("checksum_mismatch", corpus_rows[BARNSLEY_2018]["source_url"])
    ]
    assert_cache_ok(tmp_path, corpus_rows, {BARNSLEY_2014, BARNSLEY_2023})


class FakeClock:
    """Time that moves only when the client sleeps: politeness is checked on this clock, so a
    busy machine cannot make the test fail (or pass)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_backoff_doubles_and_rate_limit_spaces_requests(tmp_path, site, corpus_rows):
    fid = corpus_rows[BARNSLEY_2018]["source_url"].rsplit("/", 1)[1]
    site.fault(f"/v1/file/{fid}", "500", "500", "500")
    clock = FakeClock()
    client = OfstedClient(settings(site, backoff=0.1, retries=3), sleep=clock.sleep, clock=clock)
    try:
        got = client.download("80426", f"{site.url}/v1/file/{fid}", tmp_path)
    finally:
        client.close()
    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.4])
    assert sha256_file(got.tmp_path) == corpus_rows[BARNSLEY_2018]["sha256"]
    # polite spacing between the starts of requests, on the injected clock
    clock = FakeClock()
    result = run(
        tmp_path,
        site,
        providers=PROVIDERS[1:2],
        settings=settings(site, rate_limit=0.15),
        clock=clock,
        sleep=clock.sleep,
    )
    assert result.requests == 4  # the page and three reports
    assert clock.sleeps == pytest.approx([0.15, 0.15, 0.15])
    assert client_mod.USER_AGENT.startswith("ofsted-record/")
    # the same spacing when real time passes between requests: only the remainder is slept
    spaced = OfstedClient(settings(site, rate_limit=0.15), sleep=clock.sleep, clock=clock)
    clock.sleeps.clear()
    spaced.get_page("80426")
    clock.now += 0.05  # parsing took 50 ms
    spaced.get_page("80426")
    spaced.close()
    assert clock.sleeps == pytest.approx([0.10])
    assert spaced.request_times[1] - spaced.request_times[0] == pytest.approx(0.15)


def test_extraction_is_wired_and_the_changelog_reads_the_grades(tmp_path, corpus_dir, corpus_rows):
    """Golden lines: Barnsley 2018 page 1 'Overall effectiveness Good', 2014 page 1 'The overall
    judgement is requires improvement', 2023 page 1 'Overall effectiveness Good'."""
    from ofsted_record.extract.pipeline import run_extraction

    seed = tmp_path / "seed"
    (seed / "80426_barnsley").mkdir(parents=True)
    shutil.copyfile(corpus_dir / BARNSLEY_2014, seed / BARNSLEY_2014)
    row = corpus_rows[BARNSLEY_2014]
    (seed / "manifest.csv").write_text(
        "path,provider_urn,source_url,bytes,sha256\n"
        f"{row['path']},{row['provider_urn']},{row['source_url']},{row['bytes']},{row['sha256']}\n"
    )

    def extract(reports: Path, out: Path) -> object:
        return run_extraction(reports, out, progress=False, cache_dir=tmp_path / "x", workers=1)

    with FakeOfsted.from_corpus(corpus_dir, ["80426"], lifetime=60) as fake:
        result = run(tmp_path, fake, providers=PROVIDERS[1:2], seed_from=seed, extract=extract)
    assert result.extracted and result.downloaded == [BARNSLEY_2023, BARNSLEY_2018]
    assert result.lines == [
        "Barnsley: inspection published 19 November 2018 — overall Good; was Requires improvement",
        "Barnsley: inspection published 27 October 2023 — overall Good; was Good",
    ]
    log = read_csv(tmp_path / "out" / "changelog.csv")
    assert [(r["inspection_id"], r["overall_grade"]) for r in log] == [
        ("80426-2018-11-19", "good"),
        ("80426-2023-10-27", "good"),
    ]


def test_cli_seed_offline_and_bad_inputs(tmp_path, corpus_dir):
    from ofsted_record.cli import app

    runner = CliRunner()
    args = ["refresh", "--offline", "--no-extract", "--cache-dir", str(tmp_path / "c")]
    args += ["--out-dir", str(tmp_path / "o"), "--urn", "80426"]
    ok = runner.invoke(app, [*args, "--seed-from", str(corpus_dir)])
    assert ok.exit_code == 0, ok.output
    # --urn limits the pages visited, never the seed: a cache holding only some councils'
    # reports would pass for the whole corpus (issue 18, item 1)
    assert "493 seeded" in ok.output and "0 requests" in ok.output
    missing = runner.invoke(app, [*args, "--seed-from", str(tmp_path / "nowhere")])
    assert missing.exit_code != 0 and "no manifest.csv" in missing.output
    unknown = runner.invoke(app, ["refresh", "--offline", "--urn", "999999"])
    assert unknown.exit_code != 0 and "unknown provider URN" in unknown.output


def test_unreachable_site_stops_early(tmp_path):
    dead = Settings(
        base_url="http://127.0.0.1:9",
        files_url="http://127.0.0.1:9",
        rate_limit=0,
        timeout=1.0,
        retries=1,
        backoff=0,
    )
    result = refresh(
        cache_dir=tmp_path / "cache",
        out_dir=tmp_path / "out",
        providers=PROVIDERS,
        settings=dead,
        extract=False,
    )
    assert result.aborted and result.pages_failed == 3 and result.requests == 6
    reasons = {(i["outcome"], i["reason"]) for i in issues(tmp_path)}
    assert reasons == {
        ("retried", "connection_error"),
        ("failed", "connection_error"),
        ("aborted", "site_unreachable"),
    }
