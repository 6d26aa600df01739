"""The headline number is defined once (ofsted_record.headline) and every place that quotes it
gives the same value: the story, the national chart's alt text and the maps' alt text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ofsted_record.config import processed_dir
from ofsted_record.headline import headline


def test_headline_is_as_at_the_last_date_in_the_data_and_never_after(con) -> None:
    h = headline(con)
    published = pd.read_csv(processed_dir() / "inspections.csv", dtype=str)["published_date"]
    assert h.as_at == dt.date.fromisoformat(published.max())
    with pytest.raises(ValueError, match="the data end on"):
        headline(con, h.as_at + dt.timedelta(days=1))
    # an earlier date is allowed, and the denominator is every council in being then
    before = headline(con, dt.date(2019, 3, 31))
    assert before.councils == 152 and 0 < before.inadequate < before.councils
    assert h.councils == 153 and 0 < h.inadequate < h.councils
    assert h.sentence().startswith(f"On {h.as_at.day} {h.as_at:%B %Y}, {h.inadequate} of 153")


def test_story_and_alt_texts_quote_the_same_headline(con) -> None:
    from ofsted_record.charts.catalogue import by_slug
    from ofsted_record.site import maps, story

    h = headline(con)
    facts = story.facts(con)
    assert (facts["n_inadequate"], facts["n_councils"]) == (h.inadequate, h.councils)
    assert facts["data_end"] == h.as_at and facts["share_inadequate_text"] == h.percent

    _, national = by_slug("national-grades").build(con)
    assert (
        f"{h.percent} of {h.councils} councils were judged inadequate"
        in (national.to_dict()["description"])
    )
    status = maps.map_status(con)
    for kind in ("hex", "boundaries"):
        text = maps.england_map(status, kind).to_dict()["description"]
        assert f"On {h.date_text}, {h.inadequate} of {h.councils} councils ({h.percent})" in text


def test_readme_findings_quote_the_same_headline(con) -> None:
    from ofsted_record import findings

    h = headline(con)
    expected = f"**Headline:** {h.sentence()}"
    assert expected in findings.findings_markdown(con)
    assert expected in (processed_dir().parents[1] / "README.md").read_text(encoding="utf-8")
