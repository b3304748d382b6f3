import { PERMISSIONS } from '@rollbook/domain';
import { Type } from 'typebox';
import { IsoDateSchema, Nullable } from '../../http/conventions.js';

export const Username = Type.String({
  pattern: '^[A-Za-z0-9._@-]{2,64}$',
  description: 'Sign-in name: 2–64 letters, digits, dots, dashes, underscores or @.',
});
const Password = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: 'At least 10 characters, not containing the user name.',
});
const DisplayName = Type.String({ minLength: 1, maxLength: 200, description: 'The name shown to others.' });
const PermissionName = Type.String({ enum: [...PERMISSIONS], description: 'A permission.' });

export const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const SetupBody = Type.Object(
  { username: Username, displayName: DisplayName, password: Password },
  { additionalProperties: false },
);

export const SetupStateSchema = Type.Object({
  needed: Type.Boolean({
    description: 'True while no user exists: the first-run page may create the first administrator.',
  }),
  singleSignOn: Nullable(Type.Object({ label: Type.String() }), {
    description: 'Set when single sign-on is configured.',
  }),
});

const UnitRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
});

export const GrantSchema = Type.Object({
  id: Type.Integer(),
  role: Type.String({ description: 'Role code.' }),
  roleName: Type.String(),
  permissions: Type.Array(Type.String()),
  unitId: Nullable(Type.Integer(), {
    description: 'The unit whose subtree the grant reaches; null: the whole organization.',
  }),
  unit: Nullable(UnitRef),
  validFrom: IsoDateSchema,
  validTo: Nullable(IsoDateSchema, {
    description: 'The first day it no longer applies (revoked, or the unit ended).',
  }),
  endedByOrderId: Nullable(Type.Integer(), {
    description: 'The reorganization order that ended the unit, and so the grant.',
  }),
  active: Type.Boolean({ description: 'In force today.' }),
});

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  email: Nullable(Type.String()),
  active: Type.Boolean(),
  hasPassword: Type.Boolean(),
  singleSignOn: Type.Boolean({ description: 'Linked to a single sign-on identity.' }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  grants: Type.Array(GrantSchema),
});

export const SessionSchema = Type.Object({
  user: Type.Omit(UserSchema, ['grants']),
  grants: Type.Array(GrantSchema, { description: 'Every grant, in force or ended: "my scopes".' }),
  permissions: Type.Array(Type.String(), { description: 'What the grants in force allow somewhere.' }),
  csrfToken: Nullable(Type.String(), {
    description: 'Send as X-CSRF-Token on every write made with the session cookie.',
  }),
});

export const NewGrantBody = Type.Object(
  {
    role: Type.String({
      minLength: 1,
      description: 'Role code, e.g. viewer, records_officer, administrator.',
    }),
    unitId: Nullable(Type.Integer({ minimum: 1 }), {
      description: 'The unit; null for the whole organization.',
    }),
    from: Type.Optional(IsoDateSchema),
  },
  { additionalProperties: false },
);

export const NewUserBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    email: Type.Optional(Nullable(Type.String({ format: 'email' }))),
    password: Type.Optional(Nullable(Password)),
    grants: Type.Optional(Type.Array(NewGrantBody, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Nullable(Type.String({ format: 'email' }))),
    active: Type.Optional(Type.Boolean({ description: 'false deactivates: every session ends at once.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordResetBody = Type.Object({ password: Password }, { additionalProperties: false });
export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1000 }), newPassword: Password },
  { additionalProperties: false },
);

export const UserParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const GrantParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  grantId: Type.Integer({ minimum: 1 }),
});
export const TokenParams = Type.Object({ tokenId: Type.Integer({ minimum: 1 }) });
export const UserTokenParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  tokenId: Type.Integer({ minimum: 1 }),
});

export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of a user name or display name.' })),
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

export const RoleSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String({
    description:
      'Display name of an organization-defined role; built-in roles are named by the client in its language.',
  }),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  builtin: Type.Boolean(),
  version: Type.Integer(),
});

export const NewRoleBody = Type.Object(
  {
    code: Type.String({
      pattern: '^[a-z][a-z0-9_]{1,40}$',
      description: 'Lower-case code, e.g. district_clerk.',
    }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    permissions: Type.Array(PermissionName, { uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const RolePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    permissions: Type.Optional(Type.Array(PermissionName, { uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RoleParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  permissions: Nullable(Type.Array(Type.String()), { description: 'null: everything the owner may do.' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What the token is for.' }),
    permissions: Type.Optional(Nullable(Type.Array(PermissionName, { uniqueItems: true }))),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })),
  },
  { additionalProperties: false },
);
