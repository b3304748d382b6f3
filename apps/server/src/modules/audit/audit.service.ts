import { csvCell } from '../../lib/csv.js';
import { addDays, AppError, type IsoDate, startOfDayIn } from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Db } from '../units/units.repository.js';
import type { Actor, Scope } from '../access/actor.js';
import { unitsEverInScope, unitVisible } from '../access/scope.js';
import { appendEvent, checkChain, findEventHash } from './audit.repository.js';

/** What an audit event says happened. */
export interface AuditInput {
  /** `<entity>.<verb>`, e.g. `order.apply`, `grant.revoke`, `member.read_sensitive`. */
  action: string;
  entity: { type: string; id: string | number | null };
  /** The units the event concerns: who may read it follows from these. */
  unitIds?: readonly number[];
  /** The decision behind the change, where there is one. */
  decision?: Record<string, unknown> | null;
  /** The record before and after; only what differs is kept. */
  before?: unknown;
  after?: unknown;
}

/** The fields of `after` that differ from `before`, as [before, after] pairs; whole values otherwise. */
export function difference(before: unknown, after: unknown): unknown {
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(before) || !isRecord(after)) return { before: before ?? null, after: after ?? null };
  const changed: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changed[key] = [before[key] ?? null, after[key] ?? null];
    }
  }
  return changed;
}

/**
 * Writes an audit event in the caller's transaction, so the event exists exactly when the change
 * does. Taking `Transaction` (not any executor) makes the compiler insist on that.
 */
export async function recordAudit(
  trx: Transaction<Database>,
  actor: Actor,
  input: AuditInput,
): Promise<number> {
  // The body is stored as the very text that is hashed; key order is fixed here.
  const body = JSON.stringify({
    v: 1,
    at: new Date().toISOString(),
    actor: { id: actor.userId, name: actor.name },
    requestId: actor.requestId,
    source: actor.source,
    action: input.action,
    entity: { type: input.entity.type, id: input.entity.id === null ? null : String(input.entity.id) },
    unitIds: [...new Set(input.unitIds ?? [])].sort((a, b) => a - b),
    decision: input.decision ?? null,
    changes:
      input.before === undefined && input.after === undefined ? null : difference(input.before, input.after),
  });
  return (await appendEvent(trx, body)).seq;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string } | null;
  broken: { seq: number; problem: 'hash' | 'link' | 'gap' | 'truncated' | 'anchor' } | null;
  milliseconds: number;
}

/**
 * Verifies the whole chain. An anchor (`seq:hash` noted earlier, e.g. printed by a previous
 * verify and kept elsewhere) also catches a chain rewritten or cut short after that point.
 */
export async function verifyAudit(db: Db, anchor?: { seq: number; hash: string }): Promise<VerifyReport> {
  const started = performance.now();
  const check = await checkChain(db);
  let broken: VerifyReport['broken'] = check.broken;
  if (!broken && anchor) {
    const hash = await findEventHash(db, anchor.seq);
    if (hash !== anchor.hash.toLowerCase()) broken = { seq: anchor.seq, problem: 'anchor' };
  }
  return {
    ok: broken === null,
    events: check.events,
    head: check.head,
    broken,
    milliseconds: Math.round(performance.now() - started),
  };
}

export interface AuditEventView {
  seq: number;
  at: string;
  actor: { id: number | null; name: string };
  requestId: string | null;
  source: string | null;
  action: string;
  entity: { type: string; id: string | null };
  unitIds: number[];
  decision: Record<string, unknown> | null;
  changes: unknown;
  hash: string;
}

export interface AuditFilter {
  /** Only events about units inside this unit's subtree (on any day). */
  unitId?: number;
  actorId?: number;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: IsoDate;
  to?: IsoDate;
  beforeSeq?: number;
  limit: number;
  /** The organization's time zone, in which `from` and `to` are days (default UTC). */
  timeZone?: string;
}

/**
 * Audit events, newest first, that the scope may read: those about a unit that ever stood inside
 * it. Events about no unit (a role defined, a token made) are the organization's: only an
 * organization-wide reader sees them.
 */
export async function findAuditEvents(db: Db, scope: Scope, filter: AuditFilter): Promise<AuditEventView[]> {
  let query = db
    .selectFrom('audit_event as e')
    .select(['e.seq', 'e.body', sql<string>`encode(e.hash, 'hex')`.as('hash')])
    .orderBy('e.seq', 'desc')
    .limit(filter.limit);
  // The event's day in the organization's calendar.
  const eventDay = sql`(e.at::timestamptz at time zone ${filter.timeZone ?? 'UTC'})::date`;
  const within = (reach: Scope & { all: false }) =>
    // Indexed first cut, then each event is judged by where its units stood on the event's day.
    sql<boolean>`e.unit_ids && ${unitsEverInScope(reach)} and exists (select 1 from unnest(e.unit_ids) as eu (id)
      where ${unitVisible(reach, sql`eu.id`, eventDay)})`;
  if (!scope.all) query = query.where(within(scope));
  if (filter.unitId !== undefined) query = query.where(within({ all: false, roots: [filter.unitId] }));
  if (filter.actorId !== undefined) query = query.where('e.actor_id', '=', filter.actorId);
  if (filter.entityType) query = query.where('e.entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('e.entity_id', '=', filter.entityId);
  if (filter.action) query = query.where('e.action', '=', filter.action);
  // Times are ISO strings in UTC, so text order is time order.
  // Days are the organization's; event times are UTC instants, so the bounds are converted.
  const zone = filter.timeZone ?? 'UTC';
  if (filter.from) query = query.where('e.at', '>=', startOfDayIn(filter.from, zone));
  if (filter.to) query = query.where('e.at', '<', startOfDayIn(addDays(filter.to, 1), zone));
  if (filter.beforeSeq !== undefined) query = query.where('e.seq', '<', filter.beforeSeq);
  const rows = await query.execute();
  return rows.map((row) => {
    const body = JSON.parse(row.body) as Omit<AuditEventView, 'seq' | 'hash'>;
    return { seq: row.seq, ...body, hash: row.hash };
  });
}

export async function getAuditEvent(
  db: Db,
  scope: Scope,
  seq: number,
  timeZone = 'UTC',
): Promise<AuditEventView> {
  const [event] = await findAuditEvents(db, scope, { beforeSeq: seq + 1, limit: 1, timeZone });
  if (!event || event.seq !== seq)
    throw new AppError('audit_event_not_found', { params: { event: `#${seq}` } });
  return event;
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'entity',
  'entityId',
  'unitIds',
  'decision',
  'changes',
  'requestId',
  'source',
  'hash',
];

/** The events as CSV lines (header first), fetched page by page so any size streams. */
export async function* auditCsv(
  db: Db,
  scope: Scope,
  filter: Omit<AuditFilter, 'limit' | 'beforeSeq'>,
): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await findAuditEvents(db, scope, {
      ...filter,
      limit: 2000,
      ...(beforeSeq !== undefined && { beforeSeq }),
    });
    for (const e of page) {
      yield `${[e.seq, e.at, e.actor.name, e.action, e.entity.type, e.entity.id, e.unitIds.join(' '), e.decision, e.changes, e.requestId, e.source, e.hash].map(csvCell).join(',')}\r\n`;
    }
    if (page.length < 2000) return;
    beforeSeq = page[page.length - 1]!.seq;
  }
}
