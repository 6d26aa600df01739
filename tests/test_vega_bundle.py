"""The vendored Vega library (``embeds/static/vega-bundle.js``): the Vega that vl-convert
compiles the specs for, byte for byte what ``make vega-bundle`` builds from npm."""

from __future__ import annotations

import shutil

import pytest

from ofsted_record.embeds import runtime


def test_vendored_bundle_is_the_vega_the_specs_are_compiled_for():
    text = runtime.vega_bundle()
    assert text.startswith(f"/*! vega@{runtime.vega_version()} + ")
    # Vega alone: no Vega-Lite compiler, no vega-embed (the point of compiling at build time)
    assert "vega-lite" not in text[:2000].lower() and "vegaEmbed" not in text
    assert "expressionInterpreter" in text  # the embeds' CSP-safe expressions


def test_a_wrong_vendored_version_is_refused(monkeypatch):
    monkeypatch.setattr(runtime, "vega_version", lambda: "0.0.1")
    with pytest.raises(
        RuntimeError, match=r"vega-bundle\.js.*compiled for vega 0\.0\.1.*make vega-bundle"
    ):
        runtime.vega_bundle()


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed: cannot rebuild")
def test_vendored_bundle_matches_a_rebuild_from_npm():
    assert runtime.build_vega_bundle() == runtime.vega_bundle()
