-- The rollups of 0006 are written by the store (PostgresStore::commit, postgres_store_rollups.cpp: one
-- COPY of the transaction's rollup keys, store/rollup_batch.h, and one upsert per table) instead of by
-- the statement-level trigger, which parsed every body of the batch again as JSONB (issue 14 "Speed":
-- bench/store_ingest_bench). The same keys and sums; event_hours (0007) is now written too, and filled
-- here from the minutes already stored. 0001's index on the subject goes (below). On SQLite this version
-- turns the typed columns into columns the store fills, which PostgreSQL's always were.
DROP TRIGGER events_rollup ON events;
DROP FUNCTION events_rollup();

INSERT INTO event_hours (type, hour, count)
SELECT type, minute - minute % 3600000000, sum(count) FROM event_minutes GROUP BY 1, 2
ON CONFLICT (hour, type) DO UPDATE SET count = excluded.count;

-- Queries of one subject (an address) go through events_addr_ts (store/event_select.cpp), so 0001's index on
-- the subject's text is one index too many for every COPY.
DROP INDEX events_subject;
