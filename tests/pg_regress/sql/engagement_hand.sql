-- Engagement by hand: local days, DST, DAU/WAU/MAU, stickiness, lifecycle, retention.
SET TimeZone = 'UTC';

-- Local day: Paris is UTC+1 in winter. 22:30 UTC is 23:30 in Paris (March 1st); 23:30 UTC on
-- March 1st is 00:30 on March 2nd in Paris, still March 1st in UTC.
SELECT activity_agg(u, t, 'Europe/Paris') AS paris, activity_agg(u, t, 'UTC') AS utc
FROM (VALUES (1, timestamptz '2025-03-01 22:30Z'), (2, '2025-03-01 23:30Z')) AS e(u, t);
-- The two-argument form uses the session's TimeZone.
SET TimeZone = 'Europe/Paris';
SELECT activity_agg(u, t) AS session_paris
FROM (VALUES (1, timestamptz '2025-03-01 22:30Z'), (2, '2025-03-01 23:30Z')) AS e(u, t);
SET TimeZone = 'UTC';

-- DST: Paris moves to UTC+2 at 01:00 UTC on 2025-03-30. 23:30 UTC on the 29th is 00:30 on the
-- 30th (+1); 22:30 UTC on the 30th is 00:30 on the 31st (+2), where a fixed +1 would say
-- 23:30 on the 30th. Back to +1 at 01:00 UTC on 2025-10-26: 22:30 UTC on the 25th is 00:30
-- on the 26th (+2), 22:30 UTC on the 26th is 23:30 on the 26th (+1).
SELECT activity_agg(u, t, 'Europe/Paris')
FROM (VALUES (1, timestamptz '2025-03-29 23:30Z'), (2, '2025-03-30 22:30Z'),
             (3, '2025-10-25 22:30Z'), (4, '2025-10-26 22:30Z')) AS e(u, t);
-- The same days as PostgreSQL's own AT TIME ZONE.
SELECT (t AT TIME ZONE 'Europe/Paris')::date AS local_day
FROM (VALUES (timestamptz '2025-03-29 23:30Z'), ('2025-03-30 22:30Z'), ('2025-10-25 22:30Z'),
             ('2025-10-26 22:30Z')) AS e(t);
-- Abbreviations and offsets are read as timezone(zone, at) reads them: 'EST' is UTC-5 all
-- year, 'UTC+3' (POSIX) is three hours *behind* UTC.
SELECT activity_agg(u, t, 'EST') AS est, activity_agg(u, t, 'UTC+3') AS posix
FROM (VALUES (1, timestamptz '2025-07-02 04:30Z')) AS e(u, t);

-- NULL key, time or zone: the row is skipped; no counted row: NULL.
SELECT activity_agg(u, t, z)
FROM (VALUES (1::bigint, timestamptz '2025-03-01 10:00Z', 'UTC'), (NULL, '2025-03-02 10:00Z', 'UTC'),
             (2, NULL, 'UTC'), (3, '2025-03-03 10:00Z', NULL)) AS e(u, t, z);
SELECT activity_agg(u, t, 'UTC') IS NULL AS empty_is_null
FROM (VALUES (NULL::bigint, timestamptz '2025-03-01')) AS e(u, t);
SELECT activity_agg(u, t) IS NULL AS no_rows_is_null FROM (SELECT 1::bigint, now() WHERE false) AS e(u, t);

-- Text and uuid keys are their 64-bit hashes: hashtextextended(key, 0), uuid_hash_extended(key, 0).
SELECT activity_agg(k, timestamptz '2025-03-01 12:00Z', 'UTC') AS texts,
       array_agg(hashtextextended(k, 0) ORDER BY hashtextextended(k, 0)) AS hashes
FROM (VALUES ('alice'), ('bob'), ('alice')) AS e(k);
SELECT activity_agg(k, timestamptz '2025-03-01 12:00Z', 'UTC') AS uuids,
       uuid_hash_extended('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 0) AS hash
FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)) AS e(k);

