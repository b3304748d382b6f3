import { AppError, cardFinding, type IsoDate, reason, spanOn } from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import { type Actor, requireEverywhere, requireScope, type Scope } from '../access/actor.js';
import { isUnitVisible, pathInScope } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../units/units.repository.js';
import { bumpMemberVersion, isUnitWithin, lockMember } from './members.repository.js';
import {
  assertMemberReadable,
  assertMemberWritable,
  derivedSpans,
  refuseFindings,
} from './members.service.js';

export interface CardRow {
  id: number;
  memberId: number;
  number: string;
  issuedOn: IsoDate;
  kind: 'issue' | 'reissue' | 'exchange';
  replacesCardId: number | null;
  campaignId: number | null;
  endedOn: IsoDate | null;
  endReason: 'replaced' | 'lost' | 'recovered' | 'kept_by_family' | null;
  recordedAt: string;
  recordedBy: string;
}

const cardColumns = sql`c.id, c.member_id as "memberId", c.number, to_char(c.issued_on, 'YYYY-MM-DD') as "issuedOn",
  c.kind, c.replaces_card_id as "replacesCardId", c.campaign_id as "campaignId",
  to_char(c.ended_on, 'YYYY-MM-DD') as "endedOn", c.end_reason as "endReason",
  to_json(c.recorded_at) #>> '{}' as "recordedAt", c.recorded_by as "recordedBy"`;

async function cardsOf(db: Db, memberId: number): Promise<CardRow[]> {
  const rows = await sql<CardRow>`select ${cardColumns} from member_card c where c.member_id = ${memberId}
    order by c.issued_on, c.id`.execute(db);
  return rows.rows;
}

/** A member's cards, old → new. */
export async function listCards(ctx: AppContext, actor: Actor, memberId: number): Promise<CardRow[]> {
  await assertMemberReadable(ctx.db, requireScope(actor, 'members.read'), memberId, ctx.today());
  return cardsOf(ctx.db, memberId);
}

