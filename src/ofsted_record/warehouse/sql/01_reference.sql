-- Reference tables that are part of the method, not the data.

-- Frameworks: which inspections say something about a council's whole service (and so set its
-- "standing"), and which carry an overall effectiveness grade.
CREATE OR REPLACE TABLE frameworks AS
SELECT * FROM (VALUES
    ('slac',              'Safeguarding and looked after children (2009-2012)',   false, false, 1),
    ('slac_reinspection', 'SLAC re-inspection',                                  false, false, 2),
    ('cpi',               'Child protection inspection (2012-2013)',              false, false, 3),
    ('cpri',              'Child protection re-inspection',                       false, false, 4),
    ('tlac',              'Targeted looked after children inspection (2013)',     false, false, 5),
    ('lac_2013',          'Looked after children inspection (2013)',              false, false, 6),
    ('sif',               'Single inspection framework (2013-2018)',              true,  true,  7),
    ('sif_reinspection',  'SIF re-inspection',                                    true,  true,  8),
    ('lscb_review',       'Review of the Local Safeguarding Children Board',      false, false, 9),
    ('ilacs_standard',    'ILACS standard inspection (2018-)',                    true,  true, 10),
    ('ilacs_short',       'ILACS short inspection (2018-)',                       true,  true, 11),
    ('ilacs_2026',        'ILACS from April 2026 (no overall effectiveness grade)', true, false, 12)
) AS t(framework, label, whole_service, has_overall_grade, sort_order);

-- Grades in order; rank 1 is best. 'adequate' belongs to the pre-2013 four-point scale and sits
-- where 'requires improvement' later sat (its replacement from November 2013).
CREATE OR REPLACE TABLE grades AS
SELECT * FROM (VALUES
    ('outstanding',          'Outstanding',          1),
    ('good',                 'Good',                 2),
    ('requires_improvement', 'Requires improvement', 3),
    ('adequate',             'Adequate',             3),
    ('inadequate',           'Inadequate',           4),
    ('not_judged',           'Not judged',           NULL)
) AS t(grade, label, rank);

-- Counting rules for "standing as at a date". Ofsted's annual "as at 31 March" figures count
-- inspections that had ended by 31 March and whose report was published by a cut-off: 30 April
-- up to its 2023 release ("As at 31 March 2023, published by 30 April 2023", cover of the 2023
-- workbook), 30 June from its 2024 release ("Inspections as at 31 March 2024, with a report
-- published by 30 June 2024", cover of the 2024 workbook). `ended_by` is not Ofsted's rule.
CREATE OR REPLACE TABLE counting_rules AS
SELECT * FROM (VALUES
    ('ended_by',
     'Inspections that had ended by the date, whenever their report was published: the '
     || 'position as known now (a past date''s picture can change as later reports appear). '
     || 'Ofsted does not count this way.',
     NULL, NULL),
    ('ofsted_31_march',
     'Ofsted''s rule for its 31 March figures from its 2024 release: inspections that had ended '
     || 'by the date and whose report was published within three months after it (by 30 June).',
     2024, NULL),
    ('published_within_month',
     'Ofsted''s rule for its 31 March figures up to its 2023 release: inspections that had '
     || 'ended by the date and whose report was published within a month after it (by 30 April).',
     NULL, 2023)
) AS t(rule, description, ofsted_from_year, ofsted_to_year);

-- Month ends April 2009 (the reorganisation that created today's pattern of councils; the first
-- inspections in the record were published after it) to December 2026.
CREATE OR REPLACE TABLE months AS
SELECT CAST(last_day(m) AS DATE) AS month_end
FROM generate_series(DATE '2009-04-01', DATE '2026-12-01', INTERVAL 1 MONTH) AS g(m);