-- A small product. Days 1-10 of March 2025 (UTC):
--   user 1: every day 1-10; user 2: days 1, 2, 8; user 3: day 3; user 4: days 9, 10;
--   user 5: day 10, and 2025-02-05.
CREATE TABLE hand_events AS
SELECT u::bigint AS u, (d + time '12:00') AT TIME ZONE 'UTC' AS t
FROM (VALUES (1, date '2025-03-01'), (1, '2025-03-02'), (1, '2025-03-03'), (1, '2025-03-04'),
             (1, '2025-03-05'), (1, '2025-03-06'), (1, '2025-03-07'), (1, '2025-03-08'),
             (1, '2025-03-09'), (1, '2025-03-10'), (2, '2025-03-01'), (2, '2025-03-02'),
             (2, '2025-03-08'), (3, '2025-03-03'), (4, '2025-03-09'), (4, '2025-03-10'),
             (5, '2025-03-10'), (5, '2025-02-05'), (1, '2025-03-10')) AS e(u, d);
CREATE TABLE hand AS SELECT activity_agg(u, t, 'UTC') AS s FROM hand_events;
-- DAU on the 10th: users 1, 4, 5 = 3. WAU on the 10th (4th-10th): 1, 2, 4, 5 = 4.
-- MAU on the 10th (Feb 9th-Mar 10th): 1, 2, 3, 4, 5 = 5; on March 6th (Feb 5th-Mar 6th):
-- 1, 2, 3, 5 = 4. A day without activity: 0.
SELECT dau(s, '2025-03-10') AS dau, wau(s, '2025-03-10') AS wau, mau(s, '2025-03-10') AS mau,
       mau(s, '2025-03-06') AS mau_6th, dau(s, '2025-02-06') AS dau_quiet FROM hand;
-- March 3rd to 8th: users 1, 2, 3 = 3. February: user 5 = 1.
SELECT active_users(s, '2025-03-03', '2025-03-08') AS mar_3_8,
       active_users(s, '2025-02-01', '2025-02-28') AS february FROM hand;
-- Stickiness of March: 10 + 3 + 1 + 2 + 1 = 17 user-days over 31 days = 0.548 average DAU,
-- over 5 users: 100 x 17 / 31 / 5 = 10.967741935483872.
-- March 1st-10th: 17 / 10 / 5 x 100 = 34. April: nobody, NULL.
SELECT stickiness(s, date '2025-03-15') AS march, stickiness(s, '2025-03-01', '2025-03-10') AS first_10,
       stickiness(s, date '2025-04-01') AS april FROM hand;
-- The seed's example: 200 users over June 2025 (30 days), each active on 15 days (user u on
-- days 1 + (u + 2k) mod 30, k = 0..14): average DAU 100, MAU 200 -> 50.
SELECT stickiness(activity_agg(u, t, 'UTC'), date '2025-06-01') AS seed_stickiness,
       mau(activity_agg(u, t, 'UTC'), date '2025-06-30') AS mau
FROM (SELECT u::bigint AS u, timestamptz '2025-06-01 08:00Z' + ((u + 2 * k) % 30) * interval '1 day' AS t
      FROM generate_series(1, 200) AS u, generate_series(0, 14) AS k) AS e;
-- Active days over March 1st-10th: user 1 on 10 days, user 2 on 3, users 3 and 5 on 1, user 4
-- on 2; one row per k from 1 to 10.
SELECT * FROM active_days((SELECT s FROM hand), '2025-03-01', '2025-03-10');
-- Every day from Feb 5th to Mar 10th, none skipped; stickiness = DAU / MAU x 100.
SELECT * FROM daily_activity_kpis((SELECT s FROM hand)) WHERE day < '2025-02-08' OR day > '2025-03-04';
SELECT count(*) AS days FROM daily_activity_kpis((SELECT s FROM hand));

-- Lifecycle by week (ISO, Monday). Weeks: Feb 3rd (user 5), Feb 10th-24th (nobody),
-- Feb 24th (Mar 1st-2nd: 1, 2), Mar 3rd (3rd-9th: 1, 2, 3, 4), Mar 10th (10th: 1, 4, 5).
--   Feb 3:  new 5.
--   Feb 10: dormant 5 (active the week before, not this one). Feb 17: all zero.
--   Feb 24: new 1, 2.
--   Mar 3:  new 3, 4; returning 1, 2.
--   Mar 10: returning 1, 4; resurrecting 5; dormant 2, 3.
SELECT * FROM lifecycle((SELECT s FROM hand), 'week');
-- With history before March 3rd: the Mar 3 week is the first reported; 1 and 2 are returning.
SELECT * FROM lifecycle((SELECT s FROM hand), 'week', '2025-03-05');
-- By month: February new 5; March new 1, 2, 3, 4, returning 5.
SELECT * FROM lifecycle((SELECT s FROM hand), 'month');

