-- 004-reports: the report views that managers read with any SQL client
-- (through the read-only account of "gid-helpdesk report-user create"),
-- the summary tables behind the fast ones, and the indexes the live ones
-- need. The API (GET /api/v1/reports/NAME) and "gid-helpdesk report NAME"
-- read these same views.
--
-- Time: every stored time is UTC (DATETIME, written by connections that
-- run with time_zone '+00:00'); DATETIME values are never converted by a
-- session's time_zone, so the views give the same answers whatever the
-- client's zone. A day is a UTC calendar day [00:00:00, 24:00:00); a week
-- is an ISO 8601 week (Monday to Sunday; '2026-W53', '2027-W01', from
-- DATE_FORMAT(day, '%x-W%v')), a month a UTC calendar month. Durations are
-- whole seconds of wall-clock time (no business hours).
--
-- States: "closed" means a state of type closed (closed successful, closed
-- unsuccessful); merged tickets are neither open nor closed here. "Open"
-- means not closed and not merged (new, open, pending).
--
-- Medians and 90th percentiles are PERCENTILE_CONT's (linear
-- interpolation between the two nearest ranks: value at rank 1 + f(n-1)),
-- rounded to the nearest second (halves away from zero). The summaries
-- and the API take the two ranks from a sorted GROUP_CONCAT list
-- (src/db-stmt.c), which MariaDB 10.11 runs about ten times faster than
-- PERCENTILE_CONT itself over a million rows; the view report_ticket_times
-- has an example with PERCENTILE_CONT, for any period.
--
-- Fast and live: the views named *_daily, *_weekly, *_monthly read summary
-- tables (report_daily, report_agent_daily, report_times_monthly,
-- report_org_monthly) that the daemon brings up to date every minute
-- (src/report-store.c: the days touched by new or changed tickets,
-- articles and history rows are recomputed from the base tables). The
-- other views read the base tables directly and are always current. After
-- loading or changing tickets with plain SQL, run
--     gid-helpdesk report-refresh --full
-- to recompute every summary at once.

-- ------------------------------------------------------------ indexes
-- Covering indexes for the live reports and for recomputing a day.
ALTER TABLE tickets
	ADD INDEX IF NOT EXISTS tickets_report_created
	    (created, queue_id, priority_id, organisation_id),
	ADD INDEX IF NOT EXISTS tickets_report_closed
	    (closed, state_id, queue_id, priority_id, organisation_id, created),
	ADD INDEX IF NOT EXISTS tickets_report_response
	    (first_response, queue_id, priority_id, created);
ALTER TABLE ticket_history
	ADD INDEX IF NOT EXISTS ticket_history_report (created, type),
	-- the reopenings of a period, without reading its other history rows
	ADD INDEX IF NOT EXISTS ticket_history_reopen (type, old_value, created);
ALTER TABLE articles
	ADD INDEX IF NOT EXISTS articles_report
	    (created, sender, internal, author_id, ticket_id);

