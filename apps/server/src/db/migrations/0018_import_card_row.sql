-- Cards from a file (issue 5): card issues of members already in the register, as a card register
-- keeps them. Validation stages one row per card here, as read (dates parsed, kind and end reason
-- resolved to their codes, the campaign as written); the file is then checked member by member
-- against the stored cards and the member's status on each day, and the commit writes the cards,
-- each re-issue or exchange ending the card it replaces, in one transaction.
create table import_card_row (
  job_id bigint not null references import_job (id) on delete cascade,
  row_no integer not null,
  -- false: the row has problems of its own; staged so the file's count of rows stays whole.
  ok boolean not null,
  member_ref text,
  number text,
  issued_on date,
  kind text,
  campaign text,
  ended_on date,
  end_reason text,
  primary key (job_id, row_no)
);
