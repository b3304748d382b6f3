import { AppError, type IsoDate, reason } from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope } from '../access/actor.js';
import { isUnitVisible } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { applyRollup, contributions, difference, hasRollup, rollupCounts } from './member-rollup.js';
import { bumpMemberVersion, lockMember, withinSubtreeOn } from './members.repository.js';
import {
  assertMemberReadable,
  assertMemberWritable,
  checkMergedEvents,
  derivedSpans,
  rederiveMember,
} from './members.service.js';

export interface DuplicatePair {
  a: { id: number; fullName: string; birthDate: IsoDate; unitId: number | null };
  b: { id: number; fullName: string; birthDate: IsoDate; unitId: number | null };
  /** Trigram similarity of the folded names, 0–1. */
  similarity: number;
}

/**
 * Records that may be one person: the same birth date and names alike once case and diacritics
 * are folded (pg_trgm similarity ≥ 0.6), among the members of a subtree. The same national ID
 * cannot be entered twice: the second entry is refused and names the first (409).
 */
export async function findDuplicates(
  ctx: AppContext,
  actor: Actor,
  args: { unitId: number; limit: number },
): Promise<DuplicatePair[]> {
  const scope = requireScope(actor, 'members.read');
  const day = ctx.today();
  if (!(await isUnitVisible(ctx.db, scope, args.unitId, day)))
    throw new AppError('unit_not_found', { params: { unit: `#${args.unitId}` } });
  await assertSmallEnough(ctx, args.unitId, day);
  const rows = await sql<{
    aId: number;
    aName: string;
    aUnit: number | null;
    bId: number;
    bName: string;
    bUnit: number | null;
    birthDate: string;
    similarity: number;
  }>`
    with here as (
      select distinct on (s.member_id) s.member_id, s.unit_id
      from member_span s
      join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${day}::date
      where s.valid @> ${day}::date
        and ${await withinSubtreeOn(ctx.db, sql`t.path`, day, { unitId: args.unitId, scope })}
    ),
    people as (
      select distinct on (r.member_id) r.member_id, r.full_name, r.birth_date, r.search_text, here.unit_id
      from member_record r join here on here.member_id = r.member_id
      where r.superseded_at is null and r.birth_date is not null
      order by r.member_id, upper(r.valid) desc nulls first
    )
    select a.member_id as "aId", a.full_name as "aName", a.unit_id as "aUnit",
      b.member_id as "bId", b.full_name as "bName", b.unit_id as "bUnit",
      to_char(a.birth_date, 'YYYY-MM-DD') as "birthDate", similarity(a.search_text, b.search_text)::float8 as similarity
    from people a join people b on b.birth_date = a.birth_date and b.member_id > a.member_id
    where similarity(a.search_text, b.search_text) >= 0.6
    order by similarity desc, a.member_id, b.member_id
    limit ${args.limit}`.execute(ctx.db);
  return rows.rows.map((r) => ({
    a: { id: r.aId, fullName: r.aName, birthDate: r.birthDate, unitId: r.aUnit },
    b: { id: r.bId, fullName: r.bName, birthDate: r.birthDate, unitId: r.bUnit },
    similarity: Math.round(r.similarity * 100) / 100,
  }));
}

/**
 * Pairs are compared within a birth date, so the work grows with the square of the members sharing
 * one: a province (~175 k members, ~7 a day) takes seconds, the whole of a 6 M organization
 * (~240 a day, ~700 M pairs) hours. Larger subtrees are refused with the way out. Only units that
 * keep roll-ups can be that large (the others are below ROLLBOOK_ROLLUP_MIN_MEMBERS), and for them
 * the count is a checkpoint read.
 */
async function assertSmallEnough(ctx: AppContext, unitId: number, day: IsoDate): Promise<void> {
  if (!(await hasRollup(ctx.db, unitId))) return;
  const members = (await rollupCounts(ctx.db, unitId, day, 'status'))
    .filter((c) => c.value === 'probationary' || c.value === 'official')
    .reduce((n, c) => n + c.count, 0);
  const max = ctx.config.duplicatesMaxMembers;
  if (members > max)
    throw new AppError('subtree_too_large', {
      field: 'unit',
      params: { unit: `#${unitId}`, members, max },
    });
}

