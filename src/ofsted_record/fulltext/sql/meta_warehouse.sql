-- Report metadata from the warehouse's inspections and judgements (extractor output),
-- falling back to report_files where the extractor left a gap. Joined on inspection_id.
-- council is the register's name (the same in every table), not the name printed on the report.
SELECT
    f.inspection_id,
    coalesce(i.council, f.council_as_written) AS council,
    coalesce(CAST(i.la_code AS VARCHAR), f.la_code) AS la_code,
    coalesce(TRY_CAST(i.published_date AS DATE), f.published_date) AS published_date,
    CAST(i.framework AS VARCHAR) AS framework,
    (
        SELECT any_value(CAST(j.grade AS VARCHAR))
        FROM judgements AS j
        WHERE j.inspection_id = f.inspection_id AND j.area = 'overall_effectiveness'
    ) AS overall_grade,
    coalesce(i.source_url, f.source_url) AS source_url
FROM report_files AS f
LEFT JOIN inspections AS i USING (inspection_id)
WHERE f.status = 'ok'
