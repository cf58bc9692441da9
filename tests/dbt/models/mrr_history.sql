-- Revenue family, step 1: every customer's MRR by month in one stored summary.
select mrr_agg(account_id, month, mrr) as history
from {{ source('app', 'subscription_months') }}
