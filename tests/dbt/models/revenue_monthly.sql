select k.*
from {{ ref('mrr_history') }} as h
cross join lateral revenue_kpis(h.history) as k
