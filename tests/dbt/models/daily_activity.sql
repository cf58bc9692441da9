-- Engagement family, step 1: one activity_summary per UTC day, the table to refresh daily.
select (occurred_at at time zone 'UTC')::date as day,
       activity_agg(user_id, occurred_at, 'UTC') as users
from {{ source('app', 'events') }}
group by 1
