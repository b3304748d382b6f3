-- The work list's last kind, records lacking a field the statute's forms require, read every member
-- of the subtree to find the few incomplete ones (4 s for a province at 6 M members). Records that
-- lack one of the built-in fields are few once a register is cleaned up: this index finds them
-- directly. (Custom fields an organization makes required are checked by reading the subtree.)
create index member_record_incomplete on member_record (member_id)
  where superseded_at is null and (birth_date is null or sex is null or birth_place is null
    or home_town is null or residence is null or education is null);