export const CARD_ACTIONS = ['issue', 'reissue', 'exchange', 'lost', 'recover'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/**
 * Issues, re-issues, exchanges, reports lost or recovers a card (research/domain-rules.md §2):
 * a card only for an official member; one valid card at a time; a re-issue or an exchange ends the
 * card it replaces; the cell recovers the card of a member who left, the family keeps a deceased
 * member's card.
 */
export async function cardAction(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  expectedVersion: number,
  input: { action: CardAction; date: IsoDate; number?: string | null; campaignId?: number | null },
): Promise<{ cardId: number | null; version: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await lockMember(trx, memberId);
    await assertMemberReadable(trx, requireScope(actor, 'members.read'), memberId, input.date);
    if (version === undefined) throw new AppError('member_not_found', { params: { member: `#${memberId}` } });
    if (version !== expectedVersion)
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: version } });
    const spans = await derivedSpans(trx, ctx, memberId);
    await assertMemberWritable(trx, actor, spans, input.date, ctx.today());
    const rules = ctx.rules.members;
    const refuse = (rule: Parameters<typeof cardFinding>[2], field: string, params = {}): never =>
      refuseFindings([cardFinding(rules, input.date, rule, field, params)]);
    if (input.date > ctx.today()) refuse('event_in_future', 'date', { date: input.date, today: ctx.today() });
    const span = spanOn(spans, input.date);
    const cards = await cardsOf(trx, memberId);
    const live = cards.find((c) => c.endedOn === null);
    const status = span?.status ?? 'none';
    if (live && input.date < live.issuedOn) refuse('card_before_issue', 'date', { date: live.issuedOn });

    let cardId: number | null = null;
    const issue = async (kind: 'issue' | 'reissue' | 'exchange', replaces: CardRow | undefined) => {
      const number = input.number?.normalize('NFC').trim();
      if (!number)
        throw new AppError('validation_failed', { field: 'number', params: { reason: reason('required') } });
      const holder = await sql<{ memberId: number }>`select member_id as "memberId" from member_card
        where upper(number) = upper(${number}) and ended_on is null and member_id <> ${memberId}`.execute(
        trx,
      );
      if (holder.rows[0])
        throw new AppError('card_number_in_use', {
          field: 'number',
          params: { number, member: `#${holder.rows[0].memberId}` },
        });
      if (replaces && replaces.endedOn === null) await endCard(trx, replaces.id, input.date, 'replaced');
      const row = await sql<{ id: number }>`insert into member_card (member_id, number, issued_on, kind,
          replaces_card_id, campaign_id, recorded_by)
        values (${memberId}, ${number}, ${input.date}::date, ${kind}, ${replaces?.id ?? null},
          ${kind === 'exchange' ? (input.campaignId ?? null) : null}, ${actor.name})
        returning id`.execute(trx);
      cardId = row.rows[0]!.id;
    };

    switch (input.action) {
      case 'issue':
        if (status !== 'official')
          refuse('card_not_official', 'date', { date: input.date, status: `reason:status.${status}` });
        if (live) refuse('card_already_live', 'action', { number: live.number });
        await issue('issue', undefined);
        break;
      case 'reissue': {
        if (status !== 'official')
          refuse('card_not_official', 'date', { date: input.date, status: `reason:status.${status}` });
        // A lost card, or a valid one damaged: the new card replaces the latest.
        const latest = live ?? cards[cards.length - 1];
        if (!latest) refuse('no_live_card', 'action', { date: input.date });
        await issue('reissue', latest);
        break;
      }
      case 'exchange': {
        if (!input.campaignId)
          throw new AppError('validation_failed', {
            field: 'campaignId',
            params: { reason: reason('required') },
          });
        const campaign = await findCampaign(trx, input.campaignId);
        if (!campaign)
          throw new AppError('campaign_not_found', { params: { campaign: `#${input.campaignId}` } });
        const inScope = await sql<{ ok: number }>`select 1 as ok from card_campaign_member
          where campaign_id = ${campaign.id} and member_id = ${memberId}`.execute(trx);
        if (!inScope.rows[0]) refuse('not_in_campaign', 'campaignId', { date: campaign.startsOn });
        if (input.date < campaign.startsOn) refuse('not_in_campaign', 'date', { date: campaign.startsOn });
        if (status !== 'official')
          refuse('card_not_official', 'date', { date: input.date, status: `reason:status.${status}` });
        if (!live) refuse('no_live_card', 'action', { date: input.date });
        await issue('exchange', live);
        break;
      }
      case 'lost':
        if (!live) refuse('no_live_card', 'action', { date: input.date });
        await endCard(trx, live!.id, input.date, 'lost');
        break;
      case 'recover':
        if (!live) refuse('no_live_card', 'action', { date: input.date });
        if (status !== 'left')
          refuse('event_not_allowed', 'action', {
            event: 'reason:card.recover',
            status: `reason:status.${status}`,
          });
        await endCard(
          trx,
          live!.id,
          input.date,
          span?.exitReason === 'deceased' ? 'kept_by_family' : 'recovered',
        );
        break;
    }
    const next = await bumpMemberVersion(trx, memberId);
    await recordAudit(trx, actor, {
      action: `member.card_${input.action}`,
      entity: { type: 'member', id: memberId },
      unitIds: span?.unitId ? [span.unitId] : [],
      after: {
        action: input.action,
        date: input.date,
        card: cardId ?? live?.id ?? null,
        number: input.number ?? live?.number ?? null,
        campaignId: input.campaignId ?? null,
      },
    });
    return { cardId, version: next };
  });
}

async function endCard(
  trx: Transaction<Database>,
  cardId: number,
  day: IsoDate,
  why: NonNullable<CardRow['endReason']>,
): Promise<void> {
  await sql`update member_card set ended_on = ${day}::date, end_reason = ${why} where id = ${cardId}`.execute(
    trx,
  );
}

