-- Paragraphs containing a phrase, as whole words, newest reports first. Named parameters:
-- $needle: the longest literal run of the normalised lower-case phrase (a plain substring test
-- that narrows cheaply: no wildcards, so nothing in it needs escaping); $pattern: the phrase as
-- an RE2 pattern with word boundaries (every ASCII punctuation character escaped); $lim: row
-- limit. Filters, each NULL for "any":
-- $la_code, $date_from/$date_to (publication date, inclusive), $framework (a code or the start
-- of one), $grade (overall grade).
-- Placeholders in braces are filled from code, never from user input: meta by meta_files.sql
-- or meta_warehouse.sql; for a ranked search (store.RANKED_SCORE / RANKED_ORDER) score adds the
-- BM25 relevance of $keywords (the phrase's words, stemmed by the fts index built in load_into)
-- and order sorts by it first (paragraphs the index scores NULL come last); both are empty
-- otherwise.
WITH hits AS (
    SELECT para_id, inspection_id, page, paragraph, text
    FROM report_paragraphs
    WHERE contains(text_lc, $needle) AND regexp_matches(text_lc, $pattern)
),
meta AS ({meta}),
kept AS (
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
        m.source_url{score}
    FROM hits AS h
    LEFT JOIN meta AS m USING (inspection_id)
    WHERE ($la_code IS NULL OR m.la_code = $la_code)
      AND ($date_from IS NULL OR m.published_date >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR m.published_date <= CAST($date_to AS DATE))
      AND ($framework IS NULL OR starts_with(m.framework, $framework))
      AND ($grade IS NULL OR m.overall_grade = $grade)
)
SELECT *, count(*) OVER () AS total_hits
FROM kept
ORDER BY {order}published_date DESC NULLS LAST, inspection_id, page, paragraph
LIMIT $lim
