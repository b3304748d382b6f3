-- A member list's page of a large subtree (ADR 0008): the names are walked in order and each name's
-- member is checked against the subtree on the day. Read from member_record, every name checked
-- cost a probe of the member's spans and one of the unit's tree row (a province's "nguyen thi": 2.7 k
-- names, 28 k buffers, 165 ms at 6.3 M members). Here each stretch of days on which a member has one
-- span and one record version is one row holding what the walk checks — days, unit, status — beside
-- the folded name, so the walk reads one index in order and tests the unit against the subtree's
-- units in a hash.
--
-- Derived, never written by the application: triggers on member_span and member_record rebuild a
-- member's periods whenever either changes (a member's replay, both importers, reorganizations,
-- merges of records). Units, never paths: orders reshape the tree without touching spans, so the
-- subtree's units on the day are looked up first, as before.
create table member_period (
  member_id bigint not null,
  valid daterange not null,
  unit_id bigint,
  status text not null,
  sex text,
  -- member_record.search_text: the names folded (rb_fold), compared byte by byte as the lists sort.
  name text collate "C" not null,
  -- The record lacks a built-in field the work list asks for (as member_record_incomplete, 0013).
  incomplete boolean not null
);

-- The built-in fields the work list asks of every record (workList's "missing fields").
create function rb_record_incomplete(r member_record) returns boolean language sql immutable as $$
  select r.birth_date is null or r.sex is null or r.birth_place is null or r.home_town is null
    or r.residence is null or r.education is null
$$;

-- Each span cut by the record versions in force over it: what member_period holds, derived.
create view member_period_derived as
select s.member_id, s.valid * r.valid as valid, s.unit_id, s.status, r.sex, r.search_text as name,
  rb_record_incomplete(r) as incomplete
from member_span s
join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid && s.valid;

-- One member's periods, or many members' (an import's), derived again.
create function rb_member_periods_refresh(members bigint[]) returns void language sql as $$
  delete from member_period where member_id = any(members);
  insert into member_period (member_id, valid, unit_id, status, sex, name, incomplete)
  select member_id, valid, unit_id, status, sex, name, incomplete from member_period_derived
  where member_id = any(members);
$$;

insert into member_period (member_id, valid, unit_id, status, sex, name, incomplete)
select member_id, valid, unit_id, status, sex, name, incomplete from member_period_derived;

-- The walk of a large subtree, and of the whole organization: names in order, index only.
create index member_period_by_name on member_period (name, member_id) include (valid, unit_id, status);
-- A small subtree (a commune, a cell): its units' entries, then sorted.
create index member_period_by_unit on member_period (unit_id, name, member_id) include (valid, status);
create index member_period_by_member on member_period (member_id);
-- The work list's records lacking a field, in a subtree: its units' few entries (none, in a province
-- whose records are complete — proving that through the records took 28 s at 6.3 M members).
create index member_period_incomplete on member_period (unit_id) include (valid, status, member_id)
  where incomplete;
-- The lists walked member_record_by_name (0012) until now; nothing else reads it, and an import
-- writes every entry.
drop index member_record_by_name;

-- The walk's plan depends on knowing the table's size (PGlite runs no autovacuum).
analyze member_period;

-- Once per statement, with the rows it changed: an import writes 100 k members' spans in one.
-- A statement has the transition tables of its kind of change only.
create function rb_member_period_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform rb_member_periods_refresh(array(select distinct member_id from new_rows));
  elsif tg_op = 'DELETE' then
    perform rb_member_periods_refresh(array(select distinct member_id from old_rows));
  else
    perform rb_member_periods_refresh(array(select member_id from old_rows union select member_id from new_rows));
  end if;
  return null;
end
$$;

-- Transition tables allow one event per trigger.
create trigger member_span_period_insert after insert on member_span
  referencing new table as new_rows for each statement execute function rb_member_period_changed();
create trigger member_span_period_update after update on member_span
  referencing old table as old_rows new table as new_rows
  for each statement execute function rb_member_period_changed();
create trigger member_span_period_delete after delete on member_span
  referencing old table as old_rows for each statement execute function rb_member_period_changed();
create trigger member_record_period_insert after insert on member_record
  referencing new table as new_rows for each statement execute function rb_member_period_changed();
create trigger member_record_period_update after update on member_record
  referencing old table as old_rows new table as new_rows
  for each statement execute function rb_member_period_changed();
create trigger member_record_period_delete after delete on member_record
  referencing old table as old_rows for each statement execute function rb_member_period_changed();
