-- Every aggregate of the extension is parallel safe, has a combine function and a moving mode
-- with an inverse; every function is parallel safe and immutable.
SELECT p.oid::regprocedure AS aggregate,
       p.proparallel AS parallel,
       a.aggcombinefn <> 0 AS has_combine,
       a.aggminvtransfn <> 0 AS has_moving_inverse,
       a.aggtranstype::regtype AS state_type,
       a.aggtransspace AS state_bytes
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
ORDER BY 1::text;

SELECT count(*) AS functions,
       count(*) FILTER (WHERE p.proparallel <> 's') AS not_parallel_safe,
       count(*) FILTER (WHERE p.provolatile <> 'i') AS not_immutable
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics';

-- Plain KPI results are float8/int8 so BI tools can chart them.
SELECT DISTINCT p.prorettype::regtype AS kpi_return_type
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
WHERE p.proname IN ('nps', 'csat', 'ces', 'nps_margin', 'mean_score', 'responses',
                    'promoters', 'passives', 'detractors', 'score_count')
ORDER BY 1;
