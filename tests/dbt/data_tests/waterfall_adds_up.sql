-- Fails where a month's movements do not add up to its ending minus its starting MRR, to the
-- cent, or where a month does not start where the previous one ended.
select month
from {{ ref('mrr_waterfall') }}
group by month, starting_mrr, ending_mrr
having sum(amount) <> ending_mrr - starting_mrr
union all
select month
from (select month, starting_mrr, lag(ending_mrr) over (order by month) as previous_ending
      from (select distinct month, starting_mrr, ending_mrr from {{ ref('mrr_waterfall') }}) as months) as m
where previous_ending is not null and previous_ending <> starting_mrr
