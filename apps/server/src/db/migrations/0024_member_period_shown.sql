-- member_period (0021) also holds what a member list's row shows, so that a page reads one row per
-- member once its members are chosen (ADR 0008, "Fifth step").
--
-- The page's members were joined to their span, their record and their member row for the columns
-- shown: three probes each, about 8.5 buffers per member. At 6 M members a commune's first page read
-- 540 buffers from disk when its members were not in memory (97 ms), 440 of them for those probes.
-- Now the page takes its rows back from member_period by (member, days), the key its walk already
-- read: two buffers per member.
--
-- Still derived, never written by the application: the span gives the status and its flags, the
-- record the names and birth date, the member row its version (which a write's If-Match checks).
-- The version changes with writes that touch neither spans nor records (a card issued), so a
-- trigger on member keeps it too. Rebuilt from the view rather than altered in place: an ALTER
-- adding columns and an UPDATE filling them would leave a dead copy of every row.
drop function rb_member_periods_refresh(bigint[]);
drop view member_period_derived;
drop table member_period;

create table member_period (
  member_id bigint not null,
  valid daterange not null,
  unit_id bigint,
  status text not null,
  sex text,
  -- member_record.search_text: the names folded (rb_fold), compared byte by byte as the lists sort.
  name text collate "C" not null,
  -- The record lacks a built-in field the work list asks for (as member_record_incomplete, 0013).
  incomplete boolean not null,
  -- Shown in a list row, as on the span, the record and the member row.
  full_name text not null,
  birth_date date,
  exit_reason text,
  exempted boolean not null,
  suspended boolean not null,
  transfer_to_unit_id bigint,
  version integer not null
);

-- Each span cut by the record versions in force over it: what member_period holds, derived, its
-- columns in the table's order but for the member's version, which comes last. Each writer adds
-- the version as its plan needs: a refresh probes the member's key (joined, with no statistics on
-- member — PGlite keeps none unless asked — the planner read every member for one); the bench's
-- generator, whose tables have no index while it loads them, joins.
create view member_period_derived as
select s.member_id, s.valid * r.valid as valid, s.unit_id, s.status, r.sex, r.search_text as name,
  rb_record_incomplete(r) as incomplete, r.full_name, r.birth_date, s.exit_reason, s.exempted, s.suspended,
  s.transfer_to_unit_id
from member_span s
join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid && s.valid;

-- One member's periods, or many members' (an import's), derived again.
create function rb_member_periods_refresh(members bigint[]) returns void language sql as $$
  delete from member_period where member_id = any(members);
  insert into member_period
  select d.*, (select m.version from member m where m.id = d.member_id) from member_period_derived d
  where d.member_id = any(members);
$$;

insert into member_period select d.*, m.version from member_period_derived d join member m on m.id = d.member_id;

-- The walk of a large subtree, and of the whole organization: names in order, index only.
create index member_period_by_name on member_period (name, member_id) include (valid, unit_id, status);
-- A small subtree (a commune, a cell): its units' entries, then sorted.
create index member_period_by_unit on member_period (unit_id, name, member_id) include (valid, status);
-- A member's periods (refreshed together), and the page's rows taken back by the key its walk read.
-- With the unit, the work list places each deadline due by its member's period of the day from
-- this index alone (3.2 k probes for a province at 6 M members: 18 ms, against 31 ms through the
-- table's rows) once the table is vacuumed: a server's autovacuum does it, PGlite has none and
-- reads the rows as before.
create index member_period_by_member on member_period (member_id, valid) include (unit_id);
-- The work list's records lacking a field (0021, 0022).
create index member_period_incomplete on member_period (unit_id) include (valid, status, member_id)
  where incomplete;
create index member_period_incomplete_by_name on member_period (name, member_id) include (valid, unit_id, status)
  where incomplete;

-- The walk's plan depends on knowing the table's size (PGlite runs no autovacuum).
analyze member_period;

-- A write of a member's version (every event, card and record change) is copied to their periods,
-- once per statement. A trigger listing its columns (UPDATE OF version) may not have transition
-- tables, so the rows whose version did not change are left out here. The members are passed as
-- an array, which member_period_by_member serves, as rb_member_periods_refresh's are.
create function rb_member_period_version() returns trigger language plpgsql as $$
declare
  changed bigint[] := array(select n.id from new_rows n join old_rows o on o.id = n.id where n.version <> o.version);
begin
  if cardinality(changed) > 0 then
    update member_period p set version = (select m.version from member m where m.id = p.member_id)
    where p.member_id = any(changed);
  end if;
  return null;
end
$$;

create trigger member_period_version after update on member
  referencing old table as old_rows new table as new_rows
  for each statement execute function rb_member_period_version();
