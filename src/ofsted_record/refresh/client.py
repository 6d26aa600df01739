"""A polite, patient HTTP client for Ofsted's report site.

httpx with explicit timeouts; tenacity retries with exponential backoff on timeouts, connection
errors, 5xx/429 and truncated bodies; a minimum interval between requests (default 1 s against
the real site); a User-Agent naming the project. Every failed attempt is recorded as an
``Issue`` so a run leaves a trail of what went wrong and what was retried.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import tenacity

from ofsted_record import __version__ as _version

DEFAULT_BASE_URL = "https://reports.ofsted.gov.uk"
DEFAULT_FILES_URL = "https://files.ofsted.gov.uk"
USER_AGENT = (
    f"ofsted-record/{_version} (refresh of the public record of Ofsted children's services "
    "judgements; polite: one request at a time, >= 1 s apart)"
)
PDF_MAGIC = b"%PDF-"
EOF_WINDOW = (
    2048  # '%%EOF' must appear in the last bytes (every corpus PDF has it in the last 1024)
)
TEMP_PREFIX = ".refresh-"
TEMP_SUFFIX = ".part"
# the last cross-reference pointer before %%EOF; a body cut short and ending in a stray %%EOF
# has none (or one pointing past the end), which PDFium alone does not always notice
STARTXREF_RE = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
XREF_TARGET_RE = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)")
LINEARIZED_LENGTH_RE = re.compile(rb"/Linearized\s+[\d.]+.{0,200}?/L\s+(\d+)", re.S)


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    files_url: str = DEFAULT_FILES_URL
    rate_limit: float = 1.0  # minimum seconds between the starts of two requests
    timeout: float = 30.0
    retries: int = 3  # extra attempts after the first
    backoff: float = 1.0  # first wait between attempts; doubles each time (capped at 60 s)
    user_agent: str = USER_AGENT
    # a whole download must finish within this many seconds (a body trickling in a byte at a
    # time never trips the per-read timeout); checked between chunks, so it can overrun by at
    # most one read timeout
    deadline: float = 300.0
    max_bytes: int = 50_000_000  # the largest report in the corpus is under 1 MB


@dataclass(frozen=True)
class Issue:
    """One thing that went wrong: a failed attempt (retried) or a final failure."""

    provider_urn: str
    url: str
    attempt: int
    outcome: str  # retried | failed | rejected | duplicate | seed_skipped | cache_repaired ...
    reason: str  # timeout | http_503 | connection_error | truncated | missing_eof | not_pdf ...
    detail: str


class FetchError(Exception):
    """A request that did not give a usable response."""

    def __init__(self, reason: str, detail: str, transient: bool) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.transient = transient


@dataclass(frozen=True)
class Downloaded:
    tmp_path: Path  # complete, verified file in the destination folder (caller renames it)
    sha256: str
    bytes: int


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_mode(path: Path) -> None:
    """mkstemp creates 0600; a stored report gets the mode any new file would (0644 under the
    usual umask 022), like the project's other outputs."""
    os.chmod(path, 0o666 & ~_umask())


