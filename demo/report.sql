\pset footer off
\echo
\echo 'NPS by month, with its 95% margin of error (points)'
SELECT to_char(date_trunc('month', answered_at), 'YYYY-MM') AS month,
       count(score)                                    AS answers,
       round(nps(score)::numeric, 1)                   AS nps,
       round(nps_margin(survey_agg(score))::numeric, 1) AS margin
FROM survey_answers
WHERE survey = 'nps'
GROUP BY 1 ORDER BY 1;

\echo 'CSAT (1-5, share of 4 and 5) and CES (CES 2.0, mean of 1-7) by month'
SELECT to_char(date_trunc('month', answered_at), 'YYYY-MM') AS month,
       round((csat(score) FILTER (WHERE survey = 'csat'))::numeric, 1) AS csat_pct,
       round((ces(score) FILTER (WHERE survey = 'ces'))::numeric, 2)   AS ces
FROM survey_answers
GROUP BY 1 ORDER BY 1;

\echo 'Quarterly NPS rolled up from the stored daily summaries'
SELECT to_char(date_trunc('quarter', day), 'YYYY-"Q"Q') AS quarter,
       responses(rollup(summary))                     AS answers,
       round(nps(rollup(summary))::numeric, 1)        AS nps
FROM daily_nps
GROUP BY 1 ORDER BY 1;

\echo '30-day rolling NPS, last ten days of the year (moving-aggregate window)'
SELECT day, round(nps_30d::numeric, 1) AS nps_30d
FROM (
    SELECT day,
           nps(rollup(summary) OVER (ORDER BY day RANGE BETWEEN interval '29 days' PRECEDING AND CURRENT ROW)) AS nps_30d
    FROM daily_nps
) AS rolling
ORDER BY day DESC
LIMIT 10;
