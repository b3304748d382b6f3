-- The unit tree with history. Facts are effective-dated (valid daterange) and never updated in
-- place: a change closes the old row (superseded_at) and writes new ones, so both "the tree as of
-- any date" and "what the register said at any moment" stay answerable (docs/adr/0002).

create extension if not exists ltree;
create extension if not exists btree_gist;
create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- Folds a name for search the way each script needs: Vietnamese and Turkish diacritics
-- (Nguyễn = Nguyen, İ/ı = i), Arabic harakat and tatweel, Arabic/Persian letter variants
-- (ي/ی, ك/ک, أ/إ/آ → ا, ة → ه), Devanagari nukta, zero-width joiners. unaccent() is only STABLE
-- because its dictionary could change; naming the dictionary makes this wrapper safe to index.
create function rb_fold(input text) returns text
language sql immutable parallel safe strict
return lower(
  translate(
    regexp_replace(
      public.unaccent('public.unaccent'::regdictionary, normalize(input, NFC)),
      '[\u064B-\u065F\u0670\u0640\u093C\u200C\u200D]', '', 'g'),
    'يىكأإآٱة',
    'ییکااااه'));

create table reorg_order (
  id bigint generated always as identity primary key,
  status text not null default 'draft' check (status in ('draft', 'applied')),
  effective_date date not null,
  title text not null default '',
  decision_number text,
  decision_date date,
  issued_by text,
  note text,
  operations jsonb not null default '[]',
  -- Filled when applied: the ids of the units the operations created, by operation index.
  result jsonb,
  reverses_order_id bigint references reorg_order (id),
  reversed_by_order_id bigint references reorg_order (id),
  -- Optimistic concurrency: every write bumps it; a stale If-Match gets 412.
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  applied_at timestamptz
);
create index reorg_order_by_date on reorg_order (effective_date, id);

create table unit (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now()
);

create table unit_version (
  id bigint generated always as identity primary key,
  unit_id bigint not null references unit (id),
  valid daterange not null check (not isempty(valid) and not lower_inf(valid)),
  code text not null check (code <> ''),
  name text not null check (name <> ''),
  kind text not null,
  parent_id bigint references unit (id),
  attributes jsonb not null default '{}',
  -- The order whose change starts this version (kept when a later order trims the row).
  order_id bigint not null references reorg_order (id),
  recorded_at timestamptz not null default now(),
  superseded_at timestamptz,
  superseded_by_order_id bigint references reorg_order (id),
  search_text text generated always as (rb_fold(code || ' ' || name)) stored,
  -- A unit has one state per day; a code belongs to one live unit per day.
  constraint unit_version_one_state_per_day
    exclude using gist (unit_id with =, valid with &&) where (superseded_at is null),
  constraint unit_version_code_live_once
    exclude using gist (upper(code) with =, valid with &&) where (superseded_at is null)
);
create index unit_version_children on unit_version (parent_id) where superseded_at is null;
create index unit_version_starts on unit_version (unit_id, lower(valid)) where superseded_at is null;
create index unit_version_search on unit_version using gin (search_text gin_trgm_ops) where superseded_at is null;

-- Derived from unit_version: each unit's materialized path through the tree, per validity
-- interval, so "the subtree of X as of D" is one indexed range query. Rebuilt for the affected
-- subtrees by every order; never edited by hand.
create table unit_tree (
  unit_id bigint not null references unit (id),
  valid daterange not null check (not isempty(valid)),
  path ltree not null,
  kind text not null,
  parent_id bigint references unit (id),
  constraint unit_tree_one_path_per_day exclude using gist (unit_id with =, valid with &&)
);
create index unit_tree_by_path on unit_tree using gist (path, valid);
create index unit_tree_by_parent on unit_tree (parent_id);

-- Predecessor → successor through merges and splits; a split keeps its allocation so that later
-- capabilities (members, positions) can follow the same rule.
create table unit_lineage (
  id bigint generated always as identity primary key,
  order_id bigint not null references reorg_order (id),
  effective_date date not null,
  kind text not null check (kind in ('merge', 'split')),
  predecessor_id bigint not null references unit (id),
  successor_id bigint not null references unit (id),
  allocation jsonb,
  superseded_at timestamptz
);
create index unit_lineage_by_predecessor on unit_lineage (predecessor_id) where superseded_at is null;
create index unit_lineage_by_successor on unit_lineage (successor_id) where superseded_at is null;

-- The units an applied order touched: answers "which orders changed this subtree between two dates".
create table reorg_order_unit (
  order_id bigint not null references reorg_order (id),
  unit_id bigint not null references unit (id),
  primary key (order_id, unit_id)
);
create index reorg_order_unit_by_unit on reorg_order_unit (unit_id);
