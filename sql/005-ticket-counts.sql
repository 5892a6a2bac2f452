-- 005-ticket-counts: how many tickets each queue holds, by priority and
-- open or closed, so that the counts of a queue view (GET /tickets with
-- at most a queue and a priority) cost one read of a few rows instead of
-- a scan of every ticket the queue ever had (at a million tickets, the
-- scan was the whole cost of the view). The daemon keeps it up to date in
-- the transaction of each change (ticket-store.c); after changing tickets
-- by hand, rebuild it with the two statements below.

CREATE TABLE IF NOT EXISTS ticket_counts (
	queue_id	SMALLINT UNSIGNED NOT NULL,
	priority_id	TINYINT UNSIGNED NOT NULL,
	-- 0: open (closed IS NULL), 1: closed or merged
	closed		TINYINT(1) NOT NULL,
	n		INT NOT NULL,
	PRIMARY KEY (queue_id, priority_id, closed)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DELETE FROM ticket_counts;
INSERT INTO ticket_counts (queue_id, priority_id, closed, n)
	SELECT queue_id, priority_id, closed IS NOT NULL, COUNT(*)
	FROM tickets GROUP BY queue_id, priority_id, closed IS NOT NULL;
