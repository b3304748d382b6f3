-- Bulk imports (issue 5, BRIEF capability 8). A job is one uploaded file: its identity (SHA-256),
-- how its columns map to fields, and where it stands. Validation stages every row, already turned
-- into what will be written, in import_member_row and lists what is wrong in import_problem; the
-- commit then writes the staged rows into the register in one transaction, so a killed process
-- leaves the register exactly as before or exactly as after.

create table import_job (
  id bigint generated always as identity primary key,
  entity text not null,
  status text not null check (status in
    ('uploaded', 'validating', 'invalid', 'validated', 'committing', 'committed', 'failed', 'cancelled')),
  file_name text not null,
  file_sha256 text not null,
  file_bytes bigint not null,
  format text not null check (format in ('csv', 'xlsx')),
  encoding text,
  delimiter text,
  headers jsonb not null,
  mapping jsonb,
  options jsonb not null default '{}',
  -- The unit the rows must lie under (the importer's board); null: anywhere in the importer's scope.
  unit_id bigint references unit (id),
  rows_total integer,
  rows_done integer not null default 0,
  problem_count integer not null default 0,
  -- A failure of the file or of the run as a whole: {code, params}.
  failure jsonb,
  -- What the commit wrote (counts), or the job whose commit already wrote the same file.
  result jsonb,
  cancel_requested boolean not null default false,
  created_by text not null,
  created_by_user_id bigint references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index import_job_by_file on import_job (entity, file_sha256) where status = 'committed';

create table import_problem (
  job_id bigint not null references import_job (id) on delete cascade,
  seq integer not null,
  row_no integer,
  column_name text,
  field text,
  value text,
  -- A reason key (import.date, rule.admission_age_young, …) and the params that fill its words.
  reason text not null,
  params jsonb not null default '{}',
  primary key (job_id, seq)
);

-- One member per row, as validation derived them. member_id is drawn from the member sequence when
-- the row is staged, so committing twice can never write the same person twice. Rows with problems
-- of their own are staged too (ok = false, nothing derived), so the checks against the register
-- and across the file (units, duplicate IDs) report on every row at once.
create table import_member_row (
  job_id bigint not null references import_job (id) on delete cascade,
  row_no integer not null,
  member_id bigint not null,
  full_name text not null,
  birth_name text,
  other_names text,
  sex text,
  birth_date date,
  birth_place text,
  home_town text,
  residence text,
  ethnicity text,
  religion text,
  national_id text,
  education text,
  profession text,
  phone text,
  email text,
  custom jsonb not null default '{}',
  ok boolean not null,
  unit_code text,
  unit_id bigint,
  -- The day the member joins (the first event), when the unit must stand.
  joins_on date,
  -- [{type, date, details, decisionNumber, ruleSet}], [{from, to, status, inUnit}], [{kind, since, due}].
  events jsonb not null,
  spans jsonb not null,
  deadlines jsonb not null,
  primary key (job_id, row_no)
);
