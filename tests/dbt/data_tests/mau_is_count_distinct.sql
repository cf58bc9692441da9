-- Fails where the month rolled up from daily summaries does not count exactly the distinct
-- users count(DISTINCT) finds in the raw events.
select e.month, e.mau, p.mau
from {{ ref('engagement_monthly') }} as e
full join (select date_trunc('month', occurred_at at time zone 'UTC')::date as month,
                  count(distinct user_id) as mau
           from {{ source('app', 'events') }} group by 1) as p using (month)
where e.mau is distinct from p.mau
