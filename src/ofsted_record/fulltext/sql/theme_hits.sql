-- How many paragraphs of each report mention a theme: $1 pattern over the lower-cased text,
-- $2 case-sensitive pattern over the text as printed (acronyms such as CSE). Template text
-- (paragraphs printed word for word in 5+ reports) is left out.
SELECT
    inspection_id,
    count_if(regexp_matches(text_lc, $1) OR regexp_matches(text, $2)) AS paragraphs
FROM report_paragraphs
WHERE NOT boilerplate
GROUP BY inspection_id
ORDER BY inspection_id
