-- One-step survey aggregates over a random month of raw answers.
\set m random(1, 12)
SELECT nps(score), csat(score) FILTER (WHERE survey = 'csat'), ces(score) FILTER (WHERE survey = 'ces'),
       csat(score, 4, 5) FILTER (WHERE survey = 'csat')
FROM survey_answers
WHERE answered_at >= make_date(2025, :m, 1) AND answered_at < make_date(2025, :m, 1) + interval '1 month'
  AND (survey <> 'nps' OR score IS NOT NULL);
