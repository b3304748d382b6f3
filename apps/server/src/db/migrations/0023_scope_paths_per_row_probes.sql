-- rb_scope_paths (0003), the same answer, planned so that it never reads the whole tree.
--
-- A SQL function's statements are planned with its arguments as parameters, without their values.
-- For a unit that succeeds another in the lineage (a province made or kept by a merger), that
-- generic plan tested "not live on the day" by hashing every tree row standing on the day (60 k
-- units: 25 ms at each call, against 0.5 ms for a unit with no predecessor), and every read of
-- such a province's subtree or scope paid it. Each test below is a probe of the unit's own tree
-- row: OFFSET 0 keeps a subquery from being flattened into a join (EXISTS with an OFFSET is not
-- turned into an anti-join), so it runs once per lineage row found, through the (unit, days) index.
create or replace function rb_scope_paths(roots bigint[], d date) returns ltree[]
language sql stable parallel safe as $$
  with recursive up (id, depth) as (
    select l.predecessor_id, 1 from unit_lineage l
    where l.successor_id = any(roots) and l.superseded_at is null
      and not exists (select 1 from unit_tree t where t.unit_id = l.successor_id and t.valid @> d offset 0)
    union
    select l.predecessor_id, up.depth + 1 from unit_lineage l join up on l.successor_id = up.id
    where l.superseded_at is null and up.depth < 50
  )
  -- Two indexed lookups, not one `or`: an `or` across them would scan the whole tree.
  select coalesce(array_agg(path), '{}') from (
    select t.path from unit_tree t where t.unit_id = any(roots) and t.valid @> d
    union all
    select found_up.path from up
    cross join lateral (select t.path from unit_tree t where t.unit_id = up.id and t.valid @> d offset 0) found_up
  ) found
$$;
