-- Fails where an account's score is not the sum of amount x weight in plain SQL.
select h.account_id, h.score, p.score
from {{ ref('account_health') }} as h
full join (select s.account_id, sum(s.amount * (w.weights ->> s.signal)::float8) as score
           from {{ source('app', 'account_health_signals') }} as s
           cross join {{ source('app', 'health_weights') }} as w
           group by 1) as p using (account_id)
where abs(h.score - p.score) > 1e-9 or h.account_id is null or p.account_id is null
