-- Health family: each account's score from its signals and the weights row, and its band.
select account_id, score, health_band(score) as band
from (select account_id,
             health_score(signal, amount, (select weights from {{ source('app', 'health_weights') }})) as score
      from {{ source('app', 'account_health_signals') }}
      group by account_id) as scored
