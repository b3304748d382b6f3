-- Member figures for large subtrees, pre-aggregated (docs/adr/0006). Counting the members of a
-- province or of the whole organization as of a day means visiting hundreds of thousands of spans
-- (0.6–1 s at 6 M members, research/rollups.md); a cell or a commune is cheap to count directly.
-- So the units whose subtree holds many members (member_rollup_unit, chosen by size) keep:
--   member_rollup        the dated changes (+n / −n on a day) of each count, by measure and value;
--   member_rollup_month  the count on the first day of each month up to member_rollup_state.horizon.
-- The count on day D is the checkpoint of D's month (or of the horizon, if D lies beyond it) plus the
-- changes after it up to D: a few thousand rows whatever the size of the subtree. Both are derived
-- from member_span, member_record and unit_tree, written in the transaction of every change that
-- alters them, and never edited by hand.

create table member_rollup_unit (
  unit_id bigint primary key references unit (id),
  -- Members in its subtree when it was chosen (for people reading the table).
  members_when_chosen integer not null,
  chosen_at timestamptz not null default now()
);

create table member_rollup (
  unit_id bigint not null references member_rollup_unit (unit_id) on delete cascade,
  -- status (applicant, admitted, probationary, official); for probationary and official members
  -- also sex, birth_year, ethnicity, religion, exempted, suspended, in_transit.
  measure text not null,
  value text not null,
  day date not null,
  delta integer not null,
  primary key (unit_id, measure, value, day)
);

create table member_rollup_month (
  unit_id bigint not null references member_rollup_unit (unit_id) on delete cascade,
  month date not null check (extract(day from month) = 1),
  measure text not null,
  value text not null,
  -- The count on the month's first day (the changes dated on or before it).
  count integer not null,
  primary key (unit_id, month, measure, value)
);

create table member_rollup_state (
  only_row boolean primary key default true check (only_row),
  -- Checkpoints exist for every month from a count's first change up to this month.
  horizon date not null check (extract(day from horizon) = 1)
);
insert into member_rollup_state (horizon) values (date_trunc('month', current_date)::date);
