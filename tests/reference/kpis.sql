-- =============================================================================
-- Independent plain-SQL / PL/pgSQL reference formulations of the revenue
-- and engagement KPIs, written from the written definitions only
-- (../shared/reference/metrics.md and the revenue and engagement briefs).
-- No extension function is used anywhere: PostgreSQL 15 built-ins only.
--
-- Every function takes the source table as a regclass (a table, view or temp
-- table name, e.g. 'pg_temp.mrr_src' or 'customer_mrr'), reads it with
-- format('%s', src) + EXECUTE, and expects these column names:
--
--   ref.mrr_movements / ref.revenue_kpis : (customer, month, mrr)
--        customer  any type with equality (text, bigint, uuid ...);
--        month     date (a timestamp works too: it is cast to date first);
--        mrr       numeric (any numeric type).
--   ref.lifecycle / ref.retention / ref.daily_activity : ("key", "day")
--        key       any type with equality;
--        day       date (a timestamp is cast to date, i.e. the day is taken
--                  in the session TimeZone for timestamptz; the extension's
--                  zone handling is NOT reproduced here: feed local days).
--
-- Common choices (where the definitions are silent):
--   * Rows whose customer/key or month/day is NULL are ignored.
--   * NULL mrr counts as 0 (sum() skips it; a customer-month whose rows are
--     all NULL has 0 MRR, but its month still belongs to the data's range).
--   * A negative mrr on any input row raises SQLSTATE 22003 (as mrr_agg does
--     by definition). An unknown grain, a NULL grain or a negative `periods`
--     raises 22023.
--   * An empty table (no usable row) returns no rows.
--   * Money is computed exactly in numeric. Ratios/percentages are computed
--     exactly in numeric (PostgreSQL's default division scale) and cast to
--     double precision at the very end, so compare them with a relative
--     tolerance (1e-12 is ample), not bit for bit. arpa is plain
--     numeric / bigint division (not rounded): compare it with a tolerance or
--     after rounding both sides to the same scale.
--   * Nothing here is built for speed: the MRR spine is customers x months and
--     daily_activity is a range self-join. Keep the inputs small-to-moderate.
-- =============================================================================

CREATE SCHEMA IF NOT EXISTS ref;

-- -----------------------------------------------------------------------------
-- 1. ref.mrr_movements(src regclass, reactivation_within interval DEFAULT NULL)
--
-- Rules implemented:
--   * month := date_trunc('month', month)::date; rows of one customer-month are
--     summed.
--   * Spine: every month from the first to the last month present in the data
--     (any row counts, including rows with mrr 0 or NULL), none skipped.
--   * Every customer that appears anywhere has a value in every spine month;
--     no row = 0 MRR. "Paying" means MRR > 0.
--   * prev = the customer's MRR in the previous spine month (0 for the first
--     spine month, so in the first month every paying customer is new and
--     starting_mrr = starting_customers = 0).
--   * Per customer-month, with cur = this month's MRR:
--       prev = 0, cur > 0, never paid (MRR > 0) in an earlier month  -> new
--       prev = 0, cur > 0, paid in an earlier month                  -> reactivation,
--           except when reactivation_within IS NOT NULL and the gap is longer
--           than it: then new (new_mrr / new_customers).
--       prev > 0, cur > prev  -> expansion   (amount cur - prev)
--       prev > 0, 0 < cur < prev -> contraction (amount prev - cur)
--       prev > 0, cur = 0     -> churn       (amount prev)
--       prev = cur            -> unchanged (counted in no movement)
--   * The gap (reactivation_within): L = the last month before this one with
--     MRR > 0, M = this month. gap_months = 12*(year(M)-year(L)) +
--     (month(M)-month(L)); e.g. paid in January, absent February and March,
--     back in April: gap_months = 3. The return is a reactivation iff
--         make_interval(months => gap_months) <= reactivation_within
--     using PostgreSQL's interval comparison, in which 1 month = 30 days.
--     So '90 days' accepts gaps of up to 3 months (Jan -> Apr = 90 days) and
--     rejects 4 (Jan -> May = 120 days > 90); '3 months' is the same as
--     '90 days'; '1 month' rejects every return (the smallest gap is 2,
--     one absent month). The bound is inclusive. The gap does NOT depend on
--     calendar day counts (Jan -> Apr is 3 months = 90 days even though
--     2024-01-01 + 90 days = 2024-03-31). An alternative reading,
--     "L + reactivation_within >= M" with date arithmetic, differs exactly on
--     such boundaries (with '90 days' it rejects Jan -> Apr); this file does
--     not use it.
--   * Customer counts: starting_customers = paying in the previous spine month,
--     ending_customers = paying this month; new/reactivated/expanded/contracted/
--     churned_customers = customers with that movement.
--   * Identities (checked in the tests below): starting + new + reactivation +
--     expansion - contraction - churned = ending (both for MRR and for
--     customers without expanded/contracted), ending = next row's starting.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.mrr_movements(src regclass,
                                             reactivation_within interval DEFAULT NULL)
