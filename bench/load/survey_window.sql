-- Moving-aggregate windows: a rolling 30-day NPS from stored daily summaries, and over raw rows.
SELECT max(x) FROM (SELECT nps(rollup(summary) OVER w) AS x FROM daily_nps
                    WINDOW w AS (ORDER BY day RANGE BETWEEN interval '29 days' PRECEDING AND CURRENT ROW)) AS t;
SELECT max(x) FROM (SELECT nps(score) OVER (ORDER BY answer_id ROWS 199 PRECEDING) AS x
                    FROM survey_answers WHERE survey = 'nps' AND answer_id < 3000) AS t;
