-- Indexes for three member reads that read far more than they answer at national scale (ADR 0008;
-- measured on 6.3 M members).

-- A search for a text in Arabic script, Devanagari or any other script whose folded letters are not
-- ASCII: the names that contain it after their start (a Persian or Arabic surname comes after the
-- given name) were all taken through the trigram index, placed and sorted before the first page
-- (16 k for "کریمی"). Such names all have a letter outside ASCII, and few names do (3 %, where
-- Vietnamese and Turkish fold to ASCII): read in name order from this index, with the days each
-- version holds, the first page is found after a few thousand names (findContainingNonAscii).
create index member_record_by_name_non_ascii on member_record ((search_text collate "C"), member_id)
  include (valid)
  where superseded_at is null and octet_length(search_text) <> length(search_text);

-- The work list's transfers waiting for a subtree: the spans in transit on a day are few, among the
-- hundreds of thousands ever in transit (214 k at 6 M members), which member_span_by_destination
-- gave unit by unit, every one read to test its days.
create index member_span_in_transit on member_span using gist (valid) where transfer_to_unit_id is not null;

-- The work list's records lacking a built-in required field, in name order: a large subtree walks
-- them by name and stops after a page instead of sorting all of them (520 k records of imported
-- members lack their birthplace, home town, residence and education at 6 M members).
create index member_record_incomplete_by_name on member_record (full_name, member_id)
  where superseded_at is null and (birth_date is null or sex is null or birth_place is null
    or home_town is null or residence is null or education is null);
