-- active_ratio(customer, active): distinct customers with at least one active row over distinct
-- customers, for bigint, uuid and text keys.

-- Seed 000: 1,000 customers with 3 users each; users of customers 1-600 include one active
-- user -> 600 of 1,000 = 60.
CREATE TABLE active_seed AS
SELECT c AS customer_id, u AS user_no, c <= 600 AND u = 2 AS active
FROM generate_series(1, 1000) AS c, generate_series(1, 3) AS u;
SELECT active_ratio(customer_id, active) AS bigint_keys,
       active_ratio(customer_id::text, active) AS text_keys,
       active_ratio(md5(customer_id::text)::uuid, active) AS uuid_keys
FROM active_seed;

-- The issue's LEFT JOIN: customer 3 has no user (NULL active: counted, inactive); customer 4's
-- only user has a NULL last_seen_at (inactive). Active: 1 (one of two users recent).
-- 1 of 4 = 25.
CREATE TABLE active_customers (id bigint);
INSERT INTO active_customers VALUES (1), (2), (3), (4);
CREATE TABLE active_users (customer_id bigint, last_seen_at date);
INSERT INTO active_users VALUES (1, '2025-06-15'), (1, '2025-01-01'), (2, '2025-05-31'), (4, NULL);
SELECT active_ratio(c.id, u.last_seen_at >= date '2025-06-01')
FROM active_customers c LEFT JOIN active_users u ON u.customer_id = c.id;
-- A customer whose only rows are NULL: counted as inactive -> 1 of 2 = 50.
SELECT active_ratio(c, a) FROM (VALUES (1, true), (2, NULL), (2, NULL)) AS t(c, a);
-- A NULL customer skips the row: 1 of 1 = 100. Only NULL customers or no rows: NULL.
SELECT active_ratio(c, a) FROM (VALUES (1::bigint, true), (NULL, false)) AS t(c, a);
SELECT active_ratio(c, a) FROM (VALUES (NULL::bigint, true)) AS t(c, a);
SELECT active_ratio(c, a) FROM (VALUES (1::bigint, true)) AS t(c, a) WHERE false;
SELECT active_ratio(c, a) FROM (VALUES ('x'::text, true)) AS t(c, a) WHERE false;
-- Text keys are compared byte for byte: 'a' and 'A' are two customers; multibyte, empty and
-- long (toasted, compressed) keys work. 'é' active, 'a' active, 'A', '', long -> 2 of 5 = 40.
CREATE TABLE active_text_keys (k text, a boolean);
INSERT INTO active_text_keys VALUES ('a', true), ('A', false), ('é', false), ('é', true), ('', false),
    (repeat('long key ', 10000), false), (repeat('long key ', 10000), NULL);
SELECT active_ratio(k, a), count(DISTINCT k) AS customers, count(DISTINCT k) FILTER (WHERE a) AS active
FROM active_text_keys;
-- Per group.
SELECT c % 2 AS half, active_ratio(c, a) FROM (VALUES (1, true), (2, false), (3, false), (4, false), (3, NULL)) AS t(c, a)
GROUP BY 1 ORDER BY 1;

---------------------------------------------------------------------------------------------
-- Random data vs count(DISTINCT) FILTER, serial and forced parallel, every key type.
---------------------------------------------------------------------------------------------
SELECT setseed(0.7);
CREATE TABLE rnd_users AS
SELECT g % 13 AS grp,
       CASE WHEN random() < 0.02 THEN NULL ELSE (random() * 3000)::bigint END AS customer,
       CASE WHEN random() < 0.1 THEN NULL ELSE random() < 0.05 END AS active
FROM generate_series(1, 60000) AS g;
ANALYZE rnd_users;
CREATE FUNCTION active_extension() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, active_ratio(customer, active) AS int8, active_ratio('c' || customer, active) AS text,
               active_ratio(md5(customer::text)::uuid, active) AS uuid
        FROM rnd_users GROUP BY grp) AS r,
    LATERAL (VALUES ('int8', int8), ('text', text), ('uuid', uuid)) AS kv(k, v)
