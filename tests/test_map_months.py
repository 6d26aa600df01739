"""The map page on any month: the per-month data (fast) and the time control in headless
Chromium (browser-marked).

The page is served on loopback as the site serves it (its own Vega bundle, the geometry in
``assets/geo``, the control's script and stylesheet from ``site/assets``), in a minimal shell
like ``test_hexmap_browser.py``. What the maps draw is read from each Vega view's scenegraph
(the items the renderer paints): every drawn council and its fill colour, compared with the
grades ``frames.standing_on`` gives for that month.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from ofsted_record.charts.palette import GRADE_COLOURS
from ofsted_record.headline import headline
from ofsted_record.site import assets, frames, maps
from ofsted_record.site.embed import chart_html
from ofsted_record.site.paths import runtime_path

SITE_ASSETS = Path(__file__).resolve().parents[1] / "site" / "assets"
# Before and after each reorganisation: Dorset, Bournemouth and Poole (April 2019),
# Northamptonshire (April 2021), Cumbria (April 2023); and two ordinary years.
MONTHS = ("2014-03", "2016-03", "2019-03", "2019-04", "2021-03", "2022-03", "2023-03", "2023-04")
BOURNEMOUTH, BCP, NORTHAMPTONSHIRE, NORTH_NORTHANTS = "837", "839", "928", "940"


@pytest.fixture(scope="module")
def status(con) -> pd.DataFrame:
    return maps.month_status(con)


@pytest.fixture(scope="module")
def payload(con, status) -> dict:
    return maps.month_payload(status, maps.council_slugs(con))


def _day(status: pd.DataFrame, month: str) -> dt.date:
    return dt.date.fromisoformat(status.loc[status["month"] == month, "as_at"].iloc[0])


# --- the per-month data -------------------------------------------------------------------


def test_every_month_from_november_2013_to_the_data_end(con, status) -> None:
    months = sorted(status["month"].unique())
    end = frames.data_end(con)
    assert months[0] == "2013-11" and months[-1] == f"{end:%Y-%m}"
    # no month missing: as many months as the calendar has between the two
    assert len(months) == (end.year - 2013) * 12 + end.month - 11 + 1
    # each month as at its last day, the last as at the data's end (never a later day)
    assert _day(status, "2016-02") == dt.date(2016, 2, 29)
    assert _day(status, months[-1]) == end


def test_one_row_per_council_per_month(status) -> None:
    assert not status.duplicated(["month", "la_code"]).any()
    sizes = status.groupby("month").size()
    assert sizes.min() >= 150 and sizes.max() <= 153


@pytest.mark.parametrize("month", [*MONTHS, "2013-11", "2026-03"])
def test_grades_equal_the_warehouse_standing(con, status, month: str) -> None:
    day = _day(status, month)
    expected = frames.standing_on(con, day).set_index("la_code")
    got = status[status["month"] == month].set_index("la_code")
    assert set(got.index) == set(expected.index)
    assert (got["grade"] == expected.loc[got.index, "grade"]).all()
    published = pd.to_datetime(expected.loc[got.index, "published_date"]).dt.strftime("%Y-%m-%d")
    assert (got["published_iso"].fillna("") == published.fillna("")).all()


def test_reorganisations_change_the_councils(status) -> None:
    def codes(month: str) -> set[str]:
        return set(status.loc[status["month"] == month, "la_code"])

    assert BOURNEMOUTH in codes("2019-03") and BOURNEMOUTH not in codes("2019-04")
    assert BCP in codes("2019-04") and BCP not in codes("2019-03")
    assert NORTHAMPTONSHIRE in codes("2021-03") and NORTHAMPTONSHIRE not in codes("2022-03")
    assert NORTH_NORTHANTS in codes("2022-03") and NORTH_NORTHANTS not in codes("2021-03")


def _rebuild(payload: dict, i: int) -> dict[str, tuple[str, str | None]]:
    """Month ``i`` from the compact payload, as the page's script rebuilds it."""
    out = {}
    for code, _name, _slug, changes in payload["councils"]:
        state = None
        for change in changes:
            if change[0] > i:
                break
            state = change
        if state and state[1] >= 0:
            out[code] = (payload["grades"][state[1]], state[2])
    return out


