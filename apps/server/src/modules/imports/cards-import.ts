import {
  CARD_END_REASONS,
  CARD_KINDS,
  CARD_WORDS,
  cardFinding,
  type DateOrder,
  foldHeader,
  type ImportField,
  type IsoDate,
  type MemberRuleId,
} from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { CopyValue } from '../../db/copy.js';
import type { Database } from '../../db/types.js';
import type { Actor, Scope } from '../access/actor.js';
import { lockMembers } from '../members/members.repository.js';
import { findingParams } from '../members/members.service.js';
import type { Db } from '../units/units.repository.js';
import { memberNamedBy } from './events-import.js';
import { cellText, type ColumnMap, type RowProblem, rowProblems } from './member-import.js';
import type { TableRow } from './table-file.js';

/**
 * Cards from a file (issue 5): the card register of members already in the register — each card's
 * number, the day it was issued and how, and when it stopped being valid and why. Each row is read
 * and staged (COPY into import_card_row); the whole file is then checked member by member against
 * the cards already recorded and the member's status on each day, by the rules the card service
 * applies to a card recorded by hand (research/domain-rules.md §2: a card only for an official
 * member; one valid card at a time; a re-issue or an exchange ends the card it replaces; an
 * exchange only for a member in its campaign's scope; the cell recovers the card of a member who
 * left), and committed in one transaction.
 */

export const CARD_STAGED_COLUMNS = [
  'job_id',
  'row_no',
  'ok',
  'member_ref',
  'number',
  'issued_on',
  'kind',
  'campaign',
  'ended_on',
  'end_reason',
] as const;

type CardKind = (typeof CARD_KINDS)[number];
type EndReason = (typeof CARD_END_REASONS)[number] | 'replaced';

/** A card kind or end reason by its code or its name in any language. */
function wordReader(codes: readonly string[]): { read(value: string): string | null; allowed: string } {
  const byName = new Map<string, string>();
  for (const code of codes) {
    byName.set(foldHeader(code), code);
    for (const name of Object.values(CARD_WORDS[code] ?? {})) byName.set(foldHeader(name), code);
  }
  return {
    read: (value) => byName.get(foldHeader(value)) ?? null,
    allowed: codes.map((c) => CARD_WORDS[c]?.en ?? c).join(', '),
  };
}

/** Reads one row of a cards file; answers the staged row and the problems of its own cells. */
export function cardRowReader(
  today: IsoDate,
  jobId: number,
  fields: readonly ImportField[],
  columnOf: ColumnMap,
  dateOrder: DateOrder,
): { read(row: TableRow): { staged: CopyValue[]; problems: RowProblem[] } } {
  const kinds = wordReader(CARD_KINDS);
  const reasons = wordReader(CARD_END_REASONS);
  const mapped = fields.filter((f) => columnOf.has(f.key));
  const required = fields.filter((f) => f.required);
  const field = (key: string) => fields.find((f) => f.key === key)!;
  return {
    read({ row, cells }) {
      const { problems, problem, date } = rowProblems(row, columnOf);
      const values = new Map<string, string>();
      for (const f of mapped) {
        const raw = cellText(cells, columnOf.get(f.key)!.index);
        if (raw === '') continue;
        if (f.kind === 'date') {
          const day = date(f, raw, dateOrder, today);
          if (day) values.set(f.key, day);
        } else if (f.key === 'kind' || f.key === 'endReason') {
          const words = f.key === 'kind' ? kinds : reasons;
          const code = words.read(raw);
          if (code === null) problem(f, raw, 'card_word', { value: raw, allowed: words.allowed });
          else values.set(f.key, code);
        } else if (f.maxLength && raw.length > f.maxLength) {
          problem(f, raw.slice(0, 80), 'too_long', { max: f.maxLength });
        } else values.set(f.key, raw);
      }
      for (const f of required)
        if (!values.has(f.key) && !problems.some((p) => p.field === f.key)) problem(f, null, 'required');
      const text = (key: string) => values.get(key) ?? null;
      const issuedOn = text('issuedOn');
      const endedOn = text('endedOn');
      const hasCell = (key: string) => values.has(key) || problems.some((p) => p.field === key);
      // A card that ended carries both its last day and why (member_card's check says the same).
      if (hasCell('endedOn') !== hasCell('endReason'))
        problem(field(hasCell('endedOn') ? 'endReason' : 'endedOn'), null, 'card_end_pair');
      if (issuedOn && endedOn && endedOn < issuedOn)
        problem(field('endedOn'), endedOn, 'card_end_before_issue', { value: endedOn, date: issuedOn });
      if (text('kind') === 'exchange' && !hasCell('campaign'))
        problem(field('campaign'), null, 'campaign_required');
      return {
        staged: [
          jobId,
          row,
          problems.length === 0,
          text('member'),
          text('number'),
          issuedOn,
          text('kind'),
          text('campaign'),
          endedOn,
          text('endReason'),
        ],
        problems,
      };
    },
  };
}

