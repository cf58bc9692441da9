-- Fails (returns rows) where the model's NPS is not 100 x (promoters - detractors) / answers,
-- counted in plain SQL from the source.
with plain as (
    select date_trunc('month', answered_at at time zone 'UTC')::date as month,
           100.0 * (count(*) filter (where score >= 9) - count(*) filter (where score <= 6))
                 / count(score) as nps
    from {{ source('app', 'survey_answers') }}
    where survey = 'nps'
    group by 1
)
select m.month, m.nps, p.nps as plain_nps
from {{ ref('nps_monthly') }} as m
full join plain as p using (month)
where p.month is null or m.month is null or abs(m.nps - p.nps::float8) > 1e-9
