-- A council against its statistical neighbours on one context measure in one year.
-- Parameters: $council (short name, e.g. Kent), $measure (a measure in
-- context_measure_dictionary, e.g. sw_agency_rate), $year (e.g. 2025), $model (the DfE
-- neighbour model: 2021 or 2025). One join, no loop: the council is rank 0, its ten
-- neighbours ranks 1-10 (1 = closest).
WITH chosen AS (
    SELECT la_code FROM councils WHERE short_name = $council
),
panel AS (
    SELECT la_code, 0 AS rank FROM chosen
    UNION ALL
    SELECT n.neighbour_la_code, n.rank
    FROM context_stat_neighbours AS n
    JOIN chosen AS c USING (la_code)
    WHERE n.model = CAST($model AS INTEGER)
)
SELECT
    p.rank,
    c.short_name AS council,
    m.value,
    d.unit
FROM panel AS p
JOIN councils AS c ON c.la_code = p.la_code
LEFT JOIN context_measures AS m
    ON m.la_code = p.la_code AND m.measure = $measure AND m.year = CAST($year AS INTEGER)
LEFT JOIN context_measure_dictionary AS d ON d.measure = $measure
ORDER BY p.rank
