-- Hand-computed survey KPIs.

-- Seed article 001: 55 promoters, 20 passives, 25 detractors. NPS = 55 - 25 = 30 (the article
-- prints 35 by subtracting passives). Margin at 95%: 1.959964 x 100 x sqrt(0.71/100) = 16.51.
CREATE TABLE seed AS
SELECT CASE WHEN g <= 55 THEN 9 + g % 2      -- promoters: 9 or 10
            WHEN g <= 75 THEN 7 + g % 2      -- passives: 7 or 8
            ELSE g % 7                       -- detractors: 0 to 6
       END AS score
FROM generate_series(1, 100) AS g;

SELECT nps(score) FROM seed;
SELECT promoters(s), passives(s), detractors(s), responses(s), nps(s),
       round(nps_margin(s)::numeric, 4) AS margin_95,
       round(nps_margin(s, 0.99)::numeric, 4) AS margin_99
FROM (SELECT survey_agg(score) AS s FROM seed) AS t;

-- The same answers in every integer column type, and integral numerics.
SELECT nps(score::smallint) AS int2, nps(score::bigint) AS int8,
       nps(score::numeric) AS numeric, nps(score::numeric(6, 2)) AS numeric_scaled
FROM seed;

-- NULL answers are skipped: (10, 5, NULL) has one promoter, one detractor, two answers.
SELECT nps(score), round(nps_margin(survey_agg(score))::numeric, 4) AS margin
FROM (VALUES (10), (5), (NULL)) AS t(score);
-- An empty group, or one of NULLs only, gives NULL (for every aggregate).
SELECT nps(score), survey_agg(score), csat(score), ces(score), csat(score, 4, 5), ces(score, 5)
FROM (VALUES (NULL::int)) AS t(score);
SELECT nps(score), survey_agg(score), csat(score), ces(score), csat(score, 4, 5), ces(score, 5)
FROM (VALUES (1)) AS t(score) WHERE false;
-- One answer has no margin of error.
SELECT nps_margin(survey_agg(score)) FROM (VALUES (9)) AS t(score);
-- Every answer alike: no spread, zero margin.
SELECT nps(score), nps_margin(survey_agg(score)) FROM (VALUES (10), (10), (9)) AS t(score);

-- NPS per segment with GROUP BY.
SELECT segment, nps(score), count(score)
FROM (VALUES ('a', 10), ('a', 9), ('a', 0), ('b', 7), ('b', 8), ('c', 2)) AS t(segment, score)
GROUP BY segment ORDER BY segment;

-- CSAT on 1-5: 4 and 5 are satisfied. (5, 5, 4, 3, 2, 1, NULL) -> 3 of 6 = 50%.
SELECT csat(score) FROM (VALUES (5), (5), (4), (3), (2), (1), (NULL)) AS t(score);
-- CSAT on 1-10 with 8-10 satisfied: (10, 9, 8, 7, 1) -> 3 of 5 = 60%.
SELECT csat(score, 8, 10) FROM (VALUES (10), (9), (8), (7), (1)) AS t(score);
-- 9-10 satisfied, the other common 10-point definition: 2 of 5 = 40%.
SELECT csat(score, 9, 10) FROM (VALUES (10), (9), (8), (7), (1)) AS t(score);
-- CES 2.0 on 1-7 (higher is easier): mean of (7, 6, 5, 1) = 4.75.
SELECT ces(score) FROM (VALUES (7), (6), (5), (1)) AS t(score);
-- CES on 1-5: mean of (5, 4, 1) = 3.333...
SELECT ces(score, 5) FROM (VALUES (5), (4), (1)) AS t(score);
-- All scales in numeric columns.
SELECT csat(score::numeric), ces(score::numeric), csat(score::numeric, 4, 5), ces(score::numeric, 5)
FROM (VALUES (5), (4), (1)) AS t(score);

-- Scores stored in a numeric column (short-header varlenas on disk), integral and scaled.
CREATE TABLE numeric_scores (score numeric, scaled numeric(4, 2));
INSERT INTO numeric_scores SELECT score, score FROM seed;
SELECT nps(score), nps(scaled), csat(1 + score % 5), ces(1 + scaled % 7), csat(score, 8, 10)
FROM numeric_scores WHERE score > 0;
SELECT count(*) AS answers, count(*) FILTER (WHERE score >= 9) AS promoters,
       count(*) FILTER (WHERE score <= 6) AS detractors
FROM numeric_scores WHERE score > 0;
