-- One name per concept in the warehouse (data/README.md): a council's name as a source spelt it
-- is `council_as_written` in every table (the processed CSVs keep their stage's own names).
ALTER TABLE inspections RENAME COLUMN council_printed TO council_as_written;
ALTER TABLE IF EXISTS official_judgements RENAME COLUMN council_name_official TO council_as_written;
ALTER TABLE IF EXISTS official_standing_2024 RENAME COLUMN council_name_official TO council_as_written;

-- Derived views. Dates: end_date is when the inspection ended; official-table rows have only a
-- publication date, so end_date falls back to it and is flagged (end_date_imputed).

CREATE OR REPLACE TABLE inspection_facts AS
SELECT
    i.inspection_id,
    i.source,
    i.la_code,
    c.name AS council,
    c.region_name AS region,
    i.framework,
    f.whole_service,
    f.has_overall_grade,
    CAST(i.start_date AS DATE) AS start_date,
    COALESCE(CAST(i.end_date AS DATE), CAST(i.published_date AS DATE)) AS end_date,
    i.end_date IS NULL AS end_date_imputed,
    CAST(i.published_date AS DATE) AS published_date,
    i.source_url,
    oe.grade AS overall_grade,
    g.rank AS overall_rank
FROM inspections AS i
JOIN councils AS c USING (la_code)
JOIN frameworks AS f USING (framework)
LEFT JOIN judgements AS oe
    ON oe.inspection_id = i.inspection_id AND oe.area = 'overall_effectiveness'
LEFT JOIN grades AS g ON g.grade = oe.grade;

-- One row per judgement, with its inspection's dates and council.
CREATE OR REPLACE VIEW judgement_facts AS
SELECT
    f.inspection_id, f.source, f.la_code, f.council, f.region, f.framework, f.whole_service,
    f.start_date, f.end_date, f.end_date_imputed, f.published_date, f.source_url,
    j.area, j.grade, j.grade_raw, g.rank AS grade_rank
FROM inspection_facts AS f
JOIN judgements AS j USING (inspection_id)
LEFT JOIN grades AS g ON g.grade = j.grade;

-- Councils that existed on a date (valid_to is the last day a council existed).
CREATE OR REPLACE MACRO councils_on(as_at) AS TABLE
SELECT * FROM councils
WHERE (valid_from IS NULL OR CAST(valid_from AS DATE) <= as_at)
  AND (valid_to IS NULL OR CAST(valid_to AS DATE) >= as_at);

-- Which inspections count at a date under a counting rule (described in `counting_rules`).
-- Adding months to 31 March gives 30 April and 30 June: the cut-offs of Ofsted's releases.
CREATE OR REPLACE MACRO counts_at(end_date, published_date, as_at, rule) AS
    end_date <= as_at
    AND (rule = 'ended_by'
         OR (rule = 'published_within_month' AND published_date <= as_at + INTERVAL 1 MONTH)
         OR (rule = 'ofsted_31_march' AND published_date <= as_at + INTERVAL 3 MONTH));

-- Each existing council's standing on a date for one judgement area.
-- Standing comes from the council's latest whole-service inspection (SIF or ILACS) that counts.
-- The grade is that inspection's own judgement in the area; when that inspection made none
-- (an ILACS 2026 report has no overall effectiveness grade) the grade is NULL and `status`
-- says why: an older grade is never carried forward.
CREATE OR REPLACE MACRO standing(as_at, rule, area_name) AS TABLE
WITH eligible AS (
    SELECT f.*
    FROM inspection_facts AS f
    WHERE f.whole_service AND counts_at(f.end_date, f.published_date, as_at, rule)
), latest AS (
    SELECT * FROM eligible
    QUALIFY row_number() OVER (PARTITION BY la_code ORDER BY end_date DESC, published_date DESC) = 1
)
SELECT
    CAST(as_at AS DATE) AS as_at,
    c.la_code, c.name AS council, c.region_name AS region,
    l.inspection_id, l.framework, l.end_date, l.published_date, l.source_url,
    j.grade, j.grade_raw,
    CASE
        WHEN l.inspection_id IS NULL THEN 'not yet inspected under SIF/ILACS'
        WHEN j.grade IS NULL AND l.framework = 'ilacs_2026' AND area_name = 'overall_effectiveness'
            THEN 'no overall grade (2026 framework)'
        WHEN j.grade IS NULL THEN 'not judged in latest inspection'
        ELSE 'graded'
    END AS status
FROM councils_on(as_at) AS c
LEFT JOIN latest AS l USING (la_code)
LEFT JOIN judgements AS j ON j.inspection_id = l.inspection_id AND j.area = area_name;

-- Standing of every council at every month end (2009-2026) for one area and rule; `as_at` is
-- the month's last day, as in standing(as_at, rule, area).
CREATE OR REPLACE MACRO standing_monthly(rule, area_name) AS TABLE
WITH existing AS (
    SELECT m.month_end AS as_at, c.la_code, c.name AS council, c.region_name AS region
    FROM months AS m
    JOIN councils AS c
      ON (c.valid_from IS NULL OR CAST(c.valid_from AS DATE) <= m.month_end)
     AND (c.valid_to IS NULL OR CAST(c.valid_to AS DATE) >= m.month_end)
), candidates AS (
    SELECT e.as_at, e.la_code, f.inspection_id, f.framework, f.end_date, f.published_date
    FROM existing AS e
    JOIN inspection_facts AS f
      ON f.la_code = e.la_code AND f.whole_service
     AND counts_at(f.end_date, f.published_date, e.as_at, rule)
    QUALIFY row_number() OVER (
        PARTITION BY e.as_at, e.la_code ORDER BY f.end_date DESC, f.published_date DESC) = 1
)
SELECT
    e.as_at, e.la_code, e.council, e.region,
    c.inspection_id, c.framework, c.published_date, j.grade,
    CASE
        WHEN c.inspection_id IS NULL THEN 'not yet inspected under SIF/ILACS'
        WHEN j.grade IS NULL AND c.framework = 'ilacs_2026' AND area_name = 'overall_effectiveness'
            THEN 'no overall grade (2026 framework)'
        WHEN j.grade IS NULL THEN 'not judged in latest inspection'
        ELSE 'graded'
    END AS status
FROM existing AS e
LEFT JOIN candidates AS c USING (as_at, la_code)
LEFT JOIN judgements AS j ON j.inspection_id = c.inspection_id AND j.area = area_name;

-- National counts and shares by grade for every month end (share of councils with a grade).
CREATE OR REPLACE MACRO national_monthly(rule, area_name) AS TABLE
SELECT
    as_at,
    COALESCE(grade, status) AS grade,
    count(*) AS councils,
    sum(count(*)) OVER (PARTITION BY as_at) AS councils_existing,
    count(*) / NULLIF(sum(count(*) FILTER (WHERE grade IS NOT NULL)) OVER (PARTITION BY as_at), 0)
        AS share_of_graded
FROM standing_monthly(rule, area_name)
GROUP BY as_at, COALESCE(grade, status), grade;

-- The same by region.
CREATE OR REPLACE MACRO regional_monthly(rule, area_name) AS TABLE
SELECT
    as_at, region,
    COALESCE(grade, status) AS grade,
    count(*) AS councils,
    count(*) / NULLIF(sum(count(*) FILTER (WHERE grade IS NOT NULL))
        OVER (PARTITION BY as_at, region), 0) AS share_of_graded
FROM standing_monthly(rule, area_name)
GROUP BY as_at, region, COALESCE(grade, status), grade;

-- Consecutive whole-service inspections of the same council with an overall grade.
CREATE OR REPLACE VIEW transitions AS
WITH graded AS (
    SELECT * FROM inspection_facts WHERE whole_service AND overall_grade IS NOT NULL
), paired AS (
    SELECT
        la_code, council, region,
        lag(inspection_id) OVER w AS previous_inspection_id,
        lag(framework) OVER w AS previous_framework,
        lag(published_date) OVER w AS previous_published_date,
        lag(overall_grade) OVER w AS previous_grade,
        lag(overall_rank) OVER w AS previous_rank,
        inspection_id, framework, published_date, overall_grade AS grade, overall_rank AS rank
    FROM graded
    WINDOW w AS (PARTITION BY la_code ORDER BY end_date, published_date)
)
SELECT *,
    CASE WHEN rank < previous_rank THEN 'improved'
         WHEN rank > previous_rank THEN 'declined'
         ELSE 'same' END AS change,
    date_diff('day', previous_published_date, published_date) AS days_between
FROM paired
WHERE previous_inspection_id IS NOT NULL;
