import os from 'node:os';
import { AppError, type Permission, PERMISSIONS } from '@rollbook/domain';

/** One role held over one unit's subtree (or, with `unitId` null, the whole organization). */
export interface ActorGrant {
  grantId: number;
  role: string;
  unitId: number | null;
  permissions: readonly Permission[];
}

/** Who is acting: a signed-in user, a script with a token, or the operator of the local data folder. */
export interface Actor {
  /** null for the local operator (the CLI working on its own data folder). */
  userId: number | null;
  name: string;
  grants: readonly ActorGrant[];
  /** An API token may narrow what its owner can do; null means no narrowing. */
  tokenPermissions: ReadonlySet<Permission> | null;
  requestId: string | null;
  source: string | null;
}

/**
 * Where a permission reaches: everywhere, or the subtrees of some units as they stand on the day a
 * request asks about. Repositories filter by it in SQL; nothing filters row by row.
 */
export type Scope = { all: true } | { all: false; roots: readonly number[] };

export const EVERYWHERE: Scope = { all: true };

/**
 * Whoever runs the CLI on the data folder (or with the database URL) already holds the data, so
 * the CLI acts with every permission; its changes are audited under the operating-system user.
 */
export function localOperator(command = 'cli'): Actor {
  const user = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  return {
    userId: null,
    name: `${command}:${user}@${os.hostname()}`,
    grants: [{ grantId: 0, role: 'administrator', unitId: null, permissions: PERMISSIONS }],
    tokenPermissions: null,
    requestId: null,
    source: 'local',
  };
}

/** The scope of one permission, or null when no grant of the actor carries it. */
export function scopeFor(actor: Actor, permission: Permission): Scope | null {
  if (actor.tokenPermissions && !actor.tokenPermissions.has(permission)) return null;
  const roots = new Set<number>();
  for (const grant of actor.grants) {
    if (!grant.permissions.includes(permission)) continue;
    if (grant.unitId === null) return EVERYWHERE;
    roots.add(grant.unitId);
  }
  return roots.size ? { all: false, roots: [...roots] } : null;
}

export function can(actor: Actor, permission: Permission): boolean {
  return scopeFor(actor, permission) !== null;
}

/** The scope of a permission; a 403 naming it when no grant carries it. */
export function requireScope(actor: Actor, permission: Permission): Scope {
  const scope = scopeFor(actor, permission);
  if (!scope) throw new AppError('forbidden', { params: { permission } });
  return scope;
}

/** Organization-wide permission (roles, settings, top-level units): a unit grant is not enough. */
export function requireEverywhere(actor: Actor, permission: Permission): void {
  if (!requireScope(actor, permission).all)
    throw new AppError('organization_wide_only', { params: { permission } });
}