RETURNS TABLE(month date, starting_mrr numeric, new_mrr numeric,
              reactivation_mrr numeric, expansion_mrr numeric,
              contraction_mrr numeric, churned_mrr numeric, ending_mrr numeric,
              starting_customers bigint, new_customers bigint,
              reactivated_customers bigint, expanded_customers bigint,
              contracted_customers bigint, churned_customers bigint,
              ending_customers bigint)
LANGUAGE plpgsql STABLE AS
$fn$
DECLARE
    has_negative boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE "mrr" < 0)', src)
        INTO has_negative;
    IF has_negative THEN
        RAISE EXCEPTION 'negative MRR in %', src USING ERRCODE = '22003';
    END IF;

    RETURN QUERY EXECUTE format($q$
    WITH rows AS (
        SELECT "customer" AS c,
               date_trunc('month', "month"::date::timestamp)::date AS m,
               "mrr"::numeric AS v
        FROM %s
        WHERE "customer" IS NOT NULL AND "month" IS NOT NULL
    ),
    cm AS (                                   -- one row per customer-month
        SELECT c, m, coalesce(sum(v), 0) AS v FROM rows GROUP BY c, m
    ),
    spine AS (
        SELECT gs::date AS m
        FROM (SELECT min(m) AS lo, max(m) AS hi FROM cm) b,
             generate_series(b.lo::timestamp, b.hi::timestamp, interval '1 month') gs
    ),
    grid AS (                                 -- every customer x every month
        SELECT cu.c, s.m, coalesce(cm.v, 0) AS cur
        FROM (SELECT DISTINCT c FROM cm) cu
        CROSS JOIN spine s
        LEFT JOIN cm ON cm.c = cu.c AND cm.m = s.m
    ),
    lagged AS (
        SELECT c, m, cur,
               coalesce(lag(cur) OVER (PARTITION BY c ORDER BY m), 0) AS prev,
               max(CASE WHEN cur > 0 THEN m END)
                   OVER (PARTITION BY c ORDER BY m
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_paid
        FROM grid
    ),
    cls AS (
        SELECT m, cur, prev,
               CASE
                 WHEN prev = 0 AND cur > 0 THEN
                   CASE
                     WHEN last_paid IS NULL THEN 'new'
                     WHEN $1 IS NULL THEN 'reactivation'
                     WHEN make_interval(months =>
                            ((extract(year FROM m) - extract(year FROM last_paid)) * 12
                             + extract(month FROM m) - extract(month FROM last_paid))::int)
                          <= $1 THEN 'reactivation'
                     ELSE 'new'
                   END
                 WHEN prev > 0 AND cur > prev THEN 'expansion'
                 WHEN prev > 0 AND cur > 0 AND cur < prev THEN 'contraction'
                 WHEN prev > 0 AND cur = 0 THEN 'churn'
               END AS kind
        FROM lagged
    )
    SELECT m,
           sum(prev),
           coalesce(sum(cur) FILTER (WHERE kind = 'new'), 0),
           coalesce(sum(cur) FILTER (WHERE kind = 'reactivation'), 0),
           coalesce(sum(cur - prev) FILTER (WHERE kind = 'expansion'), 0),
           coalesce(sum(prev - cur) FILTER (WHERE kind = 'contraction'), 0),
           coalesce(sum(prev) FILTER (WHERE kind = 'churn'), 0),
           sum(cur),
           count(*) FILTER (WHERE prev > 0),
           count(*) FILTER (WHERE kind = 'new'),
           count(*) FILTER (WHERE kind = 'reactivation'),
           count(*) FILTER (WHERE kind = 'expansion'),
           count(*) FILTER (WHERE kind = 'contraction'),
           count(*) FILTER (WHERE kind = 'churn'),
           count(*) FILTER (WHERE cur > 0)
    FROM cls
    GROUP BY m
    ORDER BY m
    $q$, src) USING reactivation_within;
END
$fn$;

-- -----------------------------------------------------------------------------
-- 2. ref.revenue_kpis(src regclass)
--
-- Built on ref.mrr_movements(src) with the default (any gap = reactivation).
-- Per month (month over month, previous spine month -> this month):
--   mrr                  = ending_mrr
--   paying_customers     = ending_customers (a customer with several rows in a
--                          month counts once)
--   arpa                 = mrr / paying_customers   (numeric, NULL if 0 payers)
--   nrr                  = 100 (start + expansion - churn - contraction) / start
--   grr                  = 100 (start - churn - contraction) / start
--                          (expansion, contraction and churn only ever concern
--                          customers paying the previous month, so this equals
--                          the per-customer formulation "sum over customers
--                          paying last month of cur (nrr) / least(cur, prev)
--                          (grr), over sum prev"; new business and
--                          reactivation are excluded)
--   gross_mrr_churn_rate = 100 (churn + contraction) / start
--   net_mrr_churn_rate   = 100 (churn + contraction - expansion - reactivation)
--                          / start   (ChartMogul: reactivation offsets; so
--                          100 - net churn need not equal nrr)
--   quick_ratio          = (new + reactivation + expansion) / (churn + contraction)
--                          (a ratio, not a percentage; Baremetrics' own formula
--                          omits reactivation, this one includes it)
--   customer_churn_rate  = 100 churned_customers / starting_customers
--                          (Baremetrics: denominator = customers paying the
--                          previous month; new customers not added)
--   expansion_rate       = 100 expansion / start
-- start = starting_mrr. NULL wherever the denominator is 0 (all of them in the
-- first month of the data, where start is 0). Ratios computed in numeric and
-- cast to double precision at the end.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.revenue_kpis(src regclass)
RETURNS TABLE(month date, mrr numeric, paying_customers bigint, arpa numeric,
              nrr double precision, grr double precision,
              gross_mrr_churn_rate double precision,
              net_mrr_churn_rate double precision,
              quick_ratio double precision,
              customer_churn_rate double precision,
              expansion_rate double precision)
LANGUAGE sql STABLE AS
$fn$
    SELECT mv.month,
           mv.ending_mrr,
           mv.ending_customers,
           mv.ending_mrr / nullif(mv.ending_customers, 0),
           (100 * (mv.starting_mrr + mv.expansion_mrr - mv.churned_mrr - mv.contraction_mrr)
                / nullif(mv.starting_mrr, 0))::double precision,
           (100 * (mv.starting_mrr - mv.churned_mrr - mv.contraction_mrr)
                / nullif(mv.starting_mrr, 0))::double precision,
           (100 * (mv.churned_mrr + mv.contraction_mrr)
                / nullif(mv.starting_mrr, 0))::double precision,
           (100 * (mv.churned_mrr + mv.contraction_mrr - mv.expansion_mrr - mv.reactivation_mrr)
                / nullif(mv.starting_mrr, 0))::double precision,
           ((mv.new_mrr + mv.reactivation_mrr + mv.expansion_mrr)
                / nullif(mv.churned_mrr + mv.contraction_mrr, 0))::double precision,
           (100 * mv.churned_customers::numeric
                / nullif(mv.starting_customers, 0))::double precision,
           (100 * mv.expansion_mrr / nullif(mv.starting_mrr, 0))::double precision
    FROM ref.mrr_movements(src) mv
    ORDER BY mv.month
$fn$;

-- -----------------------------------------------------------------------------
-- Helper: the period start of a day for a grain.
--   'day'         the day itself
--   'week'        ISO week, starts Monday   (date_trunc('week', ...))
--   'week_sunday' week starting Sunday      (date_trunc('week', d + 1) - 1)
--   'month'       first day of the month
-- Anything else (or NULL) raises 22023. Grain names are case-sensitive
-- (lower case only).
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.period_start(d date, grain text)
RETURNS date LANGUAGE plpgsql IMMUTABLE AS
$fn$
BEGIN
    CASE grain
        WHEN 'day'         THEN RETURN d;
        WHEN 'week'        THEN RETURN date_trunc('week', d::timestamp)::date;
        WHEN 'week_sunday' THEN RETURN date_trunc('week', (d + 1)::timestamp)::date - 1;
        WHEN 'month'       THEN RETURN date_trunc('month', d::timestamp)::date;
        ELSE RAISE EXCEPTION 'unknown grain: %', coalesce(grain, 'NULL')
                 USING ERRCODE = '22023';
    END CASE;
END
$fn$;

-- The step between consecutive periods of a grain (errors like period_start).
CREATE OR REPLACE FUNCTION ref.period_step(grain text)
RETURNS interval LANGUAGE plpgsql IMMUTABLE AS
$fn$
BEGIN
    CASE grain
        WHEN 'day'         THEN RETURN interval '1 day';
        WHEN 'week'        THEN RETURN interval '7 days';
        WHEN 'week_sunday' THEN RETURN interval '7 days';
        WHEN 'month'       THEN RETURN interval '1 month';
        ELSE RAISE EXCEPTION 'unknown grain: %', coalesce(grain, 'NULL')
                 USING ERRCODE = '22023';
    END CASE;
END
$fn$;

-- -----------------------------------------------------------------------------
-- 3. ref.lifecycle(src regclass, grain text, report_from date DEFAULT NULL)
--
-- grain: 'day', 'week' (ISO, Monday) or 'month' ('week_sunday' is rejected
-- with 22023 here, as lifecycle defines only these three).
-- A key is active in a period if it has at least one row whose day falls in it.
-- Reported periods: every period from
--     report_from IS NULL : the first period of the data
--     otherwise           : period_start(report_from, grain), exactly, even if
--                           it is before the first period of the data (then
--                           the leading periods are reported with zeros)
-- to the last period of the data, none skipped. If report_from's period is after
-- the last period of the data, no rows. Periods before the first reported one
-- are history only: they are used to decide new / resurrecting / dormant but
-- are not reported.
-- For each reported period P (prev = P - one step):
--   new_users          active in P and P is the key's first active period
--                      in the whole data (history included)
--   returning_users    active in P and in prev
--   resurrecting_users active in P, not in prev, active in some period < prev
--   dormant_users      active in prev, not in P (positive count). In the first
--                      reported period this looks at the history period
--                      before it (0 without report_from, as nothing precedes
--                      the data). The period after the last data period is not
--                      reported, so the dormancy after it is not shown.
-- Identity: active(P) = new + returning + resurrecting;
--           active(prev) = returning + dormant.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.lifecycle(src regclass, grain text,
                                         report_from date DEFAULT NULL)
RETURNS TABLE(period date, new_users bigint, returning_users bigint,
              resurrecting_users bigint, dormant_users bigint)
LANGUAGE plpgsql STABLE AS
$fn$
DECLARE
    step interval;
BEGIN
    IF grain IS NULL OR grain NOT IN ('day', 'week', 'month') THEN
        RAISE EXCEPTION 'unknown grain for lifecycle: %', coalesce(grain, 'NULL')
            USING ERRCODE = '22023';
    END IF;
    step := ref.period_step(grain);

    RETURN QUERY EXECUTE format($q$
    WITH act AS (                               -- distinct (key, period)
        SELECT DISTINCT "key" AS k, ref.period_start("day"::date, $1) AS p
        FROM %s
        WHERE "key" IS NOT NULL AND "day" IS NOT NULL
    ),
    firsts AS (SELECT k, min(p) AS fp FROM act GROUP BY k),
    bounds AS (
        SELECT coalesce(ref.period_start($2, $1), min(p)) AS lo, max(p) AS hi
        FROM act
    ),
    spine AS (
        SELECT gs::date AS p
        FROM bounds, generate_series(lo::timestamp, hi::timestamp, $3) gs
    ),
    cur AS (                                    -- classify each active (key, P)
        SELECT a.p,
               CASE
                 WHEN f.fp = a.p THEN 'new'
                 WHEN pr.k IS NOT NULL THEN 'returning'
                 ELSE 'resurrecting'
               END AS kind
        FROM act a
        JOIN firsts f ON f.k = a.k
        LEFT JOIN act pr ON pr.k = a.k AND pr.p = (a.p - $3)::date
    ),
    dorm AS (                                   -- active in prev, not in P
        SELECT (a.p + $3)::date AS p
        FROM act a
        WHERE NOT EXISTS (SELECT 1 FROM act n
                          WHERE n.k = a.k AND n.p = (a.p + $3)::date)
    )
    SELECT s.p,
           (SELECT count(*) FROM cur WHERE cur.p = s.p AND kind = 'new'),
           (SELECT count(*) FROM cur WHERE cur.p = s.p AND kind = 'returning'),
           (SELECT count(*) FROM cur WHERE cur.p = s.p AND kind = 'resurrecting'),
           (SELECT count(*) FROM dorm WHERE dorm.p = s.p)
    FROM spine s
    ORDER BY s.p
    $q$, src) USING grain, report_from, step;
END
$fn$;

-- -----------------------------------------------------------------------------
-- 4. ref.retention(src regclass, grain text, periods int)
--
-- grain: 'day', 'week' (Monday), 'week_sunday' (Sunday), 'month'.
-- periods < 0 or NULL -> 22023.
-- cohort        = the key's first active period (over the whole table)
-- cohort_size   = keys of that cohort
-- period_number = n in 0..periods
-- retained      = keys of the cohort active in period cohort + n steps
--                 (n = 0: retained = cohort_size)
-- retention_percent = 100 retained / cohort_size (double precision)
-- Rows: one per cohort and n, ONLY while cohort + n steps <= the last period
-- present in the data (max period over all rows). Periods after the data's
-- end are omitted, not reported as 0. Periods inside the data where the
-- cohort has nobody active ARE reported, with retained = 0.
-- Ordered by cohort, period_number.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.retention(src regclass, grain text, periods int)
RETURNS TABLE(cohort date, period_number integer, cohort_size bigint,
              retained bigint, retention_percent double precision)
LANGUAGE plpgsql STABLE AS
$fn$
DECLARE
    step interval;
BEGIN
    step := ref.period_step(grain);             -- validates grain
    IF periods IS NULL OR periods < 0 THEN
        RAISE EXCEPTION 'periods must be >= 0, got %', coalesce(periods::text, 'NULL')
            USING ERRCODE = '22023';
    END IF;

    RETURN QUERY EXECUTE format($q$
    WITH act AS (
        SELECT DISTINCT "key" AS k, ref.period_start("day"::date, $1) AS p
        FROM %s
        WHERE "key" IS NOT NULL AND "day" IS NOT NULL
    ),
    firsts AS (SELECT k, min(p) AS c FROM act GROUP BY k),
    sizes  AS (SELECT c, count(*) AS size FROM firsts GROUP BY c),
    last_p AS (SELECT max(p) AS hi FROM act),
    cells AS (
        SELECT s.c, n, (s.c + n * $3)::date AS target, s.size
        FROM sizes s
        CROSS JOIN generate_series(0, $2) n
        CROSS JOIN last_p
        WHERE (s.c + n * $3)::date <= last_p.hi
    )
    SELECT x.c, x.n::int, x.size,
           count(a.k),
           (100 * count(a.k)::numeric / x.size)::double precision
    FROM cells x
    LEFT JOIN firsts f ON f.c = x.c
    LEFT JOIN act a ON a.k = f.k AND a.p = x.target
    GROUP BY x.c, x.n, x.size
    ORDER BY x.c, x.n
    $q$, src) USING grain, periods, step;
END
$fn$;

-- -----------------------------------------------------------------------------
-- 5. ref.daily_activity(src regclass)
--
-- For every day d from the first to the last day of the data, none skipped:
--   dau = distinct keys active on d
--   wau = distinct keys active in [d - 6, d]   (7 days ending on d)
--   mau = distinct keys active in [d - 29, d]  (30 days ending on d)
--   stickiness = 100 dau / mau, double precision, point-in-time (this day's
--                DAU over the trailing-30-day MAU, PostHog's second form; not
--                the calendar-month average DAU / month users of
--                stickiness(s, month)); NULL when mau = 0 (possible after a
--                gap of 30+ days).
-- Windows reaching before the first day of the data simply find no rows.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ref.daily_activity(src regclass)
RETURNS TABLE(day date, dau bigint, wau bigint, mau bigint,
              stickiness double precision)
LANGUAGE plpgsql STABLE AS
$fn$
BEGIN
    RETURN QUERY EXECUTE format($q$
    WITH act AS (
        SELECT DISTINCT "key" AS k, "day"::date AS d
        FROM %s
        WHERE "key" IS NOT NULL AND "day" IS NOT NULL
    ),
    spine AS (
        SELECT gs::date AS d
        FROM (SELECT min(d) AS lo, max(d) AS hi FROM act) b,
             generate_series(b.lo::timestamp, b.hi::timestamp, interval '1 day') gs
    ),
    counts AS (
        SELECT s.d,
               count(DISTINCT a.k) FILTER (WHERE a.d = s.d)      AS dau,
               count(DISTINCT a.k) FILTER (WHERE a.d >= s.d - 6)  AS wau,
               count(DISTINCT a.k)                                AS mau
        FROM spine s
        LEFT JOIN act a ON a.d BETWEEN s.d - 29 AND s.d
        GROUP BY s.d
    )
    SELECT d, dau, wau, mau,
           (100 * dau::numeric / nullif(mau, 0))::double precision
    FROM counts
    ORDER BY d
    $q$, src);
END
$fn$;

/* =============================================================================
HAND-COMPUTED CHECKS (run on PostgreSQL 15; every expected value below was
worked out by hand first, then matched by the functions above). To run: copy
the SQL out of this comment into psql after loading this file.

------------------------------------------------------------------------------
A. MRR. Data (spine Jan..Jun 2024; April has no row at all):
   A: Jan 100, Feb 150 (expansion), Mar 120 (contraction), Apr - (churn),
      May 120 (reactivation, gap Mar->May = 2 months), Jun 120 (unchanged)
   B: Jan 50, Feb - (gap month: churn), Mar 60 (reactivation), Apr - (churn)
   C: two rows in Feb (30 on 02-01, 20 on 02-20 -> 50, new), Mar 50, Apr -,
      May 50 (reactivation), Jun explicit 0 (churn in the last month)
   D: Jan 40 (row dated 2024-01-10: truncated to Jan), absent Feb-Apr, May 40
      (gap Jan->May = 4 months: reactivation by default; new with '90 days')
   E: Jun 10 (new in the last month)

CREATE TEMP TABLE mrr_src(customer text, month date, mrr numeric);
INSERT INTO mrr_src VALUES
 ('A','2024-01-01',100),('B','2024-01-01',50),('D','2024-01-10',40),
 ('A','2024-02-01',150),('C','2024-02-01',30),('C','2024-02-20',20),
 ('A','2024-03-01',120),('B','2024-03-01',60),('C','2024-03-01',50),
 ('A','2024-05-01',120),('C','2024-05-01',50),('D','2024-05-01',40),
 ('A','2024-06-01',120),('C','2024-06-01',0),('E','2024-06-01',10);

SELECT * FROM ref.mrr_movements('mrr_src');
-- month     |start|new|react|exp|contr|churn|end|s_c|n_c|r_c|e_c|c_c|ch_c|e_c
-- 2024-01-01|   0 |190|   0 |  0|   0 |   0 |190| 0 | 3 | 0 | 0 | 0 | 0  | 3
-- 2024-02-01| 190 | 50|   0 | 50|   0 |  90 |200| 3 | 1 | 0 | 1 | 0 | 2  | 2
-- 2024-03-01| 200 |  0|  60 |  0|  30 |   0 |230| 2 | 0 | 1 | 0 | 1 | 0  | 3
-- 2024-04-01| 230 |  0|   0 |  0|   0 | 230 |  0| 3 | 0 | 0 | 0 | 0 | 3  | 0
-- 2024-05-01|   0 |  0| 210 |  0|   0 |   0 |210| 0 | 0 | 3 | 0 | 0 | 0  | 3
-- 2024-06-01| 210 | 10|   0 |  0|   0 |  90 |130| 3 | 1 | 0 | 0 | 0 | 2  | 2
-- (columns in order: month, starting_mrr, new_mrr, reactivation_mrr,
--  expansion_mrr, contraction_mrr, churned_mrr, ending_mrr, starting_customers,
--  new_customers, reactivated_customers, expanded_customers,
--  contracted_customers, churned_customers, ending_customers)

-- reactivation window: gap months as an interval (1 month = 30 days), <= bound
SELECT month, new_mrr, reactivation_mrr, new_customers, reactivated_customers
FROM ref.mrr_movements('mrr_src', interval '90 days');
-- identical to the default except 2024-05-01: new 40 / reactivation 170,
-- new_customers 1 / reactivated_customers 2   (D's 4-month gap = 120 days > 90;
-- A and C: 2 months = 60 days; B in March: 2 months)
SELECT month, new_mrr, reactivation_mrr FROM ref.mrr_movements('mrr_src', interval '4 months');
-- identical to the default (D: 4 months <= 4 months, inclusive bound)
SELECT month, new_mrr, reactivation_mrr FROM ref.mrr_movements('mrr_src', interval '119 days');
-- 2024-05-01: new 40, reactivation 170 (120 days > 119)
SELECT month, new_mrr, reactivation_mrr FROM ref.mrr_movements('mrr_src', interval '1 month');
-- every return is new: 2024-03-01 new 60 react 0; 2024-05-01 new 210 react 0

SELECT * FROM ref.revenue_kpis('mrr_src');
-- month     |mrr|pay|arpa                |nrr               |grr              |gross             |net               |quick             |cust_churn       |exp_rate
-- 2024-01-01|190| 3 | 63.3333333333333333| NULL             | NULL            | NULL             | NULL             | NULL (190/0)     | NULL            | NULL
-- 2024-02-01|200| 2 |100.0000000000000000| 78.94736842105263| 52.63157894736842| 47.36842105263158| 21.05263157894737| 1.1111111111111112| 66.66666666666667| 26.31578947368421
-- 2024-03-01|230| 3 | 76.6666666666666667| 85               | 85              | 15               | -15              | 2                | 0               | 0
-- 2024-04-01|  0| 0 | NULL               | 0                | 0               | 100              | 100              | 0                | 100             | 0
-- 2024-05-01|210| 3 | 70.0000000000000000| NULL             | NULL            | NULL             | NULL             | NULL (210/0)     | NULL            | NULL
-- 2024-06-01|130| 2 | 65.0000000000000000| 57.142857142857146| 57.142857142857146| 42.857142857142854| 42.857142857142854| 0.1111111111111111| 66.66666666666667| 0
-- by hand: Feb nrr = 100(190+50-90-0)/190 = 15000/190; grr = 100(190-90)/190;
--   gross = 9000/190; net = 100(90-50-0)/190 = 4000/190; quick = (50+0+50)/90;
--   customer churn = 100*2/3; expansion = 5000/190.
--   Mar net = 100(0+30-0-60)/200 = -15; quick = (0+60+0)/30 = 2.
--   Jun nrr = grr = 100(210-90)/210; quick = 10/90.

-- empty input -> 0 rows; a row with mrr < 0 -> SQLSTATE 22003.

------------------------------------------------------------------------------
B. Activity. Data (weekday in brackets):
   u1: 2024-01-05 [Fri], 2024-02-10 [Sat], 2024-03-03 [Sun]
   u2: 2024-01-20 [Sat], 2024-03-15 [Fri]
   u3: 2024-02-01 [Thu], 2024-02-28 [Wed]          (two days in one month)
   u4: 2023-12-10 [Sun]            (only before report_from: dormant in Jan)
   u5: 2023-11-02 [Thu]            (only before report_from: invisible)
   u6: 2023-11-20 [Mon], 2024-03-05 [Tue] (resurrecting in Mar, not new)
   u7: 2024-03-31 [Sun]

CREATE TEMP TABLE act_src("key" text, "day" date);
INSERT INTO act_src VALUES
 ('u1','2024-01-05'),('u1','2024-02-10'),('u1','2024-03-03'),
 ('u2','2024-01-20'),('u2','2024-03-15'),
 ('u3','2024-02-01'),('u3','2024-02-28'),
 ('u4','2023-12-10'),
 ('u5','2023-11-02'),
 ('u6','2023-11-20'),('u6','2024-03-05'),
 ('u7','2024-03-31');

SELECT * FROM ref.lifecycle('act_src', 'month');
-- period    | new | returning | resurrecting | dormant
-- 2023-11-01|  2  |    0      |     0        |   0      (u5, u6 new)
-- 2023-12-01|  1  |    0      |     0        |   2      (u4 new; u5, u6 dormant)
-- 2024-01-01|  2  |    0      |     0        |   1      (u1, u2 new; u4 dormant)
-- 2024-02-01|  1  |    1      |     0        |   1      (u3 new; u1 ret; u2 dormant)
-- 2024-03-01|  1  |    1      |     2        |   1      (u7 new; u1 ret; u2, u6 res; u3 dormant)

SELECT * FROM ref.lifecycle('act_src', 'month', '2024-01-15');
-- the last three rows above, unchanged (2024-01-01, 2024-02-01, 2024-03-01):
-- history before January makes u6 resurrecting in March (not new) and
-- u4 dormant in January; u5 (active only in Nov) appears nowhere.

SELECT * FROM ref.lifecycle('act_src', 'week', '2024-02-26');
-- ISO weeks: u1 -> 01-01, 02-05, 02-26 (Sun 03-03 belongs to the week of 02-26)
--            u2 -> 01-15, 03-11; u3 -> 01-29, 02-26; u6 -> 2023-11-20, 03-04;
--            u7 -> 03-25 (Sun 03-31); nobody active in the week of 02-19.
-- period    | new | returning | resurrecting | dormant
-- 2024-02-26|  0  |    0      |     2        |   0      (u1, u3)
-- 2024-03-04|  0  |    0      |     1        |   2      (u6; u1, u3 dormant)
-- 2024-03-11|  0  |    0      |     1        |   1      (u2; u6 dormant)
-- 2024-03-18|  0  |    0      |     0        |   1      (u2 dormant)
-- 2024-03-25|  1  |    0      |     0        |   0      (u7 new)

SELECT * FROM ref.lifecycle('act_src', 'day', '2024-03-02') WHERE period <= '2024-03-06';
-- 2024-03-02 | 0 | 0 | 0 | 0
-- 2024-03-03 | 0 | 0 | 1 | 0   (u1)
-- 2024-03-04 | 0 | 0 | 0 | 1
-- 2024-03-05 | 0 | 0 | 1 | 0   (u6)
-- 2024-03-06 | 0 | 0 | 0 | 1
-- (the full result runs to 2024-03-31: 30 rows)

SELECT * FROM ref.lifecycle('act_src', 'month', '2023-09-30');
-- 2023-09-01 and 2023-10-01 with all zeros, then the five monthly rows above.
SELECT * FROM ref.lifecycle('act_src', 'month', '2024-04-01');   -- 0 rows

SELECT * FROM ref.retention('act_src', 'month', 2);
-- cohorts: Nov {u5,u6}, Dec {u4}, Jan {u1,u2}, Feb {u3}, Mar {u7}; last period Mar
-- cohort    | n | size | retained | percent
-- 2023-11-01| 0 |  2   |   2      | 100
-- 2023-11-01| 1 |  2   |   0      |   0
-- 2023-11-01| 2 |  2   |   0      |   0
-- 2023-12-01| 0 |  1   |   1      | 100
-- 2023-12-01| 1 |  1   |   0      |   0
-- 2023-12-01| 2 |  1   |   0      |   0
-- 2024-01-01| 0 |  2   |   2      | 100
-- 2024-01-01| 1 |  2   |   1      |  50   (u1 in Feb)
-- 2024-01-01| 2 |  2   |   2      | 100   (u1, u2 in Mar)
-- 2024-02-01| 0 |  1   |   1      | 100
-- 2024-02-01| 1 |  1   |   0      |   0
-- 2024-03-01| 0 |  1   |   1      | 100
-- (Feb n=2 = April and Mar n=1,2 are after the data's last period: no rows)

CREATE TEMP TABLE wk_src("key" text, "day" date);
INSERT INTO wk_src VALUES ('w1','2024-03-03'),('w1','2024-03-04'),   -- Sun, Mon
                          ('w2','2024-03-09'),('w2','2024-03-10');   -- Sat, Sun
SELECT * FROM ref.retention('wk_src', 'week', 1);
-- 2024-02-26 | 0 | 1 | 1 | 100
-- 2024-02-26 | 1 | 1 | 1 | 100     (w1 on Mon 03-04)
-- 2024-03-04 | 0 | 1 | 1 | 100     (w2; n=1 = 03-11 is after the data)
SELECT * FROM ref.retention('wk_src', 'week_sunday', 1);
-- 2024-03-03 | 0 | 2 | 2 | 100
-- 2024-03-03 | 1 | 2 | 1 |  50     (w2 on Sun 03-10)
SELECT * FROM ref.retention('wk_src', 'day', 1);
-- 2024-03-03 | 0 | 1 | 1 | 100
-- 2024-03-03 | 1 | 1 | 1 | 100
-- 2024-03-09 | 0 | 1 | 1 | 100
-- 2024-03-09 | 1 | 1 | 1 | 100
SELECT * FROM ref.retention('wk_src', 'day', 0);
-- 2024-03-03 | 0 | 1 | 1 | 100
-- 2024-03-09 | 0 | 1 | 1 | 100
-- unknown grain ('year', 'fortnight'; 'week_sunday' for lifecycle) -> 22023;
-- periods = -1 -> 22023; empty input -> 0 rows.

------------------------------------------------------------------------------
C. Daily activity. k1 on 01-01 (twice) and 01-02; k4 only 01-01; k2 on 01-02
   and 01-08; k3 on 01-31; k5 on 03-02 (a gap of 30 days with mau = 0).

CREATE TEMP TABLE da_src("key" text, "day" date);
INSERT INTO da_src VALUES ('k1','2024-01-01'),('k1','2024-01-01'),('k1','2024-01-02'),
 ('k4','2024-01-01'),('k2','2024-01-02'),('k2','2024-01-08'),('k3','2024-01-31'),
 ('k5','2024-03-02');
SELECT * FROM ref.daily_activity('da_src')
WHERE day IN ('2024-01-01','2024-01-02','2024-01-03','2024-01-07','2024-01-08',
              '2024-01-09','2024-01-15','2024-01-30','2024-01-31','2024-02-29',
              '2024-03-01','2024-03-02');
-- day       | dau | wau | mau | stickiness
-- 2024-01-01|  2  |  2  |  2  | 100
-- 2024-01-02|  2  |  3  |  3  | 66.66666666666667
-- 2024-01-03|  0  |  3  |  3  | 0
-- 2024-01-07|  0  |  3  |  3  | 0            (wau window 01-01..01-07)
-- 2024-01-08|  1  |  2  |  3  | 33.333333333333336  (k4 left the 7-day window)
-- 2024-01-09|  0  |  1  |  3  | 0
-- 2024-01-15|  0  |  0  |  3  | 0
-- 2024-01-30|  0  |  0  |  3  | 0            (mau window 01-01..01-30 keeps k4)
-- 2024-01-31|  1  |  1  |  3  | 33.333333333333336  (k4 out; k1 via 01-02, k2, k3)
-- 2024-02-29|  0  |  0  |  1  | 0            (window 01-31..02-29: k3)
-- 2024-03-01|  0  |  0  |  0  | NULL         (window 02-01..03-01 empty)
-- 2024-03-02|  1  |  1  |  1  | 100
SELECT count(*) FROM ref.daily_activity('da_src');   -- 62 (31 + 29 + 2 days)

------------------------------------------------------------------------------
D. Random-data self-checks that passed (300 customers, 4,000 rows, 27 months,
   with mrr 0 rows, gaps and duplicates; 200 keys, 3,000 activity rows):
   starting + new + reactivation + expansion - contraction - churned = ending
   and starting_customers + new + reactivated - churned = ending_customers on
   every row; ending_mrr = sum(mrr) of the month; ending = next starting;
   new + reactivation identical with and without a window; lifecycle:
   active(P) = new + returning + resurrecting and active(P - 1) = returning +
   dormant; lifecycle with report_from = the tail of lifecycle without it;
   daily_activity = correlated count(DISTINCT) per day for dau, wau and mau.
============================================================================= */
