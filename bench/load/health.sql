-- Health: the aggregate per account with the weights from a table, the scalar forms, bands.
SELECT count(*), max(score) FROM (
    SELECT account_id, health_score(signal, amount, (SELECT weights FROM health_weights)) AS score
    FROM account_health_signals GROUP BY 1) AS t;
SELECT health_band(health_score(jsonb_object_agg(signal, amount), (SELECT weights FROM health_weights)))
FROM account_health_signals GROUP BY account_id ORDER BY 1 LIMIT 5;
SELECT weighted_health(ARRAY[80, 55, NULL, 100]::float8[], ARRAY[1, 2, 3, 4]::float8[]);
