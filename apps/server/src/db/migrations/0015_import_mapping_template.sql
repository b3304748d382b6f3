-- Saved column mappings (issue 5, BRIEF capability 8): a clerk maps a file's columns once, saves the
-- mapping under a name, and applies it to the next file from the same source. A template belongs
-- to a unit like an import does, so it is seen by those whose part of the tree holds that unit
-- (null: organization-wide, seen by those who import anywhere).

create table import_mapping_template (
  id bigint generated always as identity primary key,
  entity text not null,
  name text not null check (length(btrim(name)) between 1 and 120),
  -- field → column header, as import_job.mapping holds it.
  mapping jsonb not null,
  -- What else a job is told: {dateOrder}.
  options jsonb not null default '{}',
  unit_id bigint references unit (id),
  version integer not null default 1,
  created_by text not null,
  created_by_user_id bigint references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One name per entity across the organization, whatever its case: `--template NAME` names one.
create unique index import_mapping_template_name on import_mapping_template (entity, lower(name));
