-- A subtree too small for roll-ups (a commune: 1–2.5 k members at national scale) is counted
-- directly (ADR 0006). Members are entered in no order of unit, so reading each span and then each
-- member's record was one random read per member: 0.2–1.3 s for a commune at 6 M members. What the
-- count needs is now kept next to the span and in unit order: the record's counted attributes are
-- copied into the span row, and one index on (unit, first day) holds every column the counts read,
-- so a commune's stock and its flow candidates are a few contiguous index pages.

-- The member's record as it now reads (the one in force last: ADR 0006, "Conventions"), as the
-- roll-ups count it.
alter table member_span
  add column sex text,
  add column birth_year integer,
  add column ethnicity text,
  add column religion text;

update member_span s set sex = c.sex, birth_year = c.birth_year, ethnicity = c.ethnicity, religion = c.religion
from (
  select distinct on (r.member_id) r.member_id, r.sex, extract(year from r.birth_date)::int as birth_year,
    r.ethnicity, r.religion
  from member_record r where r.superseded_at is null
  order by r.member_id, upper(r.valid) desc nulls first
) c
where c.member_id = s.member_id;

-- Kept in step by the database rather than by each writer: spans are written by a member's replay,
-- by both importers (set-based) and by reorganizations; records by record changes and corrections
-- and by the importers. A span takes its member's record when it is written; a record written or
-- superseded passes its attributes to its member's spans.
create function rb_member_span_counted() returns trigger language plpgsql as $$
begin
  select r.sex, extract(year from r.birth_date)::int, r.ethnicity, r.religion
    into new.sex, new.birth_year, new.ethnicity, new.religion
    from member_record r
    where r.member_id = new.member_id and r.superseded_at is null
    order by upper(r.valid) desc nulls first
    limit 1;
  return new;
end
$$;

create trigger member_span_counted before insert or update of member_id on member_span
  for each row execute function rb_member_span_counted();

-- Once per statement: an import writes a million records in one, most before their spans exist.
create function rb_member_record_counted() returns trigger language plpgsql as $$
begin
  update member_span s
  set (sex, birth_year, ethnicity, religion) = (
    select r.sex, extract(year from r.birth_date)::int, r.ethnicity, r.religion
    from member_record r
    where r.member_id = s.member_id and r.superseded_at is null
    order by upper(r.valid) desc nulls first
    limit 1)
  where s.member_id in (select member_id from changed);
  return null;
end
$$;

-- Transition tables allow one event per trigger.
create trigger member_record_counted_insert after insert on member_record
  referencing new table as changed
  for each statement execute function rb_member_record_counted();
create trigger member_record_counted_update after update on member_record
  referencing new table as changed
  for each statement execute function rb_member_record_counted();

-- Everything a direct count reads, by unit and then first day: a commune's stock is an index-only
-- scan of its units' entries, and a period's spans starting in a subtree a range of each unit's.
create index member_span_counted on member_span (unit_id, lower(valid))
  include (valid, member_id, status, exempted, suspended, transfer_to_unit_id, sex, birth_year, ethnicity, religion);

-- The events that count as flows, by type and day, with their member and unit: a commune's flows
-- find the few of its members' events among a period's by hashing (one probe per member into
-- member_event_by_member was a random read per member); a merged province's transfers, among a
-- period's transfers, those it must place.
-- Every type: a partial index on the flow types is not used by a query asking for some of them by
-- `type = any(array)` (the planner cannot prove the one from the other), and the other types' rows
-- are never read, lying apart under their own type.
create index member_event_flows on member_event (type, event_date)
  include (member_id, unit_id, id)
  where corrected_at is null;