def test_the_compact_payload_gives_back_every_month(status, payload) -> None:
    assert payload["months"] == sorted(status["month"].unique())
    for i, month in enumerate(payload["months"]):
        part = status[status["month"] == month]
        expected = {r.la_code: (r.grade, r.published_iso) for r in part.itertuples(index=False)}
        assert _rebuild(payload, i) == expected, month
        counts = part["grade"].value_counts()
        assert payload["counts"][i] == [int(counts.get(g, 0)) for g in payload["grades"]] + [
            len(part)
        ]


@pytest.mark.parametrize("month", ["2016-03", "2019-04", "2023-04", "last"])
def test_counts_follow_the_headline_measure(con, status, payload, month: str) -> None:
    i = len(payload["months"]) - 1 if month == "last" else payload["months"].index(month)
    h = headline(con, _day(status, payload["months"][i]))
    row = payload["counts"][i]
    assert row[payload["grades"].index("inadequate")] == h.inadequate
    assert row[-1] == h.councils


def test_percent_rounds_halves_up() -> None:
    assert maps.percent(19, 152) == "13%"  # 12.5%
    assert maps.percent(0, 152) == "0%" and maps.percent(152, 152) == "100%"


def test_one_geometry_file_per_map_written_the_same_each_time(tmp_path) -> None:
    stale = tmp_path / maps.GEO_FOLDER / "utla_2014.topojson"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    first = {p.name: p.read_bytes() for p in maps.copy_geography(tmp_path)}
    assert sorted(first) == sorted(maps.geo_file(k) for k in maps.KINDS)
    assert not stale.exists()  # an earlier layout's file is not published unused
    again = {p.name: p.read_bytes() for p in maps.copy_geography(tmp_path)}
    assert again == first


# --- the page in Chromium -------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory, status, payload) -> Path:
    root = tmp_path_factory.mktemp("month-map")
    assets.write_bundle(root)
    assets.write_favicon(root)
    maps.copy_geography(root)
    for name in (Path(maps.SCRIPT).name, Path(maps.STYLE).name):
        shutil.copyfile(SITE_ASSETS / name, root / "assets" / name)
    fragments = [
        maps.month_control_html(payload),
        chart_html(maps.england_map(status, "hex"), "hex-map", raw_block=False),
        chart_html(maps.england_map(status, "boundaries"), "geo-map", raw_block=False),
        maps.month_script_html(),
    ]
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>maps</title><link rel="icon" href="favicon.png">'
        "<style>body{margin:0}figure{margin:0 0 1rem}.orc-chart{container-type:inline-size}"
        "main{max-width:800px;margin:0 auto;padding:0 12px}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip:rect(0 0 0 0)}</style>"
        f'<script type="module" src="{runtime_path(root).relative_to(root).as_posix()}">'
        "</script></head>"
        f"<body><main>{''.join(fragments)}</main></body></html>",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(chromium_path, chromium_args):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
        yield chromium
        chromium.close()


class Opened:
    """A page with its console errors and every URL it requested."""

    def __init__(self, browser, url: str, width: int) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, timeout=180000)
        self.page.wait_for_selector("#month-control[data-ready=true]", timeout=180000)

    def drawn(self, chart: str) -> dict[str, dict[str, str]]:
        """Every council the chart's view paints: ``{la_code: {fill, stroke}}``, read once
        the view has run every pending update."""
        return self.page.evaluate(DRAWN_JS, f"chart-{chart}")

    def move_to(self, index: int) -> None:
        """Drag the slider: set its value and fire ``input``, as a pointer does."""
        self.page.eval_on_selector(
            "#month-slider",
            "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input')); }",
            index,
        )


DRAWN_JS = """
async id => {
  // a map below the first is drawn only when the reader scrolls near it
  document.getElementById(id).scrollIntoView();
  const view = await document.getElementById(id).orcEmbed.then(r => r.view);
  await view.runAsync();
  const out = {};
  const walk = node => {
    for (const item of node.items || []) {
      if (node.marktype === 'shape') {
        out[item.datum.properties.la_code] = {fill: item.fill, stroke: item.stroke};
      }
      walk(item);
    }
  };
  walk(view.scenegraph().root);
  return out;
}
"""


