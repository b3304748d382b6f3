-- Units from a file (issue 5, BRIEF capability 8): a province board brings its tree from
-- spreadsheets. Validation stages one row per unit here, as read (kind resolved to the rule pack's
-- code, dates parsed), and checks the whole file against the tree before anything is written; the
-- commit then creates the units through reorganization orders, so the tree, its paths and the audit
-- trail are exactly as if the orders had been typed.
create table import_unit_row (
  job_id bigint not null references import_job (id) on delete cascade,
  row_no integer not null,
  -- false: the row has problems of its own; staged only so checks across the file see its code.
  ok boolean not null,
  code text,
  name text,
  kind text,
  parent_code text,
  valid_from date,
  valid_until date,
  primary key (job_id, row_no)
);
