-- What happened after inadequate: spells, repeat failure, interventions.

-- Whole-service inspections marked inadequate or not. Under the April 2026 framework there is
-- no overall grade: an inspection counts as inadequate if any of its judgements is inadequate.
CREATE OR REPLACE VIEW whole_service_results AS
SELECT
    f.inspection_id, f.la_code, f.council, f.region, f.framework, f.end_date, f.published_date,
    f.overall_grade,
    CASE WHEN f.overall_grade IS NOT NULL THEN f.overall_grade = 'inadequate'
         ELSE coalesce((SELECT bool_or(j.grade = 'inadequate') FROM judgements AS j
                        WHERE j.inspection_id = f.inspection_id), false)
    END AS is_inadequate,
    f.overall_grade IS NULL AS judged_by_sub_judgements
FROM inspection_facts AS f
WHERE f.whole_service AND (f.overall_grade IS NOT NULL OR f.framework = 'ilacs_2026');

-- A spell starts when a council is judged inadequate after a result that was not; it ends at
-- the publication of its next whole-service result that is not inadequate. A spell without an
-- end is censored at the date the data runs to, or when the council was abolished.
CREATE OR REPLACE VIEW inadequate_spells AS
WITH marked AS (
    SELECT *, lag(is_inadequate, 1, false) OVER (
        PARTITION BY la_code ORDER BY end_date, published_date) AS previous_inadequate
    FROM whole_service_results
), data_end AS (
    SELECT max(CAST(published_date AS DATE)) AS as_of FROM inspections
), starts AS (
    SELECT *, row_number() OVER (PARTITION BY la_code ORDER BY published_date) AS spell_number
    FROM marked WHERE is_inadequate AND NOT previous_inadequate
)
SELECT
    s.la_code, s.council, s.region, s.spell_number,
    s.inspection_id AS start_inspection_id, s.framework AS start_framework,
    s.published_date AS start_date,
    e.inspection_id AS end_inspection_id, e.framework AS end_framework,
    e.published_date AS end_date, e.overall_grade AS exit_grade,
    e.inspection_id IS NULL AS censored,
    CASE WHEN e.inspection_id IS NOT NULL THEN 'left inadequate'
         WHEN c.valid_to IS NOT NULL AND CAST(c.valid_to AS DATE) <= d.as_of THEN 'council abolished'
         ELSE 'still inadequate at end of data' END AS outcome,
    COALESCE(e.published_date,
             least(d.as_of, CAST(c.valid_to AS DATE))) AS observed_until,
    date_diff('day', s.published_date,
              COALESCE(e.published_date, least(d.as_of, CAST(c.valid_to AS DATE))))
        AS days
FROM starts AS s
CROSS JOIN data_end AS d
JOIN councils AS c USING (la_code)
LEFT JOIN LATERAL (
    SELECT m.* FROM marked AS m
    WHERE m.la_code = s.la_code AND m.published_date > s.published_date AND NOT m.is_inadequate
    ORDER BY m.published_date LIMIT 1
) AS e ON true;

-- Councils judged inadequate more than once, with the gap between spells.
CREATE OR REPLACE VIEW repeat_failures AS
SELECT
    la_code, council, spell_number,
    lag(end_date) OVER w AS previous_spell_ended,
    start_date AS fell_again,
    date_diff('day', lag(end_date) OVER w, start_date) AS days_between
FROM inadequate_spells
WINDOW w AS (PARTITION BY la_code ORDER BY spell_number)
QUALIFY count(*) OVER (PARTITION BY la_code) > 1;

-- Interventions with the council's overall result before and after the event, the event's
-- plain label and kind (start / change / end), and the page each row comes from (source_url,
-- quote). Rows without a date have no before or after. `council` is the register's name, as in
-- every other view; `council_as_written` keeps the source's spelling.
CREATE OR REPLACE VIEW intervention_outcomes AS
SELECT
    iv.*,
    c.name AS council,
    c.region_name AS region,
    ev.label AS event_label, ev.kind AS event_kind,
    b.inspection_id AS before_inspection_id, b.published_date AS before_published,
    b.overall_grade AS before_grade,
    a.inspection_id AS after_inspection_id, a.published_date AS after_published,
    a.overall_grade AS after_grade, a.is_inadequate AS after_inadequate
FROM interventions AS iv
JOIN intervention_events AS ev USING (event)
LEFT JOIN councils AS c USING (la_code)
LEFT JOIN LATERAL (
    SELECT * FROM whole_service_results AS w
    WHERE w.la_code = iv.la_code AND w.published_date <= iv.date
    ORDER BY w.published_date DESC LIMIT 1
) AS b ON true
LEFT JOIN LATERAL (
    SELECT * FROM whole_service_results AS w
    WHERE w.la_code = iv.la_code AND w.published_date > iv.date
    ORDER BY w.published_date LIMIT 1
) AS a ON true;