@dataclass
class OfstedClient:
    settings: Settings
    issues: list[Issue] = field(default_factory=list)
    # injected in tests so politeness and deadlines are checked without wall-clock timing
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    request_times: list[float] = field(default_factory=list)  # clock() at each request start

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": self.settings.user_agent},
            follow_redirects=True,
        )
        self._last_start: float | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OfstedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- URLs ---------------------------------------------------------------------------
    def provider_url(self, urn: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}/provider/44/{urn}"

    def file_url(self, file_id: str) -> str:
        return f"{self.settings.files_url.rstrip('/')}/v1/file/{file_id}"

    # -- politeness -----------------------------------------------------------------------
    def _throttle(self) -> None:
        with self._lock:
            if self._last_start is not None and self.settings.rate_limit > 0:
                wait = self._last_start + self.settings.rate_limit - self.clock()
                if wait > 0:
                    self.sleep(wait)
            self._last_start = self.clock()
            self.request_times.append(self._last_start)
            self.requests += 1

    # -- retry loop -----------------------------------------------------------------------
    def _with_retries(self, urn: str, url: str, attempt_fn: Callable[[], object]) -> object:
        attempts = self.settings.retries + 1
        counter = {"n": 0}

        def one() -> object:
            counter["n"] += 1
            try:
                return attempt_fn()
            except FetchError as exc:
                last = counter["n"] >= attempts or not exc.transient
                outcome = ("failed" if exc.transient else "rejected") if last else "retried"
                self.issues.append(Issue(urn, url, counter["n"], outcome, exc.reason, exc.detail))
                raise

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(attempts),
            wait=tenacity.wait_exponential(multiplier=self.settings.backoff, max=60)
            if self.settings.backoff > 0
            else tenacity.wait_none(),
            retry=tenacity.retry_if_exception(lambda e: isinstance(e, FetchError) and e.transient),
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(one)

    # -- requests -------------------------------------------------------------------------
    def get_page(self, urn: str) -> str:
        """The provider page's HTML; raises FetchError after the retries are spent."""
        url = self.provider_url(urn)

        def attempt() -> str:
            self._throttle()
            try:
                response = self._http.get(url)
            except httpx.HTTPError as exc:
                raise _transport_error(exc) from exc
            _check_status(response)
            return response.text

        return self._with_retries(urn, url, attempt)  # type: ignore[return-value]

    def download(self, urn: str, url: str, dest_dir: Path) -> Downloaded:
        """Stream ``url`` into a temp file in ``dest_dir`` and verify it is a whole PDF.

        Checks: status; first bytes ``%PDF-`` (Ofsted sometimes serves an HTML page with 200);
        at most ``max_bytes`` (announced or received) within ``deadline`` seconds; byte count
        equals Content-Length; ``%%EOF`` near the end; and the file really opens as a PDF
        (see ``check_pdf``). A failed check deletes the temp file; nothing partial survives.
        """
        dest_dir.mkdir(parents=True, exist_ok=True)
        limit = self.settings.max_bytes

        def attempt() -> Downloaded:
            self._throttle()
            started = self.clock()
            fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
            tmp = Path(tmp_name)
            try:
                digest = hashlib.sha256()
                size = 0
                head = b""
                tail = b""
                with os.fdopen(fd, "wb") as handle:
                    try:
                        with self._http.stream("GET", url) as response:
                            _check_status(response)
                            expected = _content_length(response)
                            if expected is not None and expected > limit:
                                raise FetchError(
                                    "too_large", f"Content-Length {expected} > {limit} bytes", False
                                )
                            content_type = response.headers.get("content-type", "")
                            # chunks as they arrive (a chunk size would buffer a trickle
                            # out of sight of the deadline check)
                            for chunk in response.iter_bytes():
                                if len(head) < len(PDF_MAGIC):
                                    head = (head + chunk)[:16]
                                    if len(head) >= len(PDF_MAGIC) and not head.startswith(
                                        PDF_MAGIC
                                    ):
                                        raise FetchError(
                                            "not_pdf",
                                            f"body starts {head[:16]!r} "
                                            f"(content-type {content_type or 'none'})",
                                            transient=False,
                                        )
                                size += len(chunk)
                                if size > limit:
                                    raise FetchError(
                                        "too_large", f"body passed {limit} bytes", False
                                    )
                                handle.write(chunk)
                                digest.update(chunk)
                                tail = (tail + chunk)[-EOF_WINDOW:]
                                if self.clock() - started > self.settings.deadline:
                                    raise FetchError(
                                        "deadline",
                                        f"{size} bytes after {self.settings.deadline:g} s",
                                        transient=True,
                                    )
                    except httpx.HTTPError as exc:
                        raise _transport_error(exc) from exc
                if not head.startswith(PDF_MAGIC):
                    raise FetchError("not_pdf", f"body of {size} bytes is not a PDF", False)
                if expected is not None and size != expected:
                    raise FetchError(
                        "truncated", f"got {size} bytes, Content-Length {expected}", True
                    )
                if b"%%EOF" not in tail:
                    raise FetchError(
                        "missing_eof", f"no %%EOF in the last {EOF_WINDOW} of {size} bytes", True
                    )
                check_pdf(tmp, size)
                publish_mode(tmp)
                return Downloaded(tmp, digest.hexdigest(), size)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise

        return self._with_retries(urn, url, attempt)  # type: ignore[return-value]


def check_pdf(path: Path, size: int) -> None:
    """Raise ``FetchError('unreadable_pdf')`` unless ``path`` is a whole PDF.

    Three checks, all cheap: the last ``startxref`` before ``%%EOF`` points at a
    cross-reference table or stream inside the file (a body cut short and ending in a stray
    ``%%EOF`` has no such pointer; every corpus report has one); a linearized file's declared
    length (``/L``) equals its size; and PDFium opens it with at least one page.
    """
    import pypdfium2 as pdfium

    with path.open("rb") as handle:
        first = handle.read(1024)
        handle.seek(max(0, size - EOF_WINDOW))
        tail = handle.read()
        pointers = list(STARTXREF_RE.finditer(tail))
        if not pointers:
            raise FetchError("unreadable_pdf", "no startxref before %%EOF: body cut short", True)
        offset = int(pointers[-1].group(1))
        if offset >= size:
            raise FetchError("unreadable_pdf", f"startxref {offset} is past the end", True)
        handle.seek(offset)
        if not XREF_TARGET_RE.match(handle.read(64)):
            raise FetchError("unreadable_pdf", f"startxref {offset} points at no xref", True)
    linearized = LINEARIZED_LENGTH_RE.search(first)
    if linearized and int(linearized.group(1)) != size:
        raise FetchError(
            "unreadable_pdf", f"linearized length {linearized.group(1)}, got {size} bytes", True
        )
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise FetchError("unreadable_pdf", f"PDFium: {exc}", True) from exc
    try:
        if len(document) < 1:
            raise FetchError("unreadable_pdf", "PDF has no pages", True)
    finally:
        document.close()


def _content_length(response: httpx.Response) -> int | None:
    encoding = response.headers.get("content-encoding", "identity").lower()
    value = response.headers.get("content-length")
    if value is None or encoding not in ("", "identity"):
        return None  # compressed bodies: the header counts compressed bytes
    try:
        return int(value)
    except ValueError:
        return None


def _check_status(response: httpx.Response) -> None:
    code = response.status_code
    if code < 400:
        return
    transient = code >= 500 or code in (408, 425, 429)
    raise FetchError(f"http_{code}", f"{response.request.method} {response.url}", transient)


def _transport_error(exc: httpx.HTTPError) -> FetchError:
    if isinstance(exc, httpx.TimeoutException):
        return FetchError("timeout", f"{type(exc).__name__}: {exc}", transient=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        # the server closed the connection before the whole body (Content-Length) arrived
        return FetchError("truncated", str(exc), transient=True)
    return FetchError("connection_error", f"{type(exc).__name__}: {exc}", transient=True)
