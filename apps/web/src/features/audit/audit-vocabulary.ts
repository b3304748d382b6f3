import { RECORDABLE_EVENT_TYPES } from '@rollbook/domain';

/**
 * The actions the server records, in the groups the filter shows them in (labels:
 * `audit.actionGroup.<group>` and `auditAction.<action>`). audit-vocabulary.test.ts reads the
 * server's sources and fails when an action recorded there is missing here, or one here is no
 * longer recorded.
 */
export const AUDIT_ACTION_GROUPS: ReadonlyArray<{ group: string; actions: readonly string[] }> = [
  { group: 'orders', actions: ['order.create', 'order.update', 'order.delete', 'order.apply'] },
  {
    group: 'members',
    actions: [
      'member.create',
      // One per event a person records (a reorganization event is written by its order).
      ...RECORDABLE_EVENT_TYPES.map((type) => `member.${type}`),
      'member.event_correct',
      'member.record_change',
      'member.record_correct',
      'member.merge',
      'member.read_sensitive',
    ],
  },
  {
    group: 'cards',
    actions: [
      'member.card_issue',
      'member.card_reissue',
      'member.card_exchange',
      'member.card_lost',
      'member.card_recover',
      'card_campaign.create',
    ],
  },
  {
    group: 'imports',
    actions: ['import.commit', 'import_template.create', 'import_template.update', 'import_template.delete'],
  },
  {
    group: 'exports',
    actions: ['members.export', 'events.export', 'units.export', 'figures.export', 'audit.export'],
  },
  {
    group: 'access',
    actions: [
      'user.create',
      'user.update',
      'user.deactivate',
      'user.reactivate',
      'user.password_reset',
      'user.password_change',
      'user.sign_out_everywhere',
      'user.link_sso',
      'user.unlink_sso',
      'grant.create',
      'grant.revoke',
      'grant.end',
      'role.create',
      'role.update',
      'role.delete',
      'token.create',
      'token.revoke',
    ],
  },
  {
    group: 'sessions',
    actions: [
      'session.sign_in',
      'session.sign_in_failed',
      'session.locked_out',
      'session.sign_out',
      'session.sign_out_everywhere',
    ],
  },
];

export const AUDIT_ACTIONS: readonly string[] = AUDIT_ACTION_GROUPS.flatMap((g) => g.actions);

/** The kinds of record an event is about (labels: `auditEntity.<type>`). */
export const AUDIT_ENTITY_TYPES = [
  'order',
  'unit',
  'member',
  'card_campaign',
  'import',
  'import_template',
  'user',
  'grant',
  'role',
  'api_token',
  'audit',
] as const;

export interface ChangeLine {
  field: string;
  before?: string;
  after?: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What an event changed, one line per field: the server records `{before, after}`; a creation has
 * no before, a deletion no after, and an update lists only the fields that differ.
 */
export function summarizeChanges(changes: unknown): ChangeLine[] {
  if (!isRecord(changes)) return [];
  const before = isRecord(changes.before) ? changes.before : null;
  const after = isRecord(changes.after) ? changes.after : null;
  if (!('before' in changes) && !('after' in changes)) {
    return Object.entries(changes).map(([field, value]) => ({ field, after: show(value) }));
  }
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const lines: ChangeLine[] = [];
  for (const field of fields) {
    const b = before?.[field];
    const a = after?.[field];
    if (before && after && JSON.stringify(b) === JSON.stringify(a)) continue;
    lines.push({
      field,
      ...(before && { before: show(b) }),
      ...(after && { after: show(a) }),
    });
  }
  return lines;
}