def _expected_fills(con, status: pd.DataFrame, month: str) -> dict[str, str]:
    table = frames.standing_on(con, _day(status, month))
    return {r.la_code: GRADE_COLOURS[r.grade].lower() for r in table.itertuples(index=False)}


def _fills(drawn: dict[str, dict[str, str]]) -> dict[str, str]:
    return {code: d["fill"].lower() for code, d in drawn.items()}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_moving_the_control_draws_the_warehouse_grades(
    browser, server, con, status, payload, width: int
) -> None:
    opened = Opened(browser, server, width)
    for month in MONTHS:
        opened.move_to(payload["months"].index(month))
        expected = _expected_fills(con, status, month)
        for chart in ("hex-map", "geo-map"):
            assert _fills(opened.drawn(chart)) == expected, (month, chart)
        assert opened.page.get_attribute("#month-slider", "aria-valuetext") == (
            maps.month_text(month)
        )
    # reorganisations, named: drawn before, gone after (and their successors the reverse)
    opened.move_to(payload["months"].index("2019-03"))
    before = opened.drawn("geo-map")
    opened.move_to(payload["months"].index("2019-04"))
    after = opened.drawn("geo-map")
    assert BOURNEMOUTH in before and BOURNEMOUTH not in after
    assert BCP in after and BCP not in before
    assert not opened.errors


@pytest.mark.browser
@pytest.mark.slow
def test_the_month_in_the_address_restores_and_follows(
    browser, server, con, status, payload
) -> None:
    opened = Opened(browser, server + "?month=2021-03", 1280)
    i = payload["months"].index("2021-03")
    assert opened.page.input_value("#month-slider") == str(i)
    assert opened.page.text_content(".orc-month-now") == "March 2021"
    assert _fills(opened.drawn("hex-map")) == _expected_fills(con, status, "2021-03")
    assert NORTHAMPTONSHIRE in opened.drawn("geo-map")
    opened.move_to(payload["months"].index("2022-03"))
    assert opened.page.url.endswith("?month=2022-03")
    drawn = opened.drawn("geo-map")
    assert NORTH_NORTHANTS in drawn and NORTHAMPTONSHIRE not in drawn
    # a month outside the record shows the latest
    other = Opened(browser, server + "?month=1999-01", 1280)
    assert other.page.input_value("#month-slider") == str(len(payload["months"]) - 1)
    assert not opened.errors and not other.errors


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_keyboard_alone_works_the_control(browser, server, payload, width: int) -> None:
    opened = Opened(browser, server + "?month=2016-03", width)
    page = opened.page
    i = payload["months"].index("2016-03")
    page.focus("#month-slider")
    page.keyboard.press("ArrowRight")
    assert page.input_value("#month-slider") == str(i + 1)
    assert page.get_attribute("#month-slider", "aria-valuetext") == "April 2016"
    assert page.text_content("#month-announce") == "Maps show April 2016"
    assert page.url.endswith("?month=2016-04")
    # back to the buttons with Shift+Tab: Next, Play, Previous
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Next month"
    page.keyboard.press("Enter")
    assert page.input_value("#month-slider") == str(i + 2)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Previous month"
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert page.input_value("#month-slider") == str(i)
    page.keyboard.press("Tab")  # Play
    page.keyboard.press("Enter")
    assert page.get_attribute(".orc-month-play", "aria-pressed") == "true"
    page.wait_for_function(f"document.getElementById('month-slider').value > {i + 1}")
    page.keyboard.press("Space")
    assert page.get_attribute(".orc-month-play", "aria-pressed") == "false"
    stopped = page.input_value("#month-slider")
    page.wait_for_timeout(1200)
    assert page.input_value("#month-slider") == stopped
    assert not opened.errors


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_counts_beside_the_maps_match_the_warehouse(
    browser, server, con, status, payload, width: int
) -> None:
    opened = Opened(browser, server, width)
    for month in ("2016-03", "2019-04", payload["months"][-1]):
        opened.move_to(payload["months"].index(month))
        h = headline(con, _day(status, month))
        rows = opened.page.eval_on_selector_all(
            ".orc-month-counts tbody tr",
            "rows => rows.map(r => [r.querySelector('th').textContent,"
            " ...[...r.querySelectorAll('td')].map(c => c.textContent)])",
        )
        by_label = {label: (int(n), share) for label, n, share in rows}
        assert by_label["Inadequate"][0] == h.inadequate
        assert opened.page.text_content(".orc-month-counts tfoot td") == str(h.councils)
        table = frames.standing_on(con, _day(status, month))
        for label, (n, share) in by_label.items():
            assert n == int((table["grade_label"] == label).sum()), (month, label)
            assert share == maps.percent(n, len(table))
        assert maps.month_text(month) in opened.page.text_content(".orc-month-counts caption")
    assert not opened.errors