/**
 * Merges a duplicate record into the member who remains: the duplicate's events and cards move to
 * them, marked with where they came from, so both histories stay; the combined events must pass the
 * rules (otherwise correct the events first). The duplicate keeps its record versions, leaves every
 * list and figure, and points at the member it was merged into.
 */
export async function mergeMembers(
  ctx: AppContext,
  actor: Actor,
  memberId: number,
  expectedVersion: number,
  input: { duplicateId: number; duplicateVersion: number; reason: string },
): Promise<{ version: number }> {
  if (input.duplicateId === memberId)
    throw new AppError('validation_failed', { field: 'duplicateId', params: { reason: reason('invalid') } });
  const day = ctx.today();
  return ctx.db.transaction().execute(async (trx) => {
    // Locked in id order, so two merges of the same pair cannot deadlock.
    const [first, second] = [memberId, input.duplicateId].sort((x, y) => x - y);
    const versions = new Map([
      [first!, await lockMember(trx, first!)],
      [second!, await lockMember(trx, second!)],
    ]);
    const readScope = requireScope(actor, 'members.read');
    await assertMemberReadable(trx, readScope, memberId, day);
    try {
      await assertMemberReadable(trx, readScope, input.duplicateId, day);
    } catch {
      throw new AppError('member_not_found', {
        field: 'duplicateId',
        params: { member: `#${input.duplicateId}` },
      });
    }
    for (const [id, expected, field] of [
      [memberId, expectedVersion, 'If-Match'],
      [input.duplicateId, input.duplicateVersion, 'duplicateVersion'],
    ] as const) {
      const current = versions.get(id);
      if (current !== expected)
        throw new AppError('version_conflict', { field, params: { current: current ?? 0 } });
    }
    for (const id of [memberId, input.duplicateId])
      await assertMemberWritable(trx, actor, await derivedSpans(trx, ctx, id), day, day);
    await checkMergedEvents(trx, ctx, memberId, input.duplicateId);

    const before = await contributions(trx, { memberIds: [memberId, input.duplicateId] });
    // The duplicate's valid card yields to the remaining member's, if both hold one.
    await sql`update member_card d set ended_on = greatest(${day}::date, d.issued_on), end_reason = 'replaced'
      where d.member_id = ${input.duplicateId} and d.ended_on is null
        and exists (select 1 from member_card k where k.member_id = ${memberId} and k.ended_on is null)`.execute(
      trx,
    );
    await sql`update member_card set member_id = ${memberId} where member_id = ${input.duplicateId}`.execute(
      trx,
    );
    await sql`insert into card_campaign_member (campaign_id, member_id, unit_id, card_id)
      select campaign_id, ${memberId}, unit_id, card_id from card_campaign_member where member_id = ${input.duplicateId}
      on conflict do nothing`.execute(trx);
    await sql`delete from card_campaign_member where member_id = ${input.duplicateId}`.execute(trx);
    await sql`update member_event set member_id = ${memberId}, merged_from_member_id = ${input.duplicateId}
      where member_id = ${input.duplicateId}`.execute(trx);
    await sql`update member set merged_into_id = ${memberId} where id = ${input.duplicateId}`.execute(trx);
    await rederiveMember(trx, ctx, memberId);
    await rederiveMember(trx, ctx, input.duplicateId);
    await applyRollup(
      trx,
      difference(before, await contributions(trx, { memberIds: [memberId, input.duplicateId] })),
    );
    await bumpMemberVersion(trx, input.duplicateId);
    const version = await bumpMemberVersion(trx, memberId);
    const spans = await derivedSpans(trx, ctx, memberId);
    await recordAudit(trx, actor, {
      action: 'member.merge',
      entity: { type: 'member', id: memberId },
      unitIds: [...new Set(spans.map((s) => s.unitId).filter((u): u is number => u !== null))],
      after: { merged: input.duplicateId, into: memberId, reason: input.reason },
    });
    return { version };
  });
}
