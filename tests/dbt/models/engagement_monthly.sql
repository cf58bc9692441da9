-- Engagement family, step 2: months rolled up from the stored days.
select date_trunc('month', day)::date as month,
       active_users(rollup(users), '-infinity', 'infinity') as mau,
       stickiness(rollup(users), date_trunc('month', day)::date) as stickiness
from {{ ref('daily_activity') }}
group by 1
