-- Two-step: a summary per account, read by accessors, and a stored summary's text round trip.
SELECT u.account_id, nps(s), nps_margin(s), responses(s), (s::text::survey_summary) = s
FROM (SELECT user_id, survey_agg(score) AS s FROM survey_answers WHERE survey = 'nps' GROUP BY 1) AS t
JOIN users u USING (user_id)
ORDER BY 1 LIMIT 50;