-- Retention by month: February cohort {5}: month 0 1 user, month 1 (March) 1 user.
-- March cohort {1, 2, 3, 4}: month 0 only (April is not known yet).
SELECT * FROM retention((SELECT s FROM hand), 'month', 6);
-- By ISO week, 1 period: cohort Feb 3 {5}: week 1 (Feb 10) nobody. Cohort Feb 24 {1, 2}:
-- week 1 (Mar 3) both. Cohort Mar 3 {3, 4}: week 1 (Mar 10) user 4 = 50%.
SELECT * FROM retention((SELECT s FROM hand), 'week', 1);
-- Sunday weeks: Mar 1st is a Saturday (week of Feb 23rd), Mar 2nd starts a new week.
-- Cohorts: Feb 2 {5}; Feb 23 {1, 2}; Mar 2 {3}; Mar 9 {4}. Feb 23 -> Mar 2: 1, 2 (100%).
SELECT * FROM retention((SELECT s FROM hand), 'week_sunday', 1);

-- A dozen users by day: lifecycle and retention written out.
--   day 1: 1 2 3 4 5 6        day 2: 1 2 3 7 8       day 3: 1 4 9 10
--   day 4: 1 2 7 9 11 12      day 5: (nobody)        day 6: 2 5 11
CREATE TABLE dozen AS
SELECT activity_agg(u::bigint, (date '2025-05-01' + d - 1 + time '09:00') AT TIME ZONE 'UTC', 'UTC') AS s
FROM (VALUES (1, ARRAY[1, 2, 3, 4, 5, 6]), (2, ARRAY[1, 2, 3, 7, 8]), (3, ARRAY[1, 4, 9, 10]),
             (4, ARRAY[1, 2, 7, 9, 11, 12]), (6, ARRAY[2, 5, 11])) AS a(d, users),
     unnest(users) AS u;
-- day 1: new 6.
-- day 2: new 7, 8; returning 1, 2, 3; dormant 4, 5, 6.
-- day 3: new 9, 10; returning 1; resurrecting 4; dormant 2, 3, 7, 8.
-- day 4: new 11, 12; returning 1, 9; resurrecting 2, 7; dormant 4, 10.
-- day 5: dormant 1, 2, 7, 9, 11, 12.
-- day 6: resurrecting 2, 5, 11.
SELECT * FROM lifecycle((SELECT s FROM dozen), 'day');
-- Cohorts: day 1 {1..6}: day+1 {1, 2, 3} 50%, day+2 {1, 4} 33.3%, day+3 {1, 2} 33.3%,
-- day+4 none, day+5 {2, 5} 33.3%. day 2 {7, 8}: +1 none, +2 {7} 50%, +3 none, +4 none.
-- day 3 {9, 10}: +1 {9} 50%, +2 none, +3 none. day 4 {11, 12}: +1 none, +2 {11} 50%.
SELECT * FROM retention((SELECT s FROM dozen), 'day', 5);
SELECT * FROM retention((SELECT s FROM dozen), 'day', 0);

-- rollup() is the union per day: the dozen's days 1-3 and days 3-6 built apart.
SELECT rollup(s) = (SELECT s FROM dozen) AS rollup_is_union
FROM (SELECT activity_agg(u::bigint, (date '2025-05-01' + d - 1 + time '09:00') AT TIME ZONE 'UTC', 'UTC') AS s
      FROM (VALUES (1, ARRAY[1, 2, 3, 4, 5, 6]), (2, ARRAY[1, 2, 3, 7, 8]), (3, ARRAY[1, 4]),
                   (3, ARRAY[9, 10, 4]), (4, ARRAY[1, 2, 7, 9, 11, 12]), (6, ARRAY[2, 5, 11])) AS a(d, users),
           unnest(users) AS u
      GROUP BY d <= 3) AS parts;