// ---------------------------------------------------------------------------------------------
// Exchange campaigns

export interface CampaignRow {
  id: number;
  name: string;
  startsOn: IsoDate;
  endsOn: IsoDate | null;
  unitId: number | null;
  decisionNumber: string | null;
  createdAt: string;
  createdBy: string;
  inScope: number;
}

async function findCampaign(db: Db, id: number): Promise<CampaignRow | undefined> {
  const rows = await sql<CampaignRow>`select c.id, c.name, to_char(c.starts_on, 'YYYY-MM-DD') as "startsOn",
      to_char(c.ends_on, 'YYYY-MM-DD') as "endsOn", c.unit_id as "unitId", c.decision_number as "decisionNumber",
      to_json(c.created_at) #>> '{}' as "createdAt", c.created_by as "createdBy",
      (select count(*)::int from card_campaign_member m where m.campaign_id = c.id) as "inScope"
    from card_campaign c where c.id = ${id}`.execute(db);
  return rows.rows[0];
}

/** Campaigns the reader may follow: organization-wide ones, and those over a unit they can see. */
export async function listCampaigns(ctx: AppContext, actor: Actor): Promise<CampaignRow[]> {
  const scope = requireScope(actor, 'members.read');
  const rows = await sql<{
    id: number;
  }>`select id from card_campaign order by starts_on desc, id desc`.execute(ctx.db);
  const out: CampaignRow[] = [];
  for (const { id } of rows.rows) {
    const c = (await findCampaign(ctx.db, id))!;
    if (c.unitId === null || (await isUnitVisible(ctx.db, scope, c.unitId, c.startsOn))) out.push(c);
  }
  return out;
}

/**
 * Opens a campaign and fixes its scope: the official members holding a valid card on the start
 * day, in the subtree as it stood then (Directive 51-CT/TW exchanges only those).
 */
