-- Member lists sort names byte by byte (collation "C"): the same order on every server whatever its
-- locale, and a name search can then take the names that start with the text as a range of this
-- index and stop after a page (docs/members.md, "Search"). An index on the column's own collation
-- cannot serve an order or a range in another, so it is replaced.
drop index member_record_by_name;
create index member_record_by_name on member_record ((search_text collate "C"), member_id)
  where superseded_at is null;
