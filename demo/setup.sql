-- csmetrics demo: a small SaaS company with a year of survey answers. Deterministic (setseed)
-- and idempotent: a second `make demo` leaves the data as it is.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS csmetrics;
ALTER EXTENSION csmetrics UPDATE;

CREATE TABLE IF NOT EXISTS accounts (
    account_id  integer PRIMARY KEY,
    name        text NOT NULL,
    plan        text NOT NULL,
    signed_up   date NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    user_id     integer PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES accounts,
    email       text NOT NULL
);

-- One row per answer; survey is 'nps' (0-10), 'csat' (1-5) or 'ces' (CES 2.0, 1-7).
CREATE TABLE IF NOT EXISTS survey_answers (
    answer_id   bigint PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users,
    survey      text NOT NULL CHECK (survey IN ('nps', 'csat', 'ces')),
    score       smallint,                 -- NULL: the question was skipped
    answered_at timestamptz NOT NULL
);

-- Two-step aggregation: one stored summary per day, rolled up to any period later.
CREATE TABLE IF NOT EXISTS daily_nps (
    day         date PRIMARY KEY,
    summary     survey_summary NOT NULL
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM accounts) THEN
        RETURN;
    END IF;
    PERFORM setseed(0.42);
    INSERT INTO accounts
    SELECT a, 'Account ' || a,
           (ARRAY['starter', 'growth', 'enterprise'])[1 + (a % 3)],
           date '2025-01-01' + (a * 7 % 365)
    FROM generate_series(1, 200) AS a;

    INSERT INTO users
    SELECT u, 1 + (u % 200), 'user' || u || '@example.com'
    FROM generate_series(1, 1500) AS u;

    -- Satisfaction drifts up over the year, so the monthly report has a trend to show.
    INSERT INTO survey_answers
    SELECT row_number() OVER (),
           1 + floor(random() * 1500)::int,
           survey,
           CASE WHEN random() < 0.03 THEN NULL
                WHEN survey = 'nps'  THEN least(10, greatest(0, round(7 + month * 0.12 + 2.4 * (random() + random() + random() - 1.5) * 2)))
                WHEN survey = 'csat' THEN least(5, greatest(1, round(3.4 + month * 0.05 + 1.6 * (random() - 0.5) * 2)))
                ELSE                      least(7, greatest(1, round(4.8 + month * 0.06 + 2.2 * (random() - 0.5) * 2)))
           END,
           timestamptz '2025-01-01 00:00+00' + (day * interval '1 day') + random() * interval '1 day'
    FROM generate_series(0, 364) AS day,
         LATERAL (SELECT day / 31 AS month) AS m,
         LATERAL (SELECT (ARRAY['nps', 'nps', 'csat', 'ces'])[1 + (i % 4)] AS survey
                  FROM generate_series(1, 12 + (day % 7)) AS i) AS s;

    INSERT INTO daily_nps
    SELECT answered_at::date, survey_agg(score)
    FROM survey_answers
    WHERE survey = 'nps'
    GROUP BY 1
    HAVING survey_agg(score) IS NOT NULL;
    ANALYZE;
END
$$;
