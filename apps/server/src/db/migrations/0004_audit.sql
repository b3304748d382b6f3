-- The audit chain (issue 3). Each event's body is the exact JSON text that was hashed; its hash is
-- SHA-256(previous hash || body), so editing, inserting or deleting a row breaks the chain at that
-- row. The columns used for filtering are generated from the body, so they cannot be edited apart
-- from it. Writers take an advisory lock before reading the head, so the chain never forks.

create function rb_json_bigints(items jsonb) returns bigint[]
language sql immutable parallel safe as $$
  select coalesce(array_agg(value::bigint), '{}') from jsonb_array_elements_text(coalesce(items, '[]'))
$$;

create table audit_event (
  seq bigint primary key check (seq > 0),
  body text not null,
  prev_hash bytea,
  hash bytea not null,
  at text generated always as (body::jsonb ->> 'at') stored,
  actor_id bigint generated always as ((body::jsonb -> 'actor' ->> 'id')::bigint) stored,
  actor_name text generated always as (body::jsonb -> 'actor' ->> 'name') stored,
  action text generated always as (body::jsonb ->> 'action') stored,
  entity_type text generated always as (body::jsonb -> 'entity' ->> 'type') stored,
  entity_id text generated always as (body::jsonb -> 'entity' ->> 'id') stored,
  unit_ids bigint[] generated always as (rb_json_bigints(body::jsonb -> 'unitIds')) stored
);
create index audit_event_at on audit_event (at);
create index audit_event_actor on audit_event (actor_id, seq);
create index audit_event_entity on audit_event (entity_type, entity_id, seq);
create index audit_event_units on audit_event using gin (unit_ids);

-- The head of the chain, kept apart from it: removing the newest events leaves the head pointing
-- past the end, which verification reports. (Whoever can rewrite both tables can hide even that;
-- an anchor noted outside the database — `rollbook audit verify --anchor` — catches it.)
create table audit_head (
  only_row boolean primary key default true check (only_row),
  seq bigint not null,
  hash bytea not null
);