$$;
CREATE FUNCTION active_plain_sql() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, (100.0 * count(DISTINCT customer) FILTER (WHERE active) / nullif(count(DISTINCT customer), 0))::float8 AS r
        FROM rnd_users GROUP BY grp) AS r,
    LATERAL (VALUES ('int8', r), ('text', r), ('uuid', r)) AS kv(k, v)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM active_extension();
CREATE TEMP TABLE plain AS SELECT * FROM active_plain_sql();
SELECT kpi, count(*) AS groups,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value
                          AND coalesce(abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value)), true)) AS mismatches
FROM serial s FULL JOIN plain p USING (grp, kpi)
GROUP BY kpi ORDER BY kpi;
SELECT active_ratio(customer, active) = (SELECT (100.0 * count(DISTINCT customer) FILTER (WHERE active)
                                                 / count(DISTINCT customer))::float8 FROM rnd_users) AS serial_equals_plain
FROM rnd_users;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, active_ratio(customer, active) FROM rnd_users GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT active_ratio(customer, active) FROM rnd_users;
SELECT plan_max('SELECT active_ratio(''c'' || customer, active) FROM rnd_users', 'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT * FROM active_extension();
SELECT count(*) AS compared, count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS mismatches
FROM serial s FULL JOIN parallel p USING (grp, kpi);
-- Ungrouped, parallel, each key type: every worker sees part of a customer's rows.
SELECT active_ratio(customer, active) = r AS int8_equal,
       active_ratio('c' || customer, active) = r AS text_equal,
       active_ratio(md5(customer::text)::uuid, active) = r AS uuid_equal
FROM rnd_users,
     (SELECT (100.0 * count(DISTINCT customer) FILTER (WHERE active) / count(DISTINCT customer))::float8 AS r
      FROM rnd_users) AS p
GROUP BY r;
RESET ALL;

-- As a window function (no moving mode: PostgreSQL restarts the frame when its head moves):
-- growing and sliding frames equal the frame recomputed for every row.
CREATE TABLE win_users AS SELECT row_number() OVER () AS id, customer, active FROM (SELECT * FROM rnd_users LIMIT 800) AS t;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.growing IS DISTINCT FROM r.growing) AS growing_mismatches,
       count(*) FILTER (WHERE w.sliding IS DISTINCT FROM r.sliding AND coalesce(abs(w.sliding - r.sliding) > 1e-9, true)) AS sliding_mismatches
FROM (SELECT id, active_ratio(customer, active) OVER (ORDER BY id) AS growing,
             active_ratio('c' || customer, active) OVER (ORDER BY id ROWS BETWEEN 99 PRECEDING AND CURRENT ROW) AS sliding
      FROM win_users) AS w
JOIN LATERAL (
    SELECT (SELECT active_ratio(customer, active) FROM win_users b WHERE b.id <= w.id) AS growing,
           (SELECT (100.0 * count(DISTINCT customer) FILTER (WHERE active) / nullif(count(DISTINCT customer), 0))::float8
            FROM win_users b WHERE b.id BETWEEN w.id - 99 AND w.id) AS sliding
) AS r ON true;

-- bigint keys are kept in a compressed bitmap: dense ids (chunks turned into bitmaps past 4,096
-- customers), negative ids, ids far apart and the extremes all count as count(DISTINCT) does,
-- serially and in parallel.
CREATE TABLE active_keys AS
SELECT CASE g % 4 WHEN 0 THEN (g * 7919) % 40000
                  WHEN 1 THEN -g::bigint * 1000000007
                  WHEN 2 THEN -9223372036854775808 + g % 5
                  ELSE 9223372036854775807 - g % 3 END AS customer,
       g % 7 = 0 AS active
FROM generate_series(1, 40000) AS g;
SELECT active_ratio(customer, active) = (SELECT (100.0 * count(DISTINCT customer) FILTER (WHERE active)
                                                 / count(DISTINCT customer))::float8 FROM active_keys) AS serial_equal
FROM active_keys;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT active_ratio(customer, active) = (SELECT (100.0 * count(DISTINCT customer) FILTER (WHERE active)
                                                 / count(DISTINCT customer))::float8 FROM active_keys) AS parallel_equal
FROM active_keys;
RESET ALL;
