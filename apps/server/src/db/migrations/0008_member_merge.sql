-- Merging duplicate records (issue 4): the duplicate's events move to the member who remains,
-- marked with where they came from, so both histories stay on one timeline; the duplicate keeps
-- its record versions and points at the member it was merged into.

alter table member add column merged_into_id bigint references member (id);
alter table member_event add column merged_from_member_id bigint references member (id);
create index member_record_by_birth_date_name on member_record (birth_date, search_text)
  where superseded_at is null and birth_date is not null;
