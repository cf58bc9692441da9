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

-- The rest of the business, for the revenue, customer, engagement and health KPIs. Plain
-- tables as a SaaS company has them; generated once, deterministically, from the accounts and
-- users above.
CREATE TABLE IF NOT EXISTS subscription_months (   -- one row per subscription and month
    account_id  integer NOT NULL REFERENCES accounts,
    month       date NOT NULL,
    mrr         numeric(12, 2) NOT NULL
);
CREATE TABLE IF NOT EXISTS account_lifecycle (     -- when each account started and left
    account_id  integer PRIMARY KEY REFERENCES accounts,
    started_on  date NOT NULL,
    ended_on    date                               -- NULL: still a customer
);
CREATE TABLE IF NOT EXISTS events (                -- product activity (no foreign keys: bulk)
    user_id     integer NOT NULL,
    account_id  integer NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS user_onboarding (
    user_id      integer PRIMARY KEY REFERENCES users,
    signed_up_at timestamptz NOT NULL,
    activated_at timestamptz,                      -- NULL: not (yet) activated
    value_at     timestamptz                       -- first value event; NULL: not reached
);
CREATE TABLE IF NOT EXISTS tickets (
    ticket_id   integer PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES accounts,
    opened_at   timestamptz NOT NULL,
    resolved    boolean NOT NULL,
    resolved_on_first_contact boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    order_id    integer PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES accounts,
    ordered_at  timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS licenses (
    account_id  integer NOT NULL REFERENCES accounts,
    valid       tstzrange NOT NULL,
    seats       integer NOT NULL
);
CREATE TABLE IF NOT EXISTS account_health_signals (       -- health signals counted per account
    account_id  integer NOT NULL REFERENCES accounts,
    signal      text NOT NULL,
    amount      double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS health_weights (weights jsonb NOT NULL);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM subscription_months) THEN
        RETURN;
    END IF;
    PERFORM setseed(0.24);
    -- Accounts start in their sign-up month; about one in four churns, and some of those come
    -- back after a gap; plans expand now and then; one in ten has a second subscription.
    INSERT INTO subscription_months
    SELECT a.account_id, m.month,
           round((CASE a.plan WHEN 'starter' THEN 49 WHEN 'growth' THEN 199 ELSE 999 END)
                 * (1 + 0.25 * floor(extract(month FROM m.month) / (4 + a.account_id % 5)))
                 * (CASE WHEN a.account_id % 10 = 0 AND s.sub = 2 THEN 0.2 ELSE 1 END), 2)
    FROM accounts a
    CROSS JOIN LATERAL (SELECT date_trunc('month', a.signed_up)::date AS first_month,
                               (a.account_id * 37) % 4 = 0 AS churns,
                               (a.account_id * 11) % 3 = 0 AS returns) AS p
    CROSS JOIN LATERAL generate_series(p.first_month, date '2025-12-01', interval '1 month') AS g(m)
    CROSS JOIN LATERAL (SELECT g.m::date AS month) AS m
    CROSS JOIN LATERAL generate_series(1, CASE WHEN a.account_id % 10 = 0 THEN 2 ELSE 1 END) AS s(sub)
    WHERE NOT (p.churns AND m.month >= p.first_month + (2 + a.account_id % 5) * interval '1 month'
               AND NOT (p.returns AND m.month >= p.first_month + (5 + a.account_id % 4) * interval '1 month'));

    INSERT INTO account_lifecycle
    SELECT account_id, min(month),
           CASE WHEN max(month) < date '2025-12-01' THEN (max(month) + interval '1 month')::date END
    FROM subscription_months GROUP BY account_id;

    -- Sign-ups spread over the year (a derived table, so that random() runs once per user).
    INSERT INTO user_onboarding
    SELECT user_id, at,
           CASE WHEN random() < 0.75 THEN at + random() * interval '20 days' END,
           CASE WHEN random() < 0.7 THEN at + random() * interval '40 days' END
    FROM (SELECT user_id, timestamptz '2025-01-01 00:00+00' + random() * interval '360 days' AS at
          FROM users) AS s;

    -- Product activity, in Europe/Paris days as the report reads it: a user is active from
    -- the day they sign up until their account leaves, between 07:00 and 21:00 local time.
    -- How often depends on the user: a few come nearly every working day, most now and then
    -- (a daily chance of 2% to 62%, skewed low), and weekends are quiet, so DAU/MAU lands
    -- where real products are.
    INSERT INTO events
    SELECT u.user_id, u.account_id,
           ((date '2025-01-01' + d) + interval '7 hours' + random() * interval '14 hours')
               AT TIME ZONE 'Europe/Paris'
    FROM users u
    JOIN user_onboarding o USING (user_id)
    JOIN account_lifecycle l USING (account_id)
    CROSS JOIN LATERAL (SELECT 0.02 + 0.6 * power(((u.user_id * 7919) % 1000) / 1000.0, 3) AS daily) AS p
    CROSS JOIN generate_series(0, 364) AS d
    WHERE date '2025-01-01' + d >= (o.signed_up_at AT TIME ZONE 'Europe/Paris')::date
      AND (l.ended_on IS NULL OR date '2025-01-01' + d < l.ended_on)
      AND random() < p.daily * CASE WHEN extract(isodow FROM date '2025-01-01' + d) >= 6 THEN 0.3 ELSE 1 END;

    INSERT INTO tickets
    SELECT t, 1 + (t * 13) % 200, timestamptz '2025-01-01 00:00+00' + random() * interval '365 days',
           resolved, resolved AND random() < 0.7
    FROM (SELECT t, random() < 0.9 AS resolved FROM generate_series(1, 3000) AS t) AS r;

    INSERT INTO orders
    SELECT o, 1 + floor(random() * 200)::int, timestamptz '2025-01-01 00:00+00' + random() * interval '365 days'
    FROM generate_series(1, 1200) AS o;

    INSERT INTO licenses
    SELECT account_id, tstzrange(started_on::timestamptz, ended_on::timestamptz, '[)'),
           5 * (1 + account_id % 8)
    FROM account_lifecycle;

    INSERT INTO account_health_signals
    SELECT account_id, 'logins', count(*)::float8 FROM events
    WHERE occurred_at >= timestamptz '2025-12-01 00:00+00' GROUP BY account_id;
    INSERT INTO account_health_signals
    SELECT account_id, 'cs_engagements', (account_id * 7) % 6 FROM accounts;
    INSERT INTO account_health_signals
    SELECT account_id, 'unresolved_tickets', count(*) FILTER (WHERE NOT resolved)
    FROM tickets GROUP BY account_id;
    INSERT INTO health_weights
    VALUES ('{"logins": 0.5, "cs_engagements": 10, "unresolved_tickets": -20}');
    ANALYZE;
END
$$;
