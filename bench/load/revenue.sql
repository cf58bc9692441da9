-- Revenue: the MRR history and its reports, NRR between two random months, and the plain
-- aggregates over per-account movements.
\set m random(1, 10)
SELECT sum(ending_mrr) FROM mrr_movements((SELECT mrr_agg(account_id::bigint, month, mrr) FROM subscription_months));
SELECT max(quick_ratio) FROM revenue_kpis((SELECT mrr_agg(account_id::bigint, month, mrr) FROM subscription_months));
SELECT nrr(h, make_date(2025, :m, 1), make_date(2025, :m + 2, 1)), grr(h, make_date(2025, :m, 1), make_date(2025, :m + 2, 1))
FROM (SELECT mrr_agg(account_id::bigint, month, mrr) AS h FROM subscription_months) AS t;
SELECT nrr(s, greatest(e - s, 0), 0, greatest(s - e, 0)), grr(s, 0, greatest(s - e, 0))
FROM (SELECT account_id, sum(mrr) FILTER (WHERE month = make_date(2025, :m, 1)) AS s,
             coalesce(sum(mrr) FILTER (WHERE month = make_date(2025, :m + 2, 1)), 0) AS e
      FROM subscription_months GROUP BY 1) AS t;
