"""A fake Ofsted report site on 127.0.0.1, for tests and the benchmark (never the real site).

Provider pages (``/provider/44/<urn>``) are rendered in the structure the real site uses (see
``tests/fixtures/refresh/provider_page.html``) from a corpus folder's ``manifest.csv``; files
(``/v1/file/<id>``) are served from the corpus bytes. Faults can be queued per path: each
request to that path consumes the next fault, then the path behaves normally again.

Faults: ``slow`` (sleep ``slow_seconds`` before answering, beyond the client timeout),
``500``/``503``, ``404``, ``truncate`` (send half the body then close, Content-Length says the
whole), ``truncate_eof`` (half the body with a matching Content-Length: only the missing
``%%EOF`` shows it), ``html`` (an HTML error page with status 200), ``blank`` (a provider page listing nothing).
Hostile faults (issue 18): ``trickle`` (the right Content-Length, then one byte every
``trickle_interval`` seconds for up to ``trickle_seconds``), ``endless`` (``%PDF-`` then zeros
with no Content-Length, up to ``endless_bytes``), ``cut_eof`` (half the body plus a stray
``%%EOF``, no Content-Length: only opening the PDF shows it). Hostile page text (``..`` in the
heading, over-long or dot-first titles) comes from the provider's ``name`` and each report's
``nonvisual`` text, which are served as given.
The server answers at most ``max_requests`` requests and shuts itself down after ``lifetime``
seconds, so a broken test can never leave it running.
"""

from __future__ import annotations

import contextlib
import csv
import html
import re
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath

from ofsted_record.refresh.discover import file_id

ERROR_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en">\n<head><title>Find an inspection report</title></head>\n'
    b"<body><h1>Sorry, there is a problem with the service</h1></body></html>\n"
)
DATE_IN_NAME = re.compile(r" - (\d{1,2} [a-z]+ \d{4})\.pdf$")


@dataclass
class FakeReport:
    file_id: str
    nonvisual: str  # "Children's services inspection, pdf - 19 November 2021"
    published: str  # "19 November 2021"
    body: bytes


@dataclass
class FakeProvider:
    urn: str
    name: str
    reports: list[FakeReport] = field(default_factory=list)
    extra_html: str = ""  # other publications (focused visits...) the parser must skip


def nonvisual_from_filename(name: str) -> tuple[str, str]:
    """Invert the scrape tool's naming: 'x - 19 november 2021.pdf' → ('X, pdf - 19 November 2021')."""
    stem = name[: -len(".pdf")]
    head, _, day = stem.rpartition(" - ")
    published = " ".join(w.capitalize() if w.isalpha() else w for w in day.split())
    title = head[:1].upper() + head[1:]
    if not re.search(r"pdf$", title):
        title = f"{title}, pdf"
    return f"{title} - {published}", published


def render_provider_page(provider: FakeProvider, files_base: str) -> str:
    days = []
    for r in provider.reports:
        iso = datetime.strptime(r.published, "%d %B %Y").date().isoformat()
        label = html.escape(r.nonvisual.split(",")[0].split(" - ")[0])
        days.append(
            f"""      <li class="timeline__day">
        <p class="timeline__date"><time datetime="{iso}">{html.escape(r.published)}</time></p>
        <ul class="event-list">
          <li class="event-list__item">
            <div class="event">
              <a class="publication-link" href="{files_base}/v1/file/{r.file_id}" target="_blank">
                <span class="event__title heading--sub">{label}<span class="nonvisual">{html.escape(r.nonvisual)}</span></span>
                <span class="event__subtitle">PDF</span>
              </a>
            </div>
          </li>
        </ul>
      </li>"""
        )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{html.escape(provider.name)} - Ofsted</title></head>
<body>
  <header><a href="/">Ofsted reports</a> <a href="/search?q=">Search</a></header>
  <main id="main">
    <h1 class="heading--title">{html.escape(provider.name)}</h1>
    <ul class="info-list"><li>URN: <strong>{provider.urn}</strong></li>
      <li>Provider type: Local authority children's services</li></ul>
    <h2>Reports</h2>
    <ol class="timeline">
{provider.extra_html}
{chr(10).join(days)}
    </ol>
  </main>
