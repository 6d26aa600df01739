-- report_paragraphs: one row per paragraph of every report page, from paragraphs.parquet ($1).
-- text_lc is the lower-cased text phrase search runs on; boilerplate flags paragraphs printed
-- word for word in 5+ reports (template text), which theme counts leave out.
CREATE OR REPLACE TABLE report_paragraphs AS
WITH src AS (
    SELECT inspection_id, page, paragraph, text
    FROM read_parquet($1)
),
shared AS (
    SELECT text, count(DISTINCT inspection_id) AS reports
    FROM src
    GROUP BY text
)
SELECT
    row_number() OVER (ORDER BY s.inspection_id, s.page, s.paragraph) AS para_id,
    s.inspection_id,
    s.page,
    s.paragraph,
    s.text,
    lower(s.text) AS text_lc,
    coalesce(sh.reports, 1) >= 5 AS boilerplate
FROM src AS s
LEFT JOIN shared AS sh USING (text)
ORDER BY para_id;
