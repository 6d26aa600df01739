-- report_files: one row per report file read for the full text (files.csv, $1), with the
-- metadata known without the extractor: the council as the provider lookup (or folder) names it
-- (council_as_written, as in every table), DfE code from the provider
-- lookup, publication date from the file name, and why a file was skipped.
CREATE OR REPLACE TABLE report_files AS
SELECT
    inspection_id,
    file,
    provider_urn,
    source_url,
    sha256,
    status,
    reason,
    council AS council_as_written,
    la_code,
    TRY_CAST(published_date AS DATE) AS published_date,
    CAST(pages AS INTEGER) AS pages,
    CAST(paragraphs AS INTEGER) AS paragraphs
FROM read_csv($1, header = true, all_varchar = true)
ORDER BY file;
