-- Customer family: churn and retention per month, and time to value by sign-up month.
with churn as (
    select m::date as month,
           customer_churn_rate(started_on, ended_on, m::date, (m + interval '1 month')::date) as churn_rate,
           customer_retention_rate(started_on, ended_on, m::date, (m + interval '1 month')::date) as retention_rate
    from {{ source('app', 'account_lifecycle') }},
         generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') as m
    group by m
), ttv as (
    select date_trunc('month', signed_up_at at time zone 'UTC')::date as month,
           time_to_value(signed_up_at, value_at) as median_days_to_value,
           not_reached(time_to_value_agg(signed_up_at, value_at)) as not_reached
    from {{ source('app', 'user_onboarding') }}
    group by 1
)
select churn.month, churn.churn_rate, churn.retention_rate, ttv.median_days_to_value, ttv.not_reached
from churn left join ttv using (month)