export interface CardCheckContext {
  jobId: number;
  /** The importer's members.write scope: members out of it are reported as unknown. */
  scope: Scope;
  today: IsoDate;
  mapping: Record<string, string>;
}

interface StagedCard {
  row: number;
  ok: boolean;
  memberRef: string | null;
  memberId: number | null;
  number: string;
  issuedOn: IsoDate;
  kind: CardKind | null;
  campaign: string | null;
  campaignId: number | null;
  campaignStartsOn: IsoDate | null;
  inCampaign: boolean;
  endedOn: IsoDate | null;
  endReason: EndReason | null;
  /** The member's status on the day of issue and on the day the card ended (member_span). */
  statusIssued: string | null;
  statusEnded: string | null;
}

interface StoredCard {
  id: number;
  memberId: number;
  number: string;
  issuedOn: IsoDate;
  endedOn: IsoDate | null;
}

/** One card a commit writes: its id drawn beforehand, so that the card a later one replaces is known. */
export interface PlannedCard {
  row: number;
  memberId: number;
  number: string;
  issuedOn: IsoDate;
  kind: CardKind;
  campaignId: number | null;
  /** A file's card (its plan index) or a stored card's id. */
  replaces: { planned: number } | { stored: number } | null;
  endedOn: IsoDate | null;
  endReason: EndReason | null;
}

/** A card of the member's history as the check walks it: stored, or planned from the file. */
interface Held {
  ref: { planned: number } | { stored: number };
  number: string;
  issuedOn: IsoDate;
  endedOn: IsoDate | null;
  /** The row that said when it ended (a file's card), for telling that row. */
  row: number | null;
}

/**
 * Checks the staged rows against the register: members (by number or national ID, in the
 * importer's scope), campaigns, cards already recorded or given twice, and each member's cards in
 * date order after the stored ones, by the card rules in force on each day. Answers the problems
 * and, when there are none, the plan.
 */
