-- Rollups of stored summaries by quarter, and a distribution.
SELECT date_trunc('quarter', day), nps(rollup(summary)), csat(rollup(summary), 9)
FROM daily_nps GROUP BY 1;
SELECT d.* FROM (SELECT rollup(summary) AS s FROM daily_nps) AS t, score_distribution(t.s) AS d;
