-- One row per paragraph of every report, with what the site's search shows and filters on.
-- The meta placeholder is filled from code with the full-text store's report metadata (meta_warehouse.sql),
-- the same that `ofsted-record search` joins, so both name councils, dates and grades alike.
-- template: the paragraph is printed word for word in 5+ reports (the store's boilerplate flag).
WITH meta AS ({meta})
SELECT
    p.inspection_id,
    p.page,
    p.paragraph,
    p.text,
    p.boilerplate AS template,
    m.council,
    m.published_date,
    m.framework,
    coalesce(f.label, 'Framework not recorded') AS framework_label,
    m.overall_grade,
    coalesce(g.label, 'No overall grade') AS grade_label,
    m.source_url
FROM report_paragraphs AS p
JOIN meta AS m USING (inspection_id)
LEFT JOIN frameworks AS f ON f.framework = m.framework
LEFT JOIN grades AS g ON g.grade = m.overall_grade
ORDER BY p.para_id
