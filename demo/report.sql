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

\echo 'MRR movements, last quarter (exact to the cent; starting + new + reactivation + expansion - contraction - churned = ending)'
SELECT month, starting_mrr, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr, ending_mrr
FROM mrr_movements((SELECT mrr_agg(account_id::bigint, month, mrr) FROM subscription_months))
ORDER BY month DESC LIMIT 3;

\echo 'Revenue KPIs by month (percentages)'
SELECT month, mrr, paying_customers AS customers, arpa, round(nrr::numeric, 1) AS nrr, round(grr::numeric, 1) AS grr,
       round(quick_ratio::numeric, 2) AS quick_ratio
FROM revenue_kpis((SELECT mrr_agg(account_id::bigint, month, mrr) FROM subscription_months))
ORDER BY month DESC LIMIT 6;

\echo 'Customer churn and retention by quarter (%)'
SELECT q AS quarter,
       round(customer_churn_rate(started_on, ended_on, q, (q + interval '3 months')::date)::numeric, 1) AS churn,
       round(customer_retention_rate(started_on, ended_on, q, (q + interval '3 months')::date)::numeric, 1) AS retention
FROM account_lifecycle, (VALUES (date '2025-04-01'), (date '2025-07-01'), (date '2025-10-01')) AS quarters(q)
GROUP BY q ORDER BY q;

\echo 'Onboarding: 14-day activation rate, median days to value and who never got there'
SELECT round(activation_rate(signed_up_at, activated_at, interval '14 days')::numeric, 1) AS activated_14d_pct,
       round(median_days(time_to_value_agg(signed_up_at, value_at))::numeric, 1) AS median_days_to_value,
       reached(time_to_value_agg(signed_up_at, value_at)),
       not_reached(time_to_value_agg(signed_up_at, value_at))
FROM user_onboarding;

\echo 'Account health bands (weights from health_weights)'
SELECT health_band(score) AS band, count(*) AS accounts
FROM (SELECT account_id, health_score(signal, amount, (SELECT weights FROM health_weights)) AS score
      FROM account_health_signals GROUP BY 1) AS scored
GROUP BY 1 ORDER BY min(score);

\echo 'Engagement: DAU, WAU, MAU and DAU/MAU stickiness (Europe/Paris days), last week of the year'
SELECT day, dau, wau, mau, round(stickiness::numeric, 1) AS stickiness
FROM daily_activity_kpis((SELECT activity_agg(user_id::bigint, occurred_at, 'Europe/Paris') FROM events))
ORDER BY day DESC LIMIT 7;

\echo 'User lifecycle by month (PostHog rules; January is history only)'
SELECT period, new_users, returning_users, resurrecting_users, dormant_users
FROM lifecycle((SELECT activity_agg(user_id::bigint, occurred_at, 'Europe/Paris') FROM events), 'month', date '2025-02-01')
ORDER BY period DESC LIMIT 6;
