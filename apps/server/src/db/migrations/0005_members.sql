-- The member registry (issue 4). A member's life is the list of dated events in member_event; the
-- spans in member_span (status, unit, overlays per period) and the deadlines in member_deadline are
-- derived from them by replaying the list with the rule pack (packages/domain/src/lifecycle.ts) and
-- rewritten in the same transaction as every change. The personal record is effective-dated and
-- never updated in place, like unit_version: a change closes the old row, a correction supersedes it.

create table member (
  id bigint generated always as identity primary key,
  -- Optimistic concurrency: every change to the record or the events bumps it; a stale If-Match gets 412.
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table member_record (
  id bigint generated always as identity primary key,
  member_id bigint not null references member (id),
  -- Open at the start: the first version holds from the beginning of the record.
  valid daterange not null check (not isempty(valid)),
  full_name text not null check (full_name <> ''),
  birth_name text,
  other_names text,
  sex text,
  birth_date date,
  birth_place text,
  home_town text,
  residence text,
  ethnicity text,
  religion text,
  national_id text check (national_id <> ''),
  education text,
  profession text,
  phone text,
  email text,
  custom jsonb not null default '{}',
  recorded_at timestamptz not null default now(),
  recorded_by text not null,
  superseded_at timestamptz,
  -- Names folded the way each script needs (rb_fold, 0001), for diacritic-insensitive search.
  search_text text generated always as (
    rb_fold(full_name || ' ' || coalesce(birth_name, '') || ' ' || coalesce(other_names, ''))) stored,
  constraint member_record_one_per_day
    exclude using gist (member_id with =, valid with &&) where (superseded_at is null)
);
create index member_record_by_member on member_record (member_id) where superseded_at is null;
-- A national ID belongs to one member at a time (BRIEF capability 8: duplicates by national ID).
create unique index member_record_national_id on member_record (national_id)
  where superseded_at is null and upper_inf(valid) and national_id is not null;
create index member_record_by_national_id on member_record (national_id)
  where superseded_at is null and national_id is not null;
create index member_record_search on member_record using gin (search_text gin_trgm_ops) where superseded_at is null;
create index member_record_birth_date on member_record (birth_date) where superseded_at is null;

create table member_event (
  id bigint generated always as identity primary key,
  member_id bigint not null references member (id),
  type text not null,
  event_date date not null,
  -- The unit joined or moved to (application, admission, transfer, reorganization).
  unit_id bigint references unit (id),
  details jsonb not null default '{}',
  decision_number text,
  decision_date date,
  decided_by text,
  note text,
  -- The rule set the event was judged by (its version), for people reading it later.
  rule_set text not null,
  recorded_at timestamptz not null default now(),
  recorded_by text not null,
  -- A reorganization event names the order that moved the member.
  order_id bigint references reorg_order (id),
  -- A correction keeps both: the wrong event is marked, its replacement points back at it.
  corrects_event_id bigint references member_event (id),
  corrected_at timestamptz,
  correction_reason text
);
create index member_event_by_member on member_event (member_id, event_date, id);
create index member_event_by_day on member_event (event_date, type) where corrected_at is null;

create table member_span (
  member_id bigint not null references member (id),
  valid daterange not null check (not isempty(valid)),
  status text not null,
  unit_id bigint references unit (id),
  exit_reason text,
  exempted boolean not null default false,
  suspended boolean not null default false,
  transfer_to_unit_id bigint references unit (id),
  host_unit_id bigint references unit (id),
  constraint member_span_one_per_day exclude using gist (member_id with =, valid with &&)
);
create index member_span_by_unit on member_span using gist (unit_id, valid);
create index member_span_by_destination on member_span (transfer_to_unit_id) where transfer_to_unit_id is not null;

create table member_deadline (
  member_id bigint not null references member (id),
  kind text not null,
  since date not null,
  due date not null,
  primary key (member_id, kind)
);
create index member_deadline_by_due on member_deadline (due);
