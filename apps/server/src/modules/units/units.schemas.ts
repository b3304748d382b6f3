import { Type } from 'typebox';
import { IsoDateSchema, PageQuery, Nullable } from '../../http/conventions.js';

const Id = Type.Integer({ minimum: 1, description: 'Unit id.' });

/** Attributes as stored: any JSON values (an open object, so the serializer keeps their types). */
const AttributesOut = Type.Object(
  {},
  { additionalProperties: true, description: 'Further effective-dated facts.' },
);

export const UnitSchema = Type.Object({
  id: Id,
  code: Type.String({ description: 'Code, unique among units live on the same day.' }),
  name: Type.String({ description: 'Name, in any script.' }),
  kind: Type.String({ description: 'Unit kind code from the rule pack.' }),
  parentId: Nullable(Type.Integer(), {
    description: 'Parent unit on that day; null at the top.',
  }),
  attributes: AttributesOut,
  validFrom: Type.String({ description: 'First day of this version.' }),
  validTo: Nullable(Type.String(), {
    description: 'Day after the last day of this version; null = open.',
  }),
  childCount: Type.Integer({ description: 'Units directly under it on that day.' }),
});

export const UnitListQuery = Type.Object({
  asOf: Type.Optional(Type.String({ format: 'date', description: 'The day to look at (default: today).' })),
  parentId: Type.Optional(
    Type.String({
      pattern: '^(root|[0-9]+)$',
      description: 'List the units under this one; `root` for the top.',
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Search names and codes, ignoring case and diacritics.',
    }),
  ),
  kind: Type.Optional(Type.String({ description: 'Only units of this kind (with q).' })),
  under: Type.Optional(Type.Integer({ minimum: 1, description: 'Only units inside this subtree (with q).' })),
  ...PageQuery,
});

export const UnitParams = Type.Object({ id: Id });

export const UnitDetailSchema = Type.Object({
  unit: Type.Union([UnitSchema, Type.Null()], {
    description: 'The unit on that day; null when it did not exist then.',
  }),
  liveOnDate: Type.Boolean(),
  lastKnown: UnitSchema,
  existence: Type.Object({ from: Type.String(), to: Nullable(Type.String()) }),
  ancestors: Type.Array(
    Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), kind: Type.String() }),
  ),
  childCount: Type.Integer(),
});

const OrderSummarySchema = Type.Object({
  id: Type.Integer(),
  effectiveDate: Type.String(),
  title: Type.String(),
  decisionNumber: Nullable(Type.String()),
  decisionDate: Nullable(Type.String()),
  issuedBy: Nullable(Type.String()),
});

export const HistorySchema = Type.Object({
  versions: Type.Array(
    Type.Object({
      validFrom: Type.String(),
      validTo: Nullable(Type.String()),
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      parentId: Nullable(Type.Integer()),
      parentName: Nullable(Type.String()),
      attributes: AttributesOut,
      order: Type.Union([OrderSummarySchema, Type.Null()]),
      changes: Type.Array(Type.String(), {
        description:
          'What changed from the version before: created, reinstated, code, name, kind, parent, attributes (none on superseded versions).',
      }),
      recordedAt: Type.String(),
      supersededAt: Nullable(Type.String(), {
        description: 'Set on versions a later correction replaced.',
      }),
    }),
  ),
  end: Type.Union([
    Type.Object({ date: Type.String(), order: Type.Union([OrderSummarySchema, Type.Null()]) }),
    Type.Null(),
  ]),
});

export const HistoryQuery = Type.Object({
  asOf: Type.Optional(
    Type.String({
      format: 'date',
      description: 'The day whose scope decides whether you may read it (default: today).',
    }),
  ),
  includeSuperseded: Type.Optional(
    Type.Boolean({ default: false, description: 'Also list versions replaced by corrections.' }),
  ),
});

export const LineageSchema = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      from: Type.String(),
      to: Nullable(Type.String()),
    }),
  ),
  edges: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('merge'), Type.Literal('split')]),
      predecessorId: Type.Integer(),
      successorId: Type.Integer(),
      effectiveDate: Type.String(),
      orderId: Type.Integer(),
    }),
  ),
});

export const FiguresSchema = Type.Object({
  unitId: Type.Integer(),
  asOf: Type.String(),
  basis: Type.Array(Type.Integer(), {
    description: 'The units counted: the unit, or its predecessors on a day before it existed.',
  }),
  total: Type.Integer({ description: 'Units in the subtree, the unit itself excluded.' }),
  byKind: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
  direct: Type.Object(
    {
      total: Type.Integer(),
      byKind: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
    },
    { description: 'Units directly under it.' },
  ),
  groups: Type.Array(Type.Object({ group: Type.String(), count: Type.Integer() }), {
    description: "The rule pack's groups of kinds, e.g. grassroots organizations.",
  }),
});

export const FiguresChangeQuery = Type.Object({ from: IsoDateSchema, to: Type.Optional(IsoDateSchema) });

export const FiguresChangeSchema = Type.Object({
  from: FiguresSchema,
  to: FiguresSchema,
  delta: Type.Array(
    Type.Object({ kind: Type.String(), from: Type.Integer(), to: Type.Integer(), change: Type.Integer() }),
  ),
  orders: Type.Array(OrderSummarySchema, {
    description: 'Applied orders dated between the two days that touched the subtree.',
  }),
});

export const DecisionSchema = Type.Object(
  {
    number: Type.Optional(
      Nullable(Type.String({ maxLength: 100 }), {
        description: 'Decision number, e.g. 321-QĐ/TW.',
      }),
    ),
    date: Type.Optional(
      Nullable(Type.String({ format: 'date' }), {
        description: 'Date the decision was signed.',
      }),
    ),
    issuedBy: Type.Optional(Nullable(Type.String({ maxLength: 300 }), { description: 'The issuing body.' })),
    note: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
  },
  { additionalProperties: false, description: 'The decision that orders the change.' },
);

export const CreateUnitBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    name: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
    kind: Type.String({ minLength: 1 }),
    parentId: Nullable(Type.Integer({ minimum: 1 })),
    effectiveDate: Type.Optional(
      Type.String({ format: 'date', description: 'The day it comes into being (default: today).' }),
    ),
    attributes: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
    ),
    decision: Type.Optional(DecisionSchema),
  },
  { additionalProperties: false },
);
