/** The actions the server records, grouped by what they touch (the filter offers them by name). */
export const AUDIT_ACTIONS = [
  'order.create',
  'order.update',
  'order.delete',
  'order.apply',
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
  'session.sign_in',
  'session.sign_in_failed',
  'session.locked_out',
  'session.sign_out',
  'session.sign_out_everywhere',
  'audit.export',
] as const;

export const AUDIT_ENTITY_TYPES = ['order', 'user', 'grant', 'role', 'api_token', 'audit'] as const;

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
