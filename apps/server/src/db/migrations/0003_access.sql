-- Users, roles and grants (issue 3). A grant gives a role over one unit's subtree, or the whole
-- organization when unit_id is null; the subtree is read from unit_tree on the day a request asks
-- about, so a unit moved by a reorganization carries its grants' reach with it.

create table app_user (
  id bigint generated always as identity primary key,
  username text not null check (username ~ '^[A-Za-z0-9._@-]{2,64}$'),
  display_name text not null check (display_name <> ''),
  email text,
  -- argon2id (PHC string); null for people who sign in only through single sign-on.
  password_hash text,
  active boolean not null default true,
  -- Lockout after repeated failures is kept here, not in one process's memory, so that every
  -- server behind a load balancer sees it.
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  oidc_issuer text,
  oidc_subject text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index app_user_username on app_user (lower(username));
create unique index app_user_oidc on app_user (oidc_issuer, oidc_subject) where oidc_subject is not null;

create table role (
  id bigint generated always as identity primary key,
  code text not null unique check (code ~ '^[a-z][a-z0-9_]{1,40}$'),
  name text not null default '',
  description text not null default '',
  permissions text[] not null default '{}',
  -- Built-in roles are kept in step with the code at every start (see migrate.ts).
  builtin boolean not null default false,
  version integer not null default 1
);

create table role_grant (
  id bigint generated always as identity primary key,
  user_id bigint not null references app_user (id),
  role_id bigint not null references role (id),
  unit_id bigint references unit (id),
  -- In force on these days (the organization's calendar). Revoking closes it today; a
  -- reorganization that ends the unit closes it on its effective date.
  valid daterange not null check (not isempty(valid) and not lower_inf(valid)),
  ended_by_order_id bigint references reorg_order (id),
  created_at timestamptz not null default now(),
  created_by bigint references app_user (id)
);
create index role_grant_by_user on role_grant (user_id);
create index role_grant_by_unit on role_grant (unit_id);

-- Sessions behind an opaque cookie: only the SHA-256 of the cookie value is stored, so a copy of
-- the database does not let anyone sign in. Deleting a row signs that browser out at once.
create table user_session (
  id bigint generated always as identity primary key,
  secret_hash bytea not null unique,
  user_id bigint not null references app_user (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  source_address text,
  user_agent text
);
create index user_session_by_user on user_session (user_id);

create table api_token (
  id bigint generated always as identity primary key,
  user_id bigint not null references app_user (id),
  name text not null check (name <> ''),
  secret_hash bytea not null unique,
  -- null: everything the owner may do; otherwise only these (and never more than the owner).
  permissions text[],
  expires_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_token_by_user on api_token (user_id);

-- The roots of a scope as they stand on a day, as ltree paths: a unit live that day is its own
-- root; one that was not (made later by a merger, or ended) stands for the units it came from
-- that were live, so a merged province's officer can read its provinces' past.
create function rb_scope_paths(roots bigint[], d date) returns ltree[]
language sql stable parallel safe as $$
  with recursive up (id, depth) as (
    select l.predecessor_id, 1 from unit_lineage l
    where l.successor_id = any(roots) and l.superseded_at is null
      and not exists (select 1 from unit_tree t where t.unit_id = l.successor_id and t.valid @> d)
    union
    select l.predecessor_id, up.depth + 1 from unit_lineage l join up on l.successor_id = up.id
    where l.superseded_at is null and up.depth < 50
  )
  -- Two indexed lookups, not one `or`: an `or` across them would scan the whole tree.
  select coalesce(array_agg(path), '{}') from (
    select t.path from unit_tree t where t.unit_id = any(roots) and t.valid @> d
    union all
    select t.path from up join unit_tree t on t.unit_id = up.id and t.valid @> d
  ) found
$$;

-- Who drafted an order: a draft that names no unit yet is still its author's to see.
alter table reorg_order add column created_by bigint references app_user (id);

-- The stored units an order's operations name (mirrors `unitsNamedBy` in the domain package), so
-- that a list of orders can be filtered by scope in SQL before the order is applied.
create function rb_order_unit_ids(operations jsonb) returns bigint[]
language sql immutable parallel safe as $$
  select coalesce(array_agg(distinct (value #>> '{}')::bigint), '{}')
  from (
    select value from jsonb_path_query(operations, 'lax $[*].unitId') value
    union all select value from jsonb_path_query(operations, 'lax $[*].parentId') value
    union all select value from jsonb_path_query(operations, 'lax $[*].unitIds[*]') value
    union all select value from jsonb_path_query(operations, 'lax $[*].into.unitId') value
    union all select value from jsonb_path_query(operations, 'lax $[*].into.parentId') value
  ) named
  where jsonb_typeof(value) = 'number' and (value #>> '{}')::numeric > 0
$$;
