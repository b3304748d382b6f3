-- Historical lifecycle events from a file (issue 5): events of members already in the register.
-- Validation stages one row per event here, as read (type resolved to its code, dates parsed,
-- details read into the event's detail fields, the unit code the event names); the whole file is
-- then replayed member by member with the stored events before anything is written, and the commit
-- inserts the events and re-derives each member's spans, deadlines and roll-ups in one transaction.
create table import_event_row (
  job_id bigint not null references import_job (id) on delete cascade,
  row_no integer not null,
  -- false: the row has problems of its own; staged so the file's count of rows stays whole.
  ok boolean not null,
  member_ref text,
  type text,
  event_date date,
  unit_code text,
  details jsonb not null default '{}',
  decision_number text,
  decision_date date,
  decided_by text,
  note text,
  primary key (job_id, row_no)
);