export async function checkStagedCards(
  db: Db,
  ctx: AppContext,
  c: CardCheckContext,
): Promise<{ problems: RowProblem[]; plan: PlannedCard[] }> {
  const staged = (
    await sql<StagedCard>`
      select r.row_no as row, r.ok, r.member_ref as "memberRef", m.id as "memberId", r.number,
        to_char(r.issued_on, 'YYYY-MM-DD') as "issuedOn", r.kind, r.campaign, cp.id as "campaignId",
        to_char(cp.starts_on, 'YYYY-MM-DD') as "campaignStartsOn",
        exists (select 1 from card_campaign_member cm where cm.campaign_id = cp.id and cm.member_id = m.id) as "inCampaign",
        to_char(r.ended_on, 'YYYY-MM-DD') as "endedOn", r.end_reason as "endReason",
        si.status as "statusIssued", se.status as "statusEnded"
      from import_card_row r
      left join lateral ${memberNamedBy(sql`r.member_ref`, c.scope, c.today)} m on true
      left join member_span si on si.member_id = m.id and si.valid @> r.issued_on
      left join member_span se on se.member_id = m.id and se.valid @> r.ended_on
      left join lateral (select x.id, x.starts_on from card_campaign x
        where r.campaign is not null and (upper(x.name) = upper(r.campaign) or '#' || x.id = r.campaign)
        order by x.starts_on desc, x.id desc limit 1) cp on true
      where r.job_id = ${c.jobId}
      order by r.row_no`.execute(db)
  ).rows.map((r) => ({
    ...r,
    memberId: r.memberId === null ? null : Number(r.memberId),
    campaignId: r.campaignId === null ? null : Number(r.campaignId),
  }));
  const problems: RowProblem[] = [];
  const problem = (row: number, field: string, value: string | null, key: string, params = {}) =>
    problems.push({ row, column: c.mapping[field] ?? null, field, value, reason: key, params });
  const rules = ctx.rules.members;
  /** A broken card rule, with its rule set and source, as the card service tells it. */
  const broken = (e: StagedCard, rule: MemberRuleId, field: string, value: string | null, params = {}) => {
    const finding = cardFinding(rules, e.issuedOn, rule, field, params);
    problem(e.row, field, value, `rule.${rule}`, findingParams(finding));
  };
  const statusWord = (status: string | null) => `reason:status.${status ?? 'none'}`;

  const byMember = new Map<number, StagedCard[]>();
  for (const e of staged) {
    if (!e.ok) continue;
    if (e.memberId === null) {
      problem(e.row, 'member', e.memberRef, 'import.member_unknown', { value: e.memberRef ?? '' });
      continue;
    }
    if (e.campaign !== null && e.campaignId === null) {
      problem(e.row, 'campaign', e.campaign, 'import.campaign_unknown', { value: e.campaign });
      continue;
    }
    const list = byMember.get(e.memberId) ?? [];
    list.push(e);
    byMember.set(e.memberId, list);
  }

  const memberIds = [...byMember.keys()];
  const stored = new Map<number, StoredCard[]>();
  if (memberIds.length) {
    const rows = await sql<StoredCard>`select id, member_id as "memberId", number,
        to_char(issued_on, 'YYYY-MM-DD') as "issuedOn", to_char(ended_on, 'YYYY-MM-DD') as "endedOn"
      from member_card where member_id = any(${memberIds}::bigint[]) order by member_id, issued_on, id`.execute(
      db,
    );
    for (const card of rows.rows) {
      const list = stored.get(Number(card.memberId)) ?? [];
      list.push({ ...card, id: Number(card.id) });
      stored.set(Number(card.memberId), list);
    }
  }

  const plan: PlannedCard[] = [];
  for (const [memberId, rows] of byMember) {
    const own = stored.get(memberId) ?? [];
    const last = own.at(-1);
    let latest: Held | null = last
      ? {
          ref: { stored: last.id },
          number: last.number,
          issuedOn: last.issuedOn,
          endedOn: last.endedOn,
          row: null,
        }
      : null;
    const seen = new Map<IsoDate, number>();
    const cards = [...rows].sort((a, b) =>
      a.issuedOn < b.issuedOn ? -1 : a.issuedOn > b.issuedOn ? 1 : a.row - b.row,
    );
    for (const e of cards) {
      if (own.some((s) => s.issuedOn === e.issuedOn && s.number.toUpperCase() === e.number.toUpperCase())) {
        problem(e.row, 'number', e.number, 'import.card_exists', { value: e.number, date: e.issuedOn });
        continue;
      }
      if (seen.has(e.issuedOn)) {
        problem(e.row, 'issuedOn', e.issuedOn, 'import.card_duplicate', { other: seen.get(e.issuedOn)! });
        continue;
      }
      seen.set(e.issuedOn, e.row);
      if (last && e.issuedOn < last.issuedOn) {
        problem(e.row, 'issuedOn', e.issuedOn, 'import.card_before_stored', { date: last.issuedOn });
        continue;
      }
      if (e.statusIssued !== 'official') {
        broken(e, 'card_not_official', 'issuedOn', e.issuedOn, {
          date: e.issuedOn,
          status: statusWord(e.statusIssued),
        });
      }
      const kind: CardKind = e.kind ?? (latest ? 'reissue' : 'issue');
      // The card valid on the day of issue, if any: the latest, unless it ended by then.
      const live = latest && (latest.endedOn === null || latest.endedOn > e.issuedOn) ? latest : null;
      if (kind === 'issue' && live) {
        broken(e, 'card_already_live', 'kind', e.kind, { number: live.number });
      }
      if (kind === 'reissue' && !latest) {
        broken(e, 'no_live_card', 'kind', e.kind, { date: e.issuedOn });
      }
      if (kind === 'exchange') {
        if (!live) {
          broken(e, 'no_live_card', 'kind', e.kind, { date: e.issuedOn });
        }
        if (e.campaignId === null) {
          problem(e.row, 'campaign', null, 'import.campaign_required');
        } else if (!e.inCampaign || e.issuedOn < e.campaignStartsOn!) {
          broken(
            e,
            'not_in_campaign',
            e.inCampaign ? 'issuedOn' : 'campaign',
            e.inCampaign ? e.issuedOn : e.campaign,
            {
              date: e.campaignStartsOn!,
            },
          );
        }
      }
      // A replaced card ends on the day its successor is issued; a file that says it ended later is wrong.
      if (live && kind !== 'issue') {
        if (live.endedOn !== null && live.row !== null) {
          problem(live.row, 'endedOn', live.endedOn, 'import.card_ended_after_next', {
            value: live.endedOn,
            other: e.row,
            date: e.issuedOn,
          });
        } else if (live.endedOn !== null) {
          // A stored card recorded as ending after this day: it was valid, so the file cannot issue beside it.
          broken(e, 'card_already_live', 'issuedOn', e.issuedOn, { number: live.number });
        }
      }
      // The cell recovers the card of a member who left; the family keeps a deceased member's (§2).
      if ((e.endReason === 'recovered' || e.endReason === 'kept_by_family') && e.statusEnded !== 'left')
        problem(e.row, 'endReason', e.endReason, 'import.card_recover_not_left', {
          date: e.endedOn!,
          status: statusWord(e.statusEnded),
        });
      // Every card joins the history even when at fault, so that the next ones are judged after it
      // (a file with problems writes nothing).
      const index = plan.length;
      if (live && kind !== 'issue' && 'planned' in live.ref) {
        const replaced = plan[live.ref.planned]!;
        replaced.endedOn = e.issuedOn;
        replaced.endReason = 'replaced';
      }
      plan.push({
        row: e.row,
        memberId,
        number: e.number,
        issuedOn: e.issuedOn,
        kind,
        campaignId: kind === 'exchange' ? e.campaignId : null,
        // A re-issue replaces the latest card, valid or lost (as the card service does); an exchange the valid one.
        replaces: kind === 'issue' ? null : (latest?.ref ?? null),
        endedOn: e.endedOn,
        endReason: e.endReason,
      });
      latest = {
        ref: { planned: index },
        number: e.number,
        issuedOn: e.issuedOn,
        endedOn: e.endedOn,
        row: e.row,
      };
    }
  }

  // Card numbers are unique among valid cards: those the file leaves valid, against the register and each other.
  const valid = plan.filter((p) => p.endedOn === null);
  if (valid.length) {
    const held = await sql<{
      number: string;
      memberId: number;
    }>`select upper(number) as number, member_id as "memberId"
      from member_card where ended_on is null and upper(number) = any(${valid.map((p) => p.number.toUpperCase())}::text[])`.execute(
      db,
    );
    const holder = new Map(held.rows.map((h) => [h.number, Number(h.memberId)]));
    const first = new Map<string, PlannedCard>();
    for (const p of valid) {
      const key = p.number.toUpperCase();
      const other = holder.get(key);
      // The member's own valid card, replaced by this one, frees its number.
      const replacedOwn = other === p.memberId;
      if (other !== undefined && !replacedOwn) {
        problem(p.row, 'number', p.number, 'import.card_number_in_use', {
          value: p.number,
          member: `#${other}`,
        });
        continue;
      }
      const twin = first.get(key);
      if (twin)
        problem(p.row, 'number', p.number, 'import.card_number_in_use', {
          value: p.number,
          member: `#${twin.memberId}`,
        });
      else first.set(key, p);
    }
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (problems.length || staged.some((e) => !e.ok)) return { problems, plan: [] };
  return { problems, plan };
}

/**
 * Writes the planned cards inside the caller's transaction: the members locked, the stored cards
 * the file's re-issues and exchanges replace ended on their successor's day, the file's cards
 * inserted with the ids drawn for them (so each knows the card it replaces) and their end as the
 * file and their successors say, each member's version bumped. `onBatch` may throw to stop: the
 * transaction then writes nothing.
 */
export async function writeStagedCards(
  trx: Transaction<Database>,
  actor: Actor,
  plan: readonly PlannedCard[],
  onBatch: (cardsDone: number) => void,
  batchSize = 5000,
): Promise<{ members: number; cards: number }> {
  const memberIds = [...new Set(plan.map((p) => p.memberId))].sort((a, b) => a - b);
  await lockMembers(trx, memberIds);
  const ids = (
    await sql<{ id: number }>`select nextval(pg_get_serial_sequence('member_card', 'id')) as id
      from generate_series(1, ${plan.length}::int)`.execute(trx)
  ).rows.map((r) => Number(r.id));
  const endStored = plan.flatMap((p) =>
    p.replaces && 'stored' in p.replaces ? [[p.replaces.stored, p.issuedOn] as const] : [],
  );
  if (endStored.length)
    await sql`update member_card c set ended_on = x.day, end_reason = 'replaced'
      from unnest(${endStored.map((e) => e[0])}::bigint[], ${endStored.map((e) => e[1])}::date[]) as x (id, day)
      where c.id = x.id and c.ended_on is null`.execute(trx);
  for (let i = 0; i < plan.length; i += batchSize) {
    const batch = plan.slice(i, i + batchSize);
    const replaces = batch.map((p) =>
      p.replaces === null ? null : 'stored' in p.replaces ? p.replaces.stored : ids[p.replaces.planned]!,
    );
    await sql`insert into member_card (id, member_id, number, issued_on, kind, replaces_card_id, campaign_id,
        ended_on, end_reason, recorded_by)
      overriding system value
      select id, member_id, number, issued_on, kind, replaces, campaign_id, ended_on, end_reason, ${actor.name}
      from unnest(${ids.slice(i, i + batch.length)}::bigint[], ${batch.map((p) => p.memberId)}::bigint[],
        ${batch.map((p) => p.number)}::text[], ${batch.map((p) => p.issuedOn)}::date[], ${batch.map((p) => p.kind)}::text[],
        ${replaces}::bigint[], ${batch.map((p) => p.campaignId)}::bigint[], ${batch.map((p) => p.endedOn)}::date[],
        ${batch.map((p) => p.endReason)}::text[])
        as x (id, member_id, number, issued_on, kind, replaces, campaign_id, ended_on, end_reason)`.execute(
      trx,
    );
    onBatch(i + batch.length);
  }
  await sql`update member set version = version + 1, updated_at = now() where id = any(${memberIds}::bigint[])`.execute(
    trx,
  );
  return { members: memberIds.length, cards: plan.length };
}
