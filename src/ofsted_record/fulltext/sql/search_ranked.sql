-- The paragraphs search.sql finds (same parameters and filters), ordered by BM25 relevance of
-- $keywords (the phrase's words, stemmed by the fts index built in load_into) instead of by
-- date. Paragraphs the index scores NULL (not every word present) come last.
WITH hits AS (
    SELECT para_id, inspection_id, page, paragraph, text
    FROM report_paragraphs
    WHERE contains(text_lc, $needle) AND regexp_matches(text_lc, $pattern)
),
meta AS ({meta}),
scored AS (
    SELECT
        h.inspection_id,
        m.council,
        m.la_code,
        m.published_date,
        m.framework,
        m.overall_grade,
        h.page,
        h.paragraph,
        h.text,
        m.source_url,
        fts_main_report_paragraphs.match_bm25(h.para_id, $keywords) AS score
    FROM hits AS h
    LEFT JOIN meta AS m USING (inspection_id)
    WHERE ($la_code IS NULL OR m.la_code = $la_code)
      AND ($date_from IS NULL OR m.published_date >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR m.published_date <= CAST($date_to AS DATE))
      AND ($framework IS NULL OR starts_with(m.framework, $framework))
      AND ($grade IS NULL OR m.overall_grade = $grade)
)
SELECT *, count(*) OVER () AS total_hits
FROM scored
ORDER BY score DESC NULLS LAST, published_date DESC NULLS LAST, inspection_id, page, paragraph
LIMIT $lim
