-- Every aggregate of the extension is parallel safe and has a combine function; counting ones
-- also have a moving mode with an exact inverse. Every function is parallel safe; all are immutable
-- but those that read the session TimeZone.
SELECT p.oid::regprocedure::text AS aggregate,
       p.proparallel AS parallel,
       a.aggcombinefn <> 0 AS has_combine,
       a.aggminvtransfn <> 0 AS has_moving_inverse,
       a.aggtranstype::regtype AS state_type,
       a.aggtransspace AS state_bytes
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
ORDER BY 1;

SELECT count(*) AS functions,
       count(*) FILTER (WHERE p.proparallel <> 's') AS not_parallel_safe,
       count(*) FILTER (WHERE p.provolatile <> 'i') AS not_immutable
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics';

-- The functions that are not immutable, and why: they read the session's TimeZone.
SELECT p.oid::regprocedure::text AS not_immutable, p.provolatile
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
WHERE p.provolatile <> 'i'
ORDER BY 1;

-- Plain KPI results are float8/int8 so BI tools can chart them.
SELECT DISTINCT p.prorettype::regtype AS kpi_return_type
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
WHERE p.proname IN ('nps', 'csat', 'ces', 'nps_margin', 'mean_score', 'responses',
                    'promoters', 'passives', 'detractors', 'score_count')
ORDER BY 1;

-- Every type of the extension has = (hashable) and a default hash operator class, so DISTINCT,
-- GROUP BY and UNION work on stored values.
SELECT t.oid::regtype::text AS type,
       EXISTS (SELECT 1 FROM pg_operator o
               WHERE o.oprname = '=' AND o.oprleft = t.oid AND o.oprright = t.oid
                 AND o.oprcanhash) AS hashable_eq,
       EXISTS (SELECT 1 FROM pg_operator o
               WHERE o.oprname = '<>' AND o.oprleft = t.oid AND o.oprright = t.oid) AS ne,
       EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
               WHERE am.amname = 'hash' AND c.opcintype = t.oid AND c.opcdefault) AS hash_opclass
FROM pg_type t
JOIN pg_depend d ON d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
-- The types the scripts create; from PostgreSQL 18 on their array types are members too.
WHERE t.typtype = 'b' AND t.typcategory <> 'A'
ORDER BY 1;

-- Nothing runs with its owner's rights.
SELECT count(*) AS security_definer_functions
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
WHERE p.prosecdef;