-- ------------------------------------------------------------ summaries
-- Where the refresh stands: the highest ids of tickets, history rows and
-- articles already looked at (*_mark), the highest ids there were at the
-- last look (*_seen: the next tick looks up to there, so that a
-- transaction that took a lower id but committed later is not missed),
-- and the time of the last look at changed tickets. One row; a refresh
-- locks it (FOR UPDATE SKIP LOCKED), so that several daemons take turns
-- instead of doing the work twice.
CREATE TABLE IF NOT EXISTS report_state (
	id		TINYINT UNSIGNED NOT NULL,
	tickets_mark	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	history_mark	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	articles_mark	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	tickets_seen	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	history_seen	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	articles_seen	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	changed_mark	DATETIME NOT NULL,
	-- when the summaries were last brought up to date
	refreshed	DATETIME NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Days whose summary rows must be recomputed (picked = 1: in the batch
-- being recomputed by the open transaction).
CREATE TABLE IF NOT EXISTS report_dirty_days (
	day		DATE NOT NULL,
	picked		TINYINT(1) NOT NULL DEFAULT 0,
	PRIMARY KEY (day),
	KEY report_dirty_days_picked (picked, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The tickets changed since the last refresh (work table of a refresh).
CREATE TABLE IF NOT EXISTS report_touched (
	ticket_id	BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per UTC day, axis (queue) and priority: tickets created that day;
-- tickets whose last closing was that day and that are closed now (all,
-- and those closed unsuccessful); reopenings that day (a closed ticket
-- set to a state that is neither closed nor merged). The axis and
-- priority are the ticket's current ones.
CREATE TABLE IF NOT EXISTS report_daily (
	day		DATE NOT NULL,
	queue_id	SMALLINT UNSIGNED NOT NULL,
	priority_id	TINYINT UNSIGNED NOT NULL,
	created		INT UNSIGNED NOT NULL DEFAULT 0,
	closed		INT UNSIGNED NOT NULL DEFAULT 0,
	closed_unsuccessful INT UNSIGNED NOT NULL DEFAULT 0,
	reopened	INT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (day, queue_id, priority_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per UTC day, user and axis of the ticket: replies (articles written as
-- the support centre, not internal), internal notes, and closings (state
-- changes into a closed state, by anyone: the views keep the agents).
CREATE TABLE IF NOT EXISTS report_agent_daily (
	day		DATE NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	queue_id	SMALLINT UNSIGNED NOT NULL,
	replies		INT UNSIGNED NOT NULL DEFAULT 0,
	notes		INT UNSIGNED NOT NULL DEFAULT 0,
	closed		INT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (day, user_id, queue_id),
	KEY report_agent_daily_user (user_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per UTC month, measure, axis and priority: how many tickets, and the
-- median and 90th percentile of the measure in seconds. first_response:
-- tickets whose first answer came that month, first_response - created;
-- resolution: tickets closed now whose last closing was that month,
-- closed - created.
CREATE TABLE IF NOT EXISTS report_times_monthly (
	month		DATE NOT NULL,
	measure		VARCHAR(16) CHARACTER SET ascii NOT NULL,
	queue_id	SMALLINT UNSIGNED NOT NULL,
	priority_id	TINYINT UNSIGNED NOT NULL,
	tickets		INT UNSIGNED NOT NULL,
	median_seconds	BIGINT NULL,
	p90_seconds	BIGINT NULL,
	PRIMARY KEY (month, measure, queue_id, priority_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per UTC month and organisation (0: tickets of no organisation): tickets
-- opened that month, tickets closed that month (as in report_daily) and
-- the median resolution time of the latter.
CREATE TABLE IF NOT EXISTS report_org_monthly (
	month		DATE NOT NULL,
	organisation_id	INT UNSIGNED NOT NULL,
	opened		INT UNSIGNED NOT NULL DEFAULT 0,
	closed		INT UNSIGNED NOT NULL DEFAULT 0,
	median_resolution_seconds BIGINT NULL,
	PRIMARY KEY (month, organisation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Start from what is there: every day that holds a ticket, article or
-- history row is to be computed (the daemon's tick, or at once with
-- "gid-helpdesk report-refresh"), and the marks start at today's highest
-- ids.
INSERT IGNORE INTO report_state (id, tickets_mark, history_mark,
    articles_mark, tickets_seen, history_seen, articles_seen, changed_mark)
SELECT 1, t, h, a, t, h, a, UTC_TIMESTAMP()
FROM (SELECT COALESCE((SELECT MAX(id) FROM tickets), 0) AS t,
    COALESCE((SELECT MAX(id) FROM ticket_history), 0) AS h,
    COALESCE((SELECT MAX(id) FROM articles), 0) AS a) m;
INSERT IGNORE INTO report_dirty_days (day)
SELECT DISTINCT DATE(created) FROM tickets;
INSERT IGNORE INTO report_dirty_days (day)
SELECT DISTINCT DATE(closed) FROM tickets WHERE closed IS NOT NULL;
INSERT IGNORE INTO report_dirty_days (day)
SELECT DISTINCT DATE(first_response) FROM tickets
WHERE first_response IS NOT NULL;
INSERT IGNORE INTO report_dirty_days (day)
SELECT DISTINCT DATE(created) FROM ticket_history;
INSERT IGNORE INTO report_dirty_days (day)
SELECT DISTINCT DATE(created) FROM articles;

-- ------------------------------------------------------------ views
-- The views join their fact table to the small ones (queues, priorities,
-- users) with STRAIGHT_JOIN: MariaDB would otherwise start from a small
-- table and read every ticket through its foreign key instead of the
-- period's through a covering index (seconds instead of milliseconds).
--
-- Every view runs with the rights of its definer (the account that ran
-- the migration; SQL SECURITY DEFINER), so the reporting account needs
-- SELECT on the views only, never on a table. None of them shows a
-- session, token, attachment, audit row, login failure, ticket title or
-- message.

-- report_activity_daily: one row per UTC day, axis and priority that saw
-- a creation, a closing or a reopening (days without any have no row).
-- Columns: day (DATE), iso_week ('2026-W49'), week_start (the Monday,
-- DATE), month (first day of the month, DATE), queue (the axis's code),
-- queue_name, priority (1 very low .. 5 very high), priority_name,
-- created, closed (tickets closed now whose last closing was that day),
-- closed_unsuccessful (of which closed unsuccessful), reopened.
-- From the summary report_daily (at most a minute behind).
-- Example: created and closed per day of November 2026, all axes:
--   SELECT day, SUM(created), SUM(closed) FROM report_activity_daily
--   WHERE day BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY day;
CREATE OR REPLACE VIEW report_activity_daily AS
SELECT r.day AS day,
    DATE_FORMAT(r.day, '%x-W%v') AS iso_week,
    r.day - INTERVAL WEEKDAY(r.day) DAY AS week_start,
    r.day - INTERVAL (DAYOFMONTH(r.day) - 1) DAY AS month,
    q.code AS queue, q.name AS queue_name,
    r.priority_id AS priority, p.name AS priority_name,
    r.created AS created, r.closed AS closed,
    r.closed_unsuccessful AS closed_unsuccessful, r.reopened AS reopened
FROM report_daily r
STRAIGHT_JOIN queues q ON q.id = r.queue_id
STRAIGHT_JOIN priorities p ON p.id = r.priority_id
WHERE r.created + r.closed + r.reopened > 0;

-- report_activity_weekly: one row per ISO week, axis and priority.
-- Columns: iso_week ('2027-W01'), week_start (the Monday, DATE), queue,
-- queue_name, priority, priority_name, created, closed,
-- closed_unsuccessful, reopened (sums of report_activity_daily).
-- Example: the weeks of 2026 for the axis "connexion":
--   SELECT iso_week, SUM(created), SUM(closed) FROM report_activity_weekly
--   WHERE queue = 'connexion' AND week_start >= '2025-12-29'
--   AND week_start < '2027-01-04' GROUP BY iso_week;
CREATE OR REPLACE VIEW report_activity_weekly AS
SELECT iso_week, week_start, queue, MIN(queue_name) AS queue_name,
    priority, MIN(priority_name) AS priority_name,
    SUM(created) AS created, SUM(closed) AS closed,
    SUM(closed_unsuccessful) AS closed_unsuccessful, SUM(reopened) AS reopened
FROM report_activity_daily
GROUP BY iso_week, week_start, queue, priority;

-- report_activity_monthly: one row per UTC month, axis and priority.
-- Columns: month (first day, DATE), queue, queue_name, priority,
-- priority_name, created, closed, closed_unsuccessful, reopened.
-- Example: 2026 month by month, all axes and priorities:
--   SELECT month, SUM(created), SUM(closed), SUM(reopened)
--   FROM report_activity_monthly WHERE month BETWEEN '2026-01-01'
--   AND '2026-12-01' GROUP BY month;
CREATE OR REPLACE VIEW report_activity_monthly AS
SELECT month, queue, MIN(queue_name) AS queue_name,
    priority, MIN(priority_name) AS priority_name,
    SUM(created) AS created, SUM(closed) AS closed,
    SUM(closed_unsuccessful) AS closed_unsuccessful, SUM(reopened) AS reopened
FROM report_activity_daily
GROUP BY month, queue, priority;

-- report_backlog: one row per axis that has open tickets now, with their
-- count by age (now - created, read from UTC_TIMESTAMP()): under one
-- day; from one day (exactly 86400 s is here) to under three; three to
-- under seven; seven to under thirty; thirty days and more.
-- Columns: queue, queue_name, position (the axis's display order),
-- lt_1d, d1_3, d3_7, d7_30, gt_30d, total. Live.
-- Example: SELECT queue_name, total, gt_30d FROM report_backlog
--   ORDER BY total DESC;
CREATE OR REPLACE VIEW report_backlog AS
SELECT q.code AS queue, q.name AS queue_name, q.position AS position,
    SUM(b.age < 86400) AS lt_1d,
    SUM(b.age >= 86400 AND b.age < 3 * 86400) AS d1_3,
    SUM(b.age >= 3 * 86400 AND b.age < 7 * 86400) AS d3_7,
    SUM(b.age >= 7 * 86400 AND b.age < 30 * 86400) AS d7_30,
    SUM(b.age >= 30 * 86400) AS gt_30d,
    COUNT(*) AS total
FROM (SELECT t.queue_id,
	TIMESTAMPDIFF(SECOND, t.created, UTC_TIMESTAMP()) AS age
    FROM tickets t WHERE t.closed IS NULL) b
JOIN queues q ON q.id = b.queue_id
GROUP BY q.id, q.code, q.name, q.position;

-- report_ticket_times: one row per ticket, with its times. The basis of
-- the response and resolution reports over any period.
-- Columns: number, queue, queue_name, priority, priority_name,
-- organisation (the office's name, NULL when none), state, state_type
-- (new, open, pending, closed, merged), created, first_response (the
-- first answer of the support centre visible to the référent), closed
-- (the last closing; NULL while open), first_response_seconds,
-- resolution_seconds (NULL unless the ticket is closed now). Live.
-- Example: median and 90th percentile of the resolution time of the
-- tickets closed in November 2026, per axis:
--   SELECT DISTINCT queue,
--     PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY resolution_seconds)
--       OVER (PARTITION BY queue) AS median,
--     PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY resolution_seconds)
--       OVER (PARTITION BY queue) AS p90
--   FROM report_ticket_times WHERE state_type = 'closed'
--   AND closed >= '2026-11-01' AND closed < '2026-12-01';
CREATE OR REPLACE VIEW report_ticket_times AS
SELECT t.tn AS number, q.code AS queue, q.name AS queue_name,
    t.priority_id AS priority, p.name AS priority_name,
    o.name AS organisation, s.name AS state, st.name AS state_type,
    t.created AS created, t.first_response AS first_response,
    t.closed AS closed,
    TIMESTAMPDIFF(SECOND, t.created, t.first_response)
	AS first_response_seconds,
    IF(st.id = 4, TIMESTAMPDIFF(SECOND, t.created, t.closed), NULL)
	AS resolution_seconds
FROM tickets t
STRAIGHT_JOIN queues q ON q.id = t.queue_id
STRAIGHT_JOIN priorities p ON p.id = t.priority_id
STRAIGHT_JOIN ticket_states s ON s.id = t.state_id
STRAIGHT_JOIN ticket_state_types st ON st.id = s.type_id
LEFT JOIN organisations o ON o.id = t.organisation_id
WHERE t.tn IS NOT NULL;

-- report_response_times_monthly: one row per UTC month, axis and
-- priority: the tickets whose first answer came that month, and the
-- median and 90th percentile of their first-response time (seconds).
-- Columns: month (DATE), queue, queue_name, priority, priority_name,
-- tickets, median_seconds, p90_seconds. From the summary
-- report_times_monthly (at most a minute behind).
-- Example: SELECT month, queue, tickets, median_seconds / 3600 AS hours
--   FROM report_response_times_monthly WHERE month >= '2026-01-01';
CREATE OR REPLACE VIEW report_response_times_monthly AS
SELECT r.month AS month, q.code AS queue, q.name AS queue_name,
    r.priority_id AS priority, p.name AS priority_name,
    r.tickets AS tickets, r.median_seconds AS median_seconds,
    r.p90_seconds AS p90_seconds
FROM report_times_monthly r
STRAIGHT_JOIN queues q ON q.id = r.queue_id
STRAIGHT_JOIN priorities p ON p.id = r.priority_id
WHERE r.measure = 'first_response';

-- report_resolution_times_monthly: the same for resolution: the tickets
-- closed now whose last closing was that month, and the median and 90th
-- percentile of closed - created (seconds).
-- Columns: month, queue, queue_name, priority, priority_name, tickets,
-- median_seconds, p90_seconds.
-- Example: SELECT month, SUM(tickets) FROM report_resolution_times_monthly
--   GROUP BY month;
CREATE OR REPLACE VIEW report_resolution_times_monthly AS
SELECT r.month AS month, q.code AS queue, q.name AS queue_name,
    r.priority_id AS priority, p.name AS priority_name,
    r.tickets AS tickets, r.median_seconds AS median_seconds,
    r.p90_seconds AS p90_seconds
FROM report_times_monthly r
STRAIGHT_JOIN queues q ON q.id = r.queue_id
STRAIGHT_JOIN priorities p ON p.id = r.priority_id
WHERE r.measure = 'resolution';

-- report_organisations: one row per organisation (treasury office) that
-- has tickets, plus one (organisation NULL) for tickets of no office.
-- Columns: organisation, opened (all its tickets), open_now, closed (its
-- tickets closed now). opened and closed come from the summary
-- report_org_monthly (at most a minute behind), open_now is live.
-- Example: the ten offices with the most open tickets:
--   SELECT organisation, open_now FROM report_organisations
--   ORDER BY open_now DESC LIMIT 10;
CREATE OR REPLACE VIEW report_organisations AS
SELECT o.name AS organisation, m.opened AS opened,
    COALESCE(n.open_now, 0) AS open_now, m.closed AS closed
FROM (SELECT organisation_id, SUM(opened) AS opened, SUM(closed) AS closed
    FROM report_org_monthly GROUP BY organisation_id) m
LEFT JOIN (SELECT COALESCE(organisation_id, 0) AS organisation_id,
    COUNT(*) AS open_now FROM tickets WHERE closed IS NULL
    GROUP BY COALESCE(organisation_id, 0)) n
    ON n.organisation_id = m.organisation_id
LEFT JOIN organisations o ON o.id = m.organisation_id;

-- report_organisations_monthly: one row per UTC month and organisation:
-- tickets opened that month, tickets closed that month (closed now, last
-- closing that month) and the median resolution time of those (seconds).
-- Columns: month, organisation (NULL: tickets of no office), opened,
-- closed, median_resolution_seconds. From the summary report_org_monthly.
-- Example: SELECT organisation, SUM(opened) FROM report_organisations_monthly
--   WHERE month BETWEEN '2026-01-01' AND '2026-12-01' GROUP BY organisation;
CREATE OR REPLACE VIEW report_organisations_monthly AS
SELECT r.month AS month, o.name AS organisation, r.opened AS opened,
    r.closed AS closed,
    r.median_resolution_seconds AS median_resolution_seconds
FROM report_org_monthly r
LEFT JOIN organisations o ON o.id = r.organisation_id;

-- report_agents: one row per agent or administrator who is active or
-- owns open tickets: the open tickets they own now. Live.
-- Columns: login, name, active (0/1), open_owned.
-- Example: SELECT name, open_owned FROM report_agents ORDER BY open_owned DESC;
CREATE OR REPLACE VIEW report_agents AS
SELECT u.login AS login, u.name AS name, u.active AS active,
    (SELECT COUNT(*) FROM tickets t
	WHERE t.owner_id = u.id AND t.closed IS NULL) AS open_owned
FROM users u
WHERE (u.roles & 6) <> 0 OR EXISTS (SELECT 1 FROM tickets t
    WHERE t.owner_id = u.id AND t.closed IS NULL);

-- report_agents_daily: one row per UTC day, agent and axis: replies
-- written (articles of the support centre, not internal), internal notes,
-- and closings (state changes into a closed state, which a ticket closed
-- twice counts twice). Agents are the users who are agents or
-- administrators now, or who wrote as the support centre that day.
-- Columns: day, login, name, queue, queue_name, replies, notes, closed.
-- From the summary report_agent_daily (at most a minute behind).
-- Example: the workload of November 2026:
--   SELECT login, SUM(replies), SUM(closed) FROM report_agents_daily
--   WHERE day BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY login;
CREATE OR REPLACE VIEW report_agents_daily AS
SELECT r.day AS day, u.login AS login, u.name AS name, q.code AS queue,
    q.name AS queue_name, r.replies AS replies, r.notes AS notes,
    r.closed AS closed
FROM report_agent_daily r
STRAIGHT_JOIN users u ON u.id = r.user_id
STRAIGHT_JOIN queues q ON q.id = r.queue_id
WHERE (u.roles & 6) <> 0 OR r.replies + r.notes > 0;

-- report_reopened: one row per reopening: a closed ticket set to a state
-- that is neither closed nor merged (by its référent's answer or by an
-- agent). Columns: reopened (the time, DATETIME), number, queue,
-- queue_name, priority, priority_name, organisation, by_login (who
-- reopened it), from_state, to_state. Live. (The state names are those of
-- 003-tickets.sql, written out so that MariaDB reads the period's
-- reopenings through ticket_history_reopen.)
-- Example: SELECT number, reopened, by_login FROM report_reopened
--   WHERE reopened >= '2026-11-01' AND reopened < '2026-12-01';
CREATE OR REPLACE VIEW report_reopened AS
SELECT h.created AS reopened, t.tn AS number, q.code AS queue,
    q.name AS queue_name, t.priority_id AS priority,
    p.name AS priority_name, o.name AS organisation, u.login AS by_login,
    h.old_value AS from_state, h.new_value AS to_state
FROM ticket_history h
STRAIGHT_JOIN tickets t ON t.id = h.ticket_id
STRAIGHT_JOIN queues q ON q.id = t.queue_id
STRAIGHT_JOIN priorities p ON p.id = t.priority_id
STRAIGHT_JOIN users u ON u.id = h.actor_id
LEFT JOIN organisations o ON o.id = t.organisation_id
WHERE h.type = 'state'
    AND h.old_value IN ('closed successful', 'closed unsuccessful')
    AND h.new_value NOT IN ('closed successful', 'closed unsuccessful',
	'merged');

-- report_closed_unsuccessful: one row per ticket closed unsuccessful now.
-- Columns: closed (its last closing, DATETIME), number, queue,
-- queue_name, priority, priority_name, organisation, owner (login, NULL
-- when nobody), created, resolution_seconds. Live. (State 5 is closed
-- unsuccessful in 003-tickets.sql.)
-- Example: SELECT queue, COUNT(*) FROM report_closed_unsuccessful
--   WHERE closed >= '2026-01-01' GROUP BY queue;
CREATE OR REPLACE VIEW report_closed_unsuccessful AS
SELECT t.closed AS closed, t.tn AS number, q.code AS queue,
    q.name AS queue_name, t.priority_id AS priority,
    p.name AS priority_name, o.name AS organisation, ow.login AS owner,
    t.created AS created,
    TIMESTAMPDIFF(SECOND, t.created, t.closed) AS resolution_seconds
FROM tickets t
STRAIGHT_JOIN queues q ON q.id = t.queue_id
STRAIGHT_JOIN priorities p ON p.id = t.priority_id
LEFT JOIN organisations o ON o.id = t.organisation_id
LEFT JOIN users ow ON ow.id = t.owner_id
WHERE t.state_id = 5 AND t.closed IS NOT NULL;
