-- Roll-ups now also hold the period flows (measure 'flow', ADR 0006). Roll-ups built before have
-- none, and their readers would answer zero, so they are emptied here: the server rebuilds them at
-- its next start (or `rollbook figures rollup` does), from every member's history.
truncate member_rollup, member_rollup_month, member_rollup_unit;