</body>
</html>
"""


@dataclass
class FakeOfsted:
    providers: dict[str, FakeProvider]
    slow_seconds: float = 0.5
    trickle_interval: float = 0.2
    trickle_seconds: float = 6.0
    endless_bytes: int = 64 << 20
    max_requests: int = 2000
    lifetime: float = 120.0
    faults: dict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    log: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @classmethod
    def from_corpus(cls, corpus: Path, urns: list[str], **kwargs: object) -> FakeOfsted:
        providers: dict[str, FakeProvider] = {}
        with (corpus / "manifest.csv").open(newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["provider_urn"] in urns]
        for r in sorted(rows, key=lambda r: r["path"]):
            folder, name = PurePosixPath(r["path"]).parts
            p = providers.setdefault(
                r["provider_urn"], FakeProvider(r["provider_urn"], folder.split("_", 1)[1].title())
            )
            nonvisual, published = nonvisual_from_filename(name)
            fid = file_id(r["source_url"])
            assert fid is not None
            p.reports.append(
                FakeReport(fid, nonvisual, published, (corpus / r["path"]).read_bytes())
            )
        for p in providers.values():  # newest first, like the real timeline
            p.reports.sort(key=lambda r: datetime.strptime(r.published, "%d %B %Y"), reverse=True)
        return cls(providers, **kwargs)  # type: ignore[arg-type]

    # -- control --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fault(self, path: str, *kinds: str) -> None:
        self.faults[path].extend(kinds)

    def requests_to(self, prefix: str) -> int:
        return sum(1 for p in self.log if p.startswith(prefix))

    def file(self, fid: str) -> FakeReport:
        for p in self.providers.values():
            for r in p.reports:
                if r.file_id == fid:
                    return r
        raise KeyError(fid)

    def __enter__(self) -> FakeOfsted:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def setup(self) -> None:
                super().setup()
                # headers and body go out in two writes: without this, Nagle + delayed ACK
                # add ~40 ms to every keep-alive request
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:  # noqa: N802 (http.server's API)
                site.log.append(self.path)
                site.agents.append(self.headers.get("User-Agent", ""))
                site.times.append(time.monotonic())
                if len(site.log) > site.max_requests:
                    self._send(503, b"request budget spent", "text/plain")
                    return
                fault = site.faults[self.path].popleft() if site.faults[self.path] else None
                if fault == "slow":
                    time.sleep(site.slow_seconds)
                    fault = None
                if fault and fault.isdigit():
                    self._send(int(fault), b"error", "text/plain")
                    return
                if fault == "html":
                    self._send(200, ERROR_PAGE, "text/html; charset=utf-8")
                    return
                if fault == "blank":  # a page with no publications (layout change, outage page)
                    self._send(200, b"<html><body><h1>Ofsted</h1></body></html>", "text/html")
                    return
                match = re.fullmatch(r"/provider/44/(\d+)", self.path)
                if match and match.group(1) in site.providers:
                    page = render_provider_page(site.providers[match.group(1)], site.url)
                    self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
                    return
                match = re.fullmatch(r"/v1/file/(\d+)", self.path)
                if match:
                    try:
                        body = site.file(match.group(1)).body
                    except KeyError:
                        self._send(404, b"not found", "text/plain")
                        return
                    if fault == "truncate":
                        self._send(200, body[: len(body) // 2], "application/pdf", len(body))
                        self.close_connection = True
                    elif fault == "truncate_eof":
                        self._send(200, body[: len(body) // 2], "application/pdf")
                    elif fault == "cut_eof":
                        self._send_until_close([body[: len(body) // 2], b"\n%%EOF\n"])
                    elif fault == "trickle":
                        self._trickle(body)
                    elif fault == "endless":
                        zeros = bytes(1 << 16)
                        chunks = (b"%PDF-1.7\n" if i == 0 else zeros for i in range(10**9))
                        self._send_until_close(chunks, site.endless_bytes)
                    else:
                        self._send(200, body, "application/pdf")
                    return
                self._send(404, b"not found", "text/plain")

            def _send_until_close(self, chunks: Iterable[bytes], limit: int | None = None) -> None:
                """A body with no Content-Length: it ends when the connection closes."""
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                sent = 0
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                        if limit is not None and sent >= limit:
                            break

            def _trickle(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                stop = time.monotonic() + site.trickle_seconds
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for i in range(len(body)):
                        if time.monotonic() > stop:
                            break
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(site.trickle_interval)

            def _send(self, code: int, body: bytes, ctype: str, length: int | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                if length is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        self._timer = threading.Timer(self.lifetime, self._server.shutdown)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
