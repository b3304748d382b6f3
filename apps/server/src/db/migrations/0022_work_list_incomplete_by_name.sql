-- The work list's members lacking a built-in field, in the member list's order (the folded name,
-- ADR 0008), from member_period: a large subtree (a province, the whole organization) walks this
-- index in order, testing each entry's unit, and stops after a page. Through its units' entries
-- (member_period_incomplete) a province sorted every one of its incomplete members to show 200:
-- 135–160 ms for a province at 6.3 M members.
create index member_period_incomplete_by_name on member_period (name, member_id) include (valid, unit_id, status)
  where incomplete;

-- The records' index in full-name order (0020) served the whole organization's page; that page now
-- walks the index above, and an import no longer writes an entry for each record lacking a field.
drop index member_record_incomplete_by_name;
