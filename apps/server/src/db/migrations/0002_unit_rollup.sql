-- Units by kind under each unit, pre-aggregated as dated changes: the count of kind K under unit
-- A on day D is the sum of `delta` for (A, K) up to D. Answering "units by kind in a subtree as of
-- any date" then reads a few hundred rows instead of visiting every unit of the subtree (the root
-- figures took 50–60 ms at 60,000 units; see docs/adr/0003). Maintained by rebuildTreeFrom in the
-- same transaction as the tree it summarizes; never edited by hand.

create table unit_rollup (
  ancestor_id bigint not null references unit (id),
  kind text not null,
  day date not null,
  delta integer not null,
  primary key (ancestor_id, kind, day)
);

-- A unit counts under every unit on its path except itself, from the first day of its tree row
-- (+1) to the day after the last (-1).
insert into unit_rollup (ancestor_id, kind, day, delta)
select ancestor_id, kind, day, sum(delta)::integer
from (
  select a.id::bigint as ancestor_id, t.kind, lower(t.valid) as day, 1 as delta
  from unit_tree t
  cross join lateral unnest(string_to_array(ltree2text(subpath(t.path, 0, nlevel(t.path) - 1)), '.')) as a (id)
  union all
  select a.id::bigint, t.kind, upper(t.valid), -1
  from unit_tree t
  cross join lateral unnest(string_to_array(ltree2text(subpath(t.path, 0, nlevel(t.path) - 1)), '.')) as a (id)
  where not upper_inf(t.valid)
) changes
group by ancestor_id, kind, day
having sum(delta) <> 0;

-- Changes that cancel out are deleted after each order; this keeps finding them cheap.
create index unit_rollup_cancelled on unit_rollup (ancestor_id) where delta = 0;
