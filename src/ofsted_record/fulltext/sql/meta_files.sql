-- Report metadata from report_files alone (before the warehouse has inspections/judgements).
SELECT
    f.inspection_id,
    f.council_as_written AS council,
    f.la_code,
    f.published_date,
    CAST(NULL AS VARCHAR) AS framework,
    CAST(NULL AS VARCHAR) AS overall_grade,
    f.source_url
FROM report_files AS f
WHERE f.status = 'ok'
