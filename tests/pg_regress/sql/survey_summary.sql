-- survey_summary: a storable two-step summary with text and binary forms.
CREATE TABLE answers (day date, score integer);
INSERT INTO answers VALUES
    ('2025-01-01', 10), ('2025-01-01', 9), ('2025-01-01', 3), ('2025-01-01', NULL),
    ('2025-01-02', 8), ('2025-01-02', 6), ('2025-01-02', 0),
    ('2025-01-03', 10), ('2025-01-03', 10), ('2025-01-03', 7), ('2025-01-03', 5);

CREATE TABLE daily AS SELECT day, survey_agg(score) AS summary FROM answers GROUP BY day;
SELECT day, summary, nps(summary), responses(summary) FROM daily ORDER BY day;

-- rollup() merges the stored days; it equals aggregating the raw answers directly.
SELECT rollup(summary) AS rolled, (SELECT survey_agg(score) FROM answers) AS direct,
       nps(rollup(summary)) AS nps_rolled, (SELECT nps(score) FROM answers) AS nps_direct
FROM daily;

-- Every accessor, by hand: answers 0,3,5,6,7,8,9,10,10,10 (10 answers).
-- promoters 4, passives 2, detractors 4: NPS 0. Mean 68/10 = 6.8. Answers >= 8: 5 of 10.
SELECT promoters(s), passives(s), detractors(s), responses(s), nps(s), mean_score(s),
       csat(s, 8) AS csat_8_to_10, score_count(s, 10) AS tens, score_count(s, 1) AS ones
FROM (SELECT rollup(summary) AS s FROM daily) AS t;
SELECT * FROM score_distribution((SELECT rollup(summary) FROM daily));

-- A 1-5 survey read through its summary: csat() and ces() (mean) by hand.
SELECT csat(s), ces(s), mean_score(s), csat(s, 5)
FROM (SELECT survey_agg(score) AS s FROM (VALUES (5), (4), (4), (2), (1)) AS t(score)) AS t;

-- Text form: documented, round-trips exactly, whitespace and key order are free on input.
SELECT '{"version":1,"counts":[1,2,3,4,5,6,7,8,9,10,11]}'::survey_summary;
SELECT ' { "counts" : [1,2,3,4,5,6,7,8,9,10,11] , "version" : 1 } '::survey_summary;
SELECT count(*) AS mismatches FROM daily WHERE summary::text::survey_summary::text <> summary::text;

-- Binary form: version byte 1, then eleven big-endian int8 counts.
SELECT survey_summary_send('{"version":1,"counts":[1,0,0,0,0,0,0,0,0,0,258]}');

-- Binary round trip through COPY (FORMAT binary), which uses send/recv.
COPY daily TO '/tmp/csmetrics_regress_daily.bin' (FORMAT binary);
CREATE TABLE daily_copy (LIKE daily);
COPY daily_copy FROM '/tmp/csmetrics_regress_daily.bin' (FORMAT binary);
SELECT count(*) AS rows, count(*) FILTER (WHERE d.summary::text = c.summary::text) AS identical
FROM daily d JOIN daily_copy c USING (day);
-- Text COPY uses the text form.
COPY daily TO '/tmp/csmetrics_regress_daily.txt';
TRUNCATE daily_copy;
COPY daily_copy FROM '/tmp/csmetrics_regress_daily.txt';
SELECT count(*) AS rows, count(*) FILTER (WHERE d.summary::text = c.summary::text) AS identical
FROM daily d JOIN daily_copy c USING (day);

-- rollup of nothing, or of NULLs, is NULL.
SELECT rollup(summary) FROM daily WHERE false;
SELECT rollup(NULL::survey_summary);
-- rollup skips NULL summaries.
SELECT nps(rollup(s)) FROM (VALUES (NULL::survey_summary), ((SELECT survey_agg(x) FROM (VALUES (10)) v(x)))) AS t(s);
