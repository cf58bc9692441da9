-- Revenue family, step 2: the long-form waterfall (month, movement, amount) from the stored
-- history, with the month's starting and ending MRR for the checks.
select m.month, v.movement, v.amount, m.starting_mrr, m.ending_mrr
from {{ ref('mrr_history') }} as h
cross join lateral mrr_movements(h.history) as m
cross join lateral (values ('new', m.new_mrr), ('reactivation', m.reactivation_mrr),
                           ('expansion', m.expansion_mrr), ('contraction', -m.contraction_mrr),
                           ('churn', -m.churned_mrr)) as v(movement, amount)
