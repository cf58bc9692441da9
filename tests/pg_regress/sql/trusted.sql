-- csmetrics is a trusted extension: a non-superuser with CREATE on the database installs it.
DROP EXTENSION csmetrics;
CREATE ROLE csm_analyst LOGIN;
SELECT format('GRANT CREATE ON DATABASE %I TO csm_analyst', current_database()) \gexec
SET ROLE csm_analyst;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION csmetrics;
SELECT nps(score) FROM (VALUES (10), (9), (3)) AS t(score);
CREATE TEMP TABLE analyst_daily AS SELECT survey_agg(score) AS summary FROM (VALUES (10), (2)) AS t(score);
SELECT nps(summary), responses(summary) FROM analyst_daily;
DROP TABLE analyst_daily;
RESET ROLE;
SELECT extname, extowner::regrole, extversion FROM pg_extension WHERE extname = 'csmetrics';
