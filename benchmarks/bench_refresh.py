"""Benchmark `refresh` against a local fake Ofsted site built from the whole shared corpus.

Prints: seeding time, a refresh that finds nothing new (target <= 2 s), the same with --verify
(re-hash every cached file and re-request every listed report), and a full download into an
empty cache (loopback, rate limit 0; every file streamed, size- and deadline-bounded and opened
with PDFium before it is kept), with the request counts, so the time at the polite 1 request/s
can be projected. The machine's load average is printed too: the figures are wall-clock.

    .venv/bin/python benchmarks/bench_refresh.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from ofsted_record import config
from ofsted_record.refresh.client import Settings
from ofsted_record.refresh.fakesite import FakeOfsted, FakeProvider
from ofsted_record.refresh.providers import load_providers
from ofsted_record.refresh.run import refresh


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    corpus = config.shared_path("ofsted-reports")
    providers = load_providers()
    urns = sorted({p.urn for p in providers})
    with FakeOfsted.from_corpus(corpus, urns, max_requests=10_000, lifetime=900) as site:
        for p in providers:  # councils with no report in the corpus get a page listing nothing
            site.providers.setdefault(p.urn, FakeProvider(p.urn, p.name))
        settings = Settings(base_url=site.url, files_url=site.url, rate_limit=0, backoff=0)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            common = dict(out_dir=root / "out", providers=providers, settings=settings)

            t = time.perf_counter()
            seeded = refresh(
                cache_dir=root / "cache", offline=True, seed_from=corpus, extract=False, **common
            )
            print(f"seed from corpus: {seeded.seeded} files in {time.perf_counter() - t:.2f} s")

            for label, verify in (("nothing new", False), ("nothing new --verify", True)):
                t = time.perf_counter()
                r = refresh(cache_dir=root / "cache", verify=verify, extract=False, **common)
                took = time.perf_counter() - t
                print(
                    f"refresh, {label}: {took:.2f} s, {r.requests} requests, "
                    f"{r.pages_fetched} pages, {len(r.downloaded)} downloaded"
                )

            t = time.perf_counter()
            full = refresh(cache_dir=root / "empty", extract=False, **common)
            took = time.perf_counter() - t
            size = sum(p.stat().st_size for p in (root / "empty").rglob("*.pdf"))
            print(
                f"full download into an empty cache: {len(full.downloaded)} files, "
                f"{size / 1e6:.0f} MB, {full.requests} requests in {took:.1f} s "
                f"(at 1 request/s: about {full.requests / 60:.0f} min)"
            )


if __name__ == "__main__":
    main()