export async function createCampaign(
  ctx: AppContext,
  actor: Actor,
  input: {
    name: string;
    startsOn: IsoDate;
    endsOn?: IsoDate | null;
    unitId?: number | null;
    decisionNumber?: string | null;
  },
): Promise<CampaignRow> {
  const scope = requireScope(actor, 'members.write');
  if (input.unitId === null || input.unitId === undefined) requireEverywhere(actor, 'members.write');
  else if (!(await isUnitWithin(ctx.db, scope, input.unitId, input.startsOn)))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${input.unitId}` } });
  if (input.endsOn && input.endsOn < input.startsOn)
    throw new AppError('validation_failed', { field: 'endsOn', params: { reason: reason('minimum') } });
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await sql<{
      id: number;
    }>`insert into card_campaign (name, starts_on, ends_on, unit_id, decision_number, created_by)
      values (${input.name.trim()}, ${input.startsOn}::date, ${input.endsOn ?? null}::date, ${input.unitId ?? null},
        ${input.decisionNumber ?? null}, ${actor.name}) returning id`.execute(trx);
    const campaignId = row.rows[0]!.id;
    const under =
      input.unitId === null || input.unitId === undefined
        ? sql`true`
        : sql`t.path <@ any(rb_scope_paths(array[${input.unitId}]::bigint[], ${input.startsOn}::date))`;
    await sql`insert into card_campaign_member (campaign_id, member_id, unit_id, card_id)
      select ${campaignId}, s.member_id, s.unit_id, c.id
      from member_span s
      join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${input.startsOn}::date
      join member_card c on c.member_id = s.member_id and c.issued_on <= ${input.startsOn}::date
        and (c.ended_on is null or c.ended_on > ${input.startsOn}::date)
      where s.valid @> ${input.startsOn}::date and s.status = 'official' and ${under}`.execute(trx);
    const created = (await findCampaign(trx, campaignId))!;
    await recordAudit(trx, actor, {
      action: 'card_campaign.create',
      entity: { type: 'card_campaign', id: campaignId },
      unitIds: input.unitId ? [input.unitId] : [],
      decision: input.decisionNumber ? { number: input.decisionNumber } : null,
      after: { ...input, inScope: created.inScope },
    });
    return campaignId;
  });
  return (await findCampaign(ctx.db, id))!;
}

export interface ProgressLine {
  unitId: number;
  code: string;
  name: string;
  inScope: number;
  exchanged: number;
}

/**
 * Progress of a campaign as of a day, for a unit and each unit under it: exchanged ÷ in scope,
 * counting the members by where they stood on the start day (a unit made later by a merger counts
 * the members of the units it was made from).
 */
export async function campaignProgress(
  ctx: AppContext,
  actor: Actor,
  campaignId: number,
  args: { unitId?: number; asOf: IsoDate },
): Promise<{ campaign: CampaignRow; asOf: IsoDate; total: ProgressLine; children: ProgressLine[] }> {
  const scope = requireScope(actor, 'members.read');
  const campaign = await findCampaign(ctx.db, campaignId);
  const visible =
    campaign &&
    (campaign.unitId === null || (await isUnitVisible(ctx.db, scope, campaign.unitId, campaign.startsOn)));
  if (!campaign || !visible)
    throw new AppError('campaign_not_found', { params: { campaign: `#${campaignId}` } });
  const unitId = args.unitId ?? campaign.unitId ?? (await topUnit(ctx.db, args.asOf));
  if (unitId === undefined || !(await isUnitVisible(ctx.db, scope, unitId, args.asOf)))
    throw new AppError('unit_not_found', { params: { unit: `#${args.unitId ?? ''}` } });
  const children = await sql<{ id: number }>`select unit_id as id from unit_version
    where parent_id = ${unitId} and superseded_at is null and valid @> ${args.asOf}::date`.execute(ctx.db);
  const lines = await countProgress(
    ctx.db,
    campaign,
    [unitId, ...children.rows.map((c) => c.id)],
    args.asOf,
    scope,
  );
  const total = lines.find((l) => l.unitId === unitId)!;
  return {
    campaign,
    asOf: args.asOf,
    total,
    children: lines.filter((l) => l.unitId !== unitId && l.inScope > 0),
  };
}

async function topUnit(db: Db, day: IsoDate): Promise<number | undefined> {
  const rows = await sql<{ id: number }>`select unit_id as id from unit_version
    where parent_id is null and superseded_at is null and valid @> ${day}::date order by unit_id limit 1`.execute(
    db,
  );
  return rows.rows[0]?.id;
}

async function countProgress(
  db: Db,
  campaign: CampaignRow,
  unitIds: number[],
  asOf: IsoDate,
  scope: Scope,
): Promise<ProgressLine[]> {
  const start = campaign.startsOn;
  const rows = await sql<ProgressLine>`
    select g.id as "unitId", v.code, v.name,
      count(cm.member_id)::int as "inScope",
      count(cm.member_id) filter (where exists (select 1 from member_card c where c.campaign_id = ${campaign.id}
        and c.member_id = cm.member_id and c.issued_on <= ${asOf}::date))::int as exchanged
    from unnest(${unitIds}::bigint[]) as g (id)
    join lateral (select code, name from unit_version where unit_id = g.id and superseded_at is null
      order by upper(valid) desc nulls first limit 1) v on true
    left join lateral (
      select m.member_id from card_campaign_member m
      join unit_tree t on t.unit_id = m.unit_id and t.valid @> ${start}::date
      where m.campaign_id = ${campaign.id}
        and t.path <@ any(rb_scope_paths(array[g.id]::bigint[], ${start}::date))
        and ${pathInScope(scope, sql`t.path`, start)}
    ) cm on true
    group by g.id, v.code, v.name`.execute(db);
  return rows.rows;
}
