-- Paragraphs containing a phrase. $1: the normalised lower-case phrase (a plain substring
-- test: no wildcards, so nothing in it needs escaping); $2: the same phrase as an RE2 pattern
-- with word boundaries (built by escaping every ASCII punctuation character); $3: row limit.
-- The meta placeholder below is replaced by meta_files.sql or meta_warehouse.sql (never user input).
WITH hits AS (
    SELECT para_id, inspection_id, page, paragraph, text
    FROM report_paragraphs
    WHERE contains(text_lc, $1) AND regexp_matches(text_lc, $2)
),
meta AS ({meta})
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
    count(*) OVER () AS total_hits
FROM hits AS h
LEFT JOIN meta AS m USING (inspection_id)
ORDER BY m.published_date DESC NULLS LAST, h.inspection_id, h.page, h.paragraph
LIMIT $3
