-- Customer KPIs: churn and retention of a random month, activation, FCR, time to value, the
-- share of accounts with an active user, licences in force.
\set m random(1, 11)
SELECT customer_churn_rate(started_on, ended_on, make_date(2025, :m, 1), make_date(2025, :m + 1, 1)),
       customer_retention_rate(started_on, ended_on, make_date(2025, :m, 1), make_date(2025, :m + 1, 1))
FROM account_lifecycle;
SELECT activation_rate(signed_up_at, activated_at, interval '14 days'), time_to_value(signed_up_at, value_at),
       median_days(time_to_value_agg(signed_up_at, value_at))
FROM user_onboarding;
SELECT fcr_rate(resolved_on_first_contact), fcr_rate(resolved_on_first_contact, resolved) FROM tickets;
SELECT active_ratio(a.account_id, e.occurred_at >= make_date(2025, :m, 1)::timestamptz)
FROM accounts a LEFT JOIN events e USING (account_id);
SELECT active_licenses(s, make_date(2025, :m, 15)::timestamptz) FROM (SELECT license_agg(valid, seats) AS s FROM licenses) AS t;
SELECT repeat_purchase_rate(account_id::bigint, order_id::bigint) FROM orders;
