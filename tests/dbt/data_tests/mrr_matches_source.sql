-- Fails where the month's ending MRR is not the plain sum of the source's rows of that month.
select r.month, r.mrr, s.mrr
from {{ ref('revenue_monthly') }} as r
full join (select date_trunc('month', month)::date as month, sum(mrr) as mrr
           from {{ source('app', 'subscription_months') }} group by 1) as s using (month)
where r.mrr is distinct from s.mrr
