/**
 * What a role may do. A grant gives a role's permissions over one unit's subtree (or the whole
 * organization); the subtree is taken as it stands on the day a request asks about.
 */
export const PERMISSIONS = [
  'units.read', // the tree, its history, lineage and figures
  'orders.read', // reorganization orders
  'orders.write', // draft, edit, preview and delete orders; draft the reversal of an applied one
  'orders.apply', // apply orders: the decision is then in force (adding a unit needs this and orders.write)
  'members.read', // member records (from the member registry)
  'members.write',
  'members.sensitive', // national ID, ethnicity, religion, discipline: shown only with this, and every read is audited
  'cases.read', // inspection and discipline case files (confidential; every read is audited)
  'cases.write',
  'users.manage', // users, their grants and tokens, inside the granted subtree
  'roles.manage', // define roles (organization-wide grants only)
  'audit.read', // the audit trail of the granted subtree
  'system.manage', // load demo data and other organization-wide settings
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Permissions that only make sense across the whole organization: granting them on a unit gives
 * nothing, because what they govern (role definitions, organization-wide settings) has no unit.
 */
export const ORGANIZATION_WIDE_PERMISSIONS: readonly Permission[] = ['roles.manage', 'system.manage'];

/** The roles Rollbook starts with; an organization adds its own as data. */
export const BUILTIN_ROLES: ReadonlyArray<{ code: string; permissions: readonly Permission[] }> = [
  { code: 'viewer', permissions: ['units.read', 'orders.read', 'members.read'] },
  {
    code: 'records_officer',
    permissions: ['units.read', 'orders.read', 'orders.write', 'members.read', 'members.write'],
  },
  {
    code: 'committee',
    permissions: ['units.read', 'orders.read', 'orders.write', 'orders.apply', 'members.read', 'audit.read'],
  },
  {
    code: 'inspector',
    permissions: [
      'units.read',
      'orders.read',
      'members.read',
      'members.sensitive',
      'cases.read',
      'cases.write',
    ],
  },
  { code: 'auditor', permissions: ['units.read', 'orders.read', 'audit.read'] },
  { code: 'administrator', permissions: PERMISSIONS },
];

/**
 * Fields that need `members.sensitive` (BRIEF capability 9: national ID, ethnicity, religion,
 * discipline). Without it they are left out of API answers, exports and screens.
 */
export const SENSITIVE_MEMBER_FIELDS = ['nationalId', 'ethnicity', 'religion', 'discipline'] as const;

/** A copy of a record without the fields the reader may not see. */
export function withoutSensitiveFields<T extends Record<string, unknown>>(
  record: T,
  canSeeSensitive: boolean,
): Partial<T> {
  if (canSeeSensitive) return record;
  const copy: Record<string, unknown> = { ...record };
  for (const field of SENSITIVE_MEMBER_FIELDS) delete copy[field];
  return copy as Partial<T>;
}

/** Passwords: long enough and not the user name (NIST SP 800-63B favours length over composition). */
export const PASSWORD_MIN_LENGTH = 10;

export function passwordProblem(
  password: string,
  username: string,
): 'password_length' | 'password_like_username' | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'password_length';
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    return 'password_like_username';
  return null;
}
