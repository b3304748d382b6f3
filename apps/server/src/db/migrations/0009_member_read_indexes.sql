-- Every member write rederives one member's spans and takes their roll-up contributions before and
-- after (ADR 0006); a reorganization takes those of every member under the units it reshapes. The
-- exclusion constraint's GiST index cannot answer `member_id = any(…)`, so without this index each
-- of those reads scanned every span: seconds per write at national scale (the bench found it).
create index member_span_by_member on member_span (member_id);

-- A member list without a filter is in name order: with this index the first page of a province or
-- of the whole organization walks the names in order and stops after one page, instead of sorting
-- every member of the subtree.
create index member_record_by_name on member_record (search_text, member_id) where superseded_at is null;
