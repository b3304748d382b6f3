-- A count on a day reads its month's checkpoint and the changes between the checkpoint and the day
-- (ADR 0006). The primary key leads with (unit, measure, value), so a range of days was a scan of
-- every change the unit ever had: hundreds of thousands of rows for a province at national scale.
create index member_rollup_by_day on member_rollup (unit_id, day);
