-- Membership cards and exchange campaigns (issue 4, BRIEF capability 3). A card is live from its
-- issue day until it is replaced, lost or recovered; numbers are opaque strings, unique among live
-- cards (research/domain-rules.md §2: no source gives their format). A campaign fixes its scope on
-- its start day — the official members holding a card then (Directive 51-CT/TW) — so that its
-- progress, exchanged ÷ in scope, can be asked as of any later day.

create table card_campaign (
  id bigint generated always as identity primary key,
  name text not null check (name <> ''),
  starts_on date not null,
  -- The deadline; the campaign goes on being measured after it.
  ends_on date,
  -- The subtree the campaign covers (null: the whole organization), as it stood on starts_on.
  unit_id bigint references unit (id),
  decision_number text,
  created_at timestamptz not null default now(),
  created_by text not null
);

create table member_card (
  id bigint generated always as identity primary key,
  member_id bigint not null references member (id),
  number text not null check (number <> ''),
  issued_on date not null,
  kind text not null check (kind in ('issue', 'reissue', 'exchange')),
  replaces_card_id bigint references member_card (id),
  campaign_id bigint references card_campaign (id),
  ended_on date,
  end_reason text check (end_reason in ('replaced', 'lost', 'recovered', 'kept_by_family')),
  recorded_at timestamptz not null default now(),
  recorded_by text not null,
  check ((ended_on is null) = (end_reason is null)),
  check (ended_on is null or ended_on >= issued_on)
);
create index member_card_by_member on member_card (member_id, issued_on);
create unique index member_card_live_number on member_card (upper(number)) where ended_on is null;
create index member_card_number on member_card (upper(number));
create index member_card_by_campaign on member_card (campaign_id) where campaign_id is not null;

-- Who was in a campaign's scope on its start day, and where they stood then.
create table card_campaign_member (
  campaign_id bigint not null references card_campaign (id),
  member_id bigint not null references member (id),
  unit_id bigint not null references unit (id),
  card_id bigint not null references member_card (id),
  primary key (campaign_id, member_id)
);
create index card_campaign_member_by_unit on card_campaign_member (campaign_id, unit_id);
