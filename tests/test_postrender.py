"""The Quarto post-render step (ofsted_record.site.postrender) on pages shaped like Quarto 1.7's
output; tests/test_rendered_site.py checks every page of the real render."""

from __future__ import annotations

from pathlib import Path

from ofsted_record.site.postrender import blocking_head_scripts, defer_head_scripts, main

# The head Quarto 1.7.34 wrote for the map page (trimmed), and a body script that must stay.
PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<script src="../site_libs/quarto-nav/quarto-nav.js"></script>
<script src="../site_libs/quarto-nav/headroom.min.js"></script>
<script src="../site_libs/quarto-search/autocomplete.umd.js"></script>
<meta name="quarto:offset" content="../">
<script src="../site_libs/quarto-html/quarto.js" type="module"></script>
<script src="../site_libs/bootstrap/bootstrap.min.js"></script>
<link href="../site_libs/bootstrap/bootstrap-icons.css" rel="stylesheet">
<script id="quarto-search-options" type="application/json">{"type": "overlay"}</script>
<script type="module" src="embeds/lib/vega-bundle.js"></script>
<script async src="../site_libs/other/async.js"></script>
</head>
<body><script src="../site_libs/in-body.js"></script></body></html>
"""


def test_head_library_scripts_are_deferred_in_order():
    assert blocking_head_scripts(PAGE) == [
        "../site_libs/quarto-nav/quarto-nav.js",
        "../site_libs/quarto-nav/headroom.min.js",
        "../site_libs/quarto-search/autocomplete.umd.js",
        "../site_libs/bootstrap/bootstrap.min.js",
    ]
    out = defer_head_scripts(PAGE)
    assert blocking_head_scripts(out) == []
    head, body = out.split("</head>")
    assert head.count(" defer>") == 4
    # order kept, nothing else touched: modules, async, inline JSON, the body
    assert [line for line in head.splitlines() if "<script" in line] == [
        '<script src="../site_libs/quarto-nav/quarto-nav.js" defer></script>',
        '<script src="../site_libs/quarto-nav/headroom.min.js" defer></script>',
        '<script src="../site_libs/quarto-search/autocomplete.umd.js" defer></script>',
        '<script src="../site_libs/quarto-html/quarto.js" type="module"></script>',
        '<script src="../site_libs/bootstrap/bootstrap.min.js" defer></script>',
        '<script id="quarto-search-options" type="application/json">{"type": "overlay"}</script>',
        '<script type="module" src="embeds/lib/vega-bundle.js"></script>',
        '<script async src="../site_libs/other/async.js"></script>',
    ]
    assert body == PAGE.split("</head>")[1]


def test_rewrite_is_idempotent_and_leaves_fragments_alone():
    once = defer_head_scripts(PAGE)
    assert defer_head_scripts(once) == once
    fragment = '<div id="c"></div><script src="../site_libs/x.js"></script>'
    assert defer_head_scripts(fragment) == fragment
    assert blocking_head_scripts(fragment) == []


def test_only_the_listed_pages_are_rewritten_and_a_bad_page_is_named(
    tmp_path: Path, monkeypatch, capsys
):
    site = tmp_path / "_site"
    site.mkdir()
    (site / "a.html").write_text(PAGE, encoding="utf-8")
    (site / "b.html").write_text(PAGE, encoding="utf-8")
    (site / "bad.html").write_bytes(b"<head>\xff\xfe</head>")
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_FILES", "_site/bad.html\n_site/a.html\n_site/x.css")
    assert main(tmp_path) == 0
    assert blocking_head_scripts((site / "a.html").read_text(encoding="utf-8")) == []
    assert (site / "b.html").read_text(encoding="utf-8") == PAGE  # not in this render
    out = capsys.readouterr().out
    assert "could not rewrite" in out and "bad.html" in out
    assert "in 1 page(s)" in out
