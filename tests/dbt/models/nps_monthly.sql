-- Survey family: NPS with its margin, CSAT and CES per month (UTC months).
select date_trunc('month', answered_at at time zone 'UTC')::date as month,
       nps(score) filter (where survey = 'nps') as nps,
       nps_margin(survey_agg(score) filter (where survey = 'nps')) as nps_margin,
       csat(score) filter (where survey = 'csat') as csat,
       ces(score) filter (where survey = 'ces') as ces,
       count(score) filter (where survey = 'nps') as nps_answers
from {{ source('app', 'survey_answers') }}
group by 1
