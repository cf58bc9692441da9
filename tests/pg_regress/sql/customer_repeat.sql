-- repeat_purchase_rate(customer, order_id): customers with 2+ distinct orders over customers
-- with any order.

-- Order lines (one row per item): customer 1 has order 10 twice (one order, two lines);
-- customer 2 has orders 20 and 21; customer 3 has 30, 31, 32; customer 4 has 40.
-- Repeat customers: 2 and 3 -> 2 of 4 = 50.
CREATE TABLE repeat_lines (customer bigint, order_id bigint);
INSERT INTO repeat_lines VALUES (1, 10), (1, 10), (2, 20), (2, 21), (3, 30), (3, 31), (3, 32), (4, 40),
    (5, NULL), (NULL, 50);
SELECT repeat_purchase_rate(customer, order_id) AS int8_int8,
       repeat_purchase_rate(customer, 'o' || order_id) AS int8_text,
       repeat_purchase_rate(customer, md5(order_id::text)::uuid) AS int8_uuid,
       repeat_purchase_rate('c' || customer, order_id) AS text_int8,
       repeat_purchase_rate('c' || customer, 'o' || order_id) AS text_text,
       repeat_purchase_rate(md5(customer::text)::uuid, order_id) AS uuid_int8,
       repeat_purchase_rate(md5(customer::text)::uuid, md5(order_id::text)::uuid) AS uuid_uuid
FROM repeat_lines;
-- NULL customer or order skips the row: customer 5 (only a NULL order) is not a customer with
-- an order. Only such rows, or none: NULL.
SELECT repeat_purchase_rate(customer, order_id) FROM repeat_lines WHERE customer = 5 OR customer IS NULL;
SELECT repeat_purchase_rate(customer, order_id) FROM repeat_lines WHERE false;
-- One customer, one order on many lines: 0; a second order: 100.
SELECT repeat_purchase_rate(c, o) FROM (VALUES (1, 7), (1, 7), (1, 7)) AS t(c, o);
SELECT repeat_purchase_rate(c, o) FROM (VALUES (1, 7), (1, 7), (1, 8)) AS t(c, o);

-- Random data vs count(DISTINCT) per customer, serial and parallel, every customer key type.
SELECT setseed(0.23);
CREATE TABLE rnd_lines AS
SELECT g % 11 AS grp,
       CASE WHEN random() < 0.01 THEN NULL ELSE (random() * 4000)::bigint END AS customer,
       CASE WHEN random() < 0.01 THEN NULL ELSE (random() * 15000)::bigint END AS order_id
FROM generate_series(1, 40000) AS g;
ANALYZE rnd_lines;
CREATE FUNCTION repeat_extension() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, repeat_purchase_rate(customer, order_id) AS int8,
               repeat_purchase_rate('c' || customer, 'o' || order_id) AS text,
               repeat_purchase_rate(md5(customer::text)::uuid, md5(order_id::text)::uuid) AS uuid
        FROM rnd_lines GROUP BY grp) AS r,
    LATERAL (VALUES ('int8', int8), ('text', text), ('uuid', uuid)) AS kv(k, v)
$$;
CREATE FUNCTION repeat_plain_sql() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, (100.0 * count(*) FILTER (WHERE orders >= 2) / count(*))::float8 AS r
        FROM (SELECT grp, customer, count(DISTINCT order_id) AS orders FROM rnd_lines
              WHERE customer IS NOT NULL AND order_id IS NOT NULL GROUP BY grp, customer) AS c
        GROUP BY grp) AS r,
    LATERAL (VALUES ('int8', r), ('text', r), ('uuid', r)) AS kv(k, v)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM repeat_extension();
CREATE TEMP TABLE plain AS SELECT * FROM repeat_plain_sql();
SELECT kpi, count(*) AS groups,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value
                          AND coalesce(abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value)), true)) AS mismatches
FROM serial s FULL JOIN plain p USING (grp, kpi)
GROUP BY kpi ORDER BY kpi;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, repeat_purchase_rate(customer, order_id) FROM rnd_lines GROUP BY grp;
SELECT plan_max('SELECT repeat_purchase_rate(''c'' || customer, ''o'' || order_id) FROM rnd_lines', 'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT * FROM repeat_extension();
SELECT count(*) AS compared, count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS mismatches
FROM serial s FULL JOIN parallel p USING (grp, kpi);
-- Ungrouped in parallel: a customer's orders are split between workers.
CREATE TEMP TABLE parallel_all AS
SELECT repeat_purchase_rate(customer, order_id) AS int8, repeat_purchase_rate('c' || customer, 'o' || order_id) AS text,
       repeat_purchase_rate(md5(customer::text)::uuid, md5(order_id::text)::uuid) AS uuid
FROM rnd_lines;
SELECT int8 = r AS int8_equal, text = r AS text_equal, uuid = r AS uuid_equal
FROM parallel_all,
     (SELECT (100.0 * count(*) FILTER (WHERE orders >= 2) / count(*))::float8 AS r
      FROM (SELECT customer, count(DISTINCT order_id) AS orders FROM rnd_lines
            WHERE customer IS NOT NULL AND order_id IS NOT NULL GROUP BY customer) AS c) AS p;
RESET ALL;