@pytest.mark.browser
@pytest.mark.slow
def test_a_council_picked_by_name_shows_its_history_and_is_outlined(
    browser, server, payload
) -> None:
    opened = Opened(browser, server + "?month=2018-06", 390)
    code, name, slug, changes = next(c for c in payload["councils"] if c[0] == BOURNEMOUTH)
    opened.page.fill("#council-pick", name)
    history = opened.page.text_content("#council-history")
    reports = sorted({c[2] for c in changes if c[2]})
    assert reports
    for iso in reports:  # every report date written as people write it
        assert maps.day_month_year(iso) in history
    assert "From April 2019: no longer a council" in history
    assert not re.search(r"\d{4}-\d{2}-\d{2}", history)
    href = opened.page.get_attribute("#council-history a", "href")
    assert href == f"councils/{slug}.html"
    drawn = opened.drawn("hex-map")
    assert drawn[code]["stroke"] == "#000000"
    assert {d["stroke"] for c, d in drawn.items() if c != code} == {"#ffffff"}
    assert not opened.errors


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_no_request_leaves_loopback_and_no_console_error(browser, server, width: int) -> None:
    opened = Opened(browser, server + "?month=2019-04", width)
    opened.page.wait_for_load_state("networkidle")
    hosts = {urlparse(u).hostname for u in opened.requests if not u.startswith("data:")}
    assert hosts == {"127.0.0.1"}

    # one geometry file per map, whatever the month; the boundary map's only once the reader
    # comes near it (it is drawn then)
    def geo() -> list[str]:
        return sorted(u.rsplit("/", 1)[1] for u in opened.requests if "/assets/geo/" in u)

    assert maps.geo_file("hex") in geo()
    assert set(geo()) <= {maps.geo_file(k) for k in maps.KINDS}
    opened.drawn("geo-map")
    opened.page.wait_for_load_state("networkidle")
    assert geo() == sorted(maps.geo_file(k) for k in maps.KINDS)
    assert not opened.errors
    # nothing wider than the screen
    assert opened.page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture(scope="module")
def map_embeds(tmp_path_factory, con):
    """The two map embeds, built as ``ofsted-record embeds`` builds them, served on loopback."""
    from ofsted_record.charts.catalogue import by_slug
    from ofsted_record.embeds.build import build

    root = tmp_path_factory.mktemp("map-embeds")
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    report = build(con, root, entries=[by_slug("map"), by_slug("hex-map")], site_url=url)
    assert not report.failed, report.failed
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("slug", ["map", "hex-map"])
def test_map_embeds_read_the_month_from_their_address(browser, map_embeds, slug: str) -> None:
    """An embed shows a year (each council on 31 March): the last 31 March on or before the
    month's end; a month outside the record is the nearest year it has."""
    errors: list[str] = []
    for month, year in (
        ("2016-03", "2016"),
        ("2016-02", "2015"),
        ("2021-11", "2021"),
        ("2009-05", "2014"),
        ("", None),
    ):
        page = browser.new_page(viewport={"width": 600, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        query = f"?month={month}" if month else ""
        page.goto(f"{map_embeds}/embeds/{slug}/index.html{query}", timeout=180000)
        page.wait_for_selector("#chart svg .role-mark path", timeout=180000)
        slider = page.locator("#chart input[type=range]")
        expected = year or slider.get_attribute("max")  # no month: the latest year
        page.wait_for_function(
            "y => document.querySelector('#chart input[type=range]').value === y", arg=expected
        )
        page.close()
    assert not errors
