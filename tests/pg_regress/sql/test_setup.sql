-- What later tests share, created once (the tests run in order in one database).
-- plan_max(query, property): the largest value of a numeric property over the nodes of the
-- query's executed plan, e.g. 'Workers Launched' (> 0: the query really ran in parallel).
CREATE FUNCTION plan_max(query text, property text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
    RETURN (SELECT max((node->>property)::int)
            FROM jsonb_path_query(plan::jsonb, 'strict $.**') AS node
            WHERE jsonb_typeof(node) = 'object' AND node ? property);
END $$;
SELECT plan_max('SELECT 1', 'Actual Loops') AS loops_of_select_1;
