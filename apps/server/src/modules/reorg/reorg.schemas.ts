import { type Static, Type } from 'typebox';
import { IsoDateSchema, PageQuery, Nullable } from '../../http/conventions.js';
import { DecisionSchema } from '../units/units.schemas.js';

const UnitId = Type.Integer({ minimum: 1 });
const Code = Type.String({
  minLength: 1,
  maxLength: 50,
  pattern: '\\S',
  description: 'Unit code, unique among units live on the same day.',
});
const Name = Type.String({
  minLength: 1,
  pattern: '\\S',
  maxLength: 300,
  description: 'Unit name, in any script.',
});
const Kind = Type.String({ minLength: 1, description: 'Unit kind code from the rule pack.' });
const Attributes = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);
const strict = { additionalProperties: false } as const;

const NewUnit = { code: Code, name: Name, kind: Kind, attributes: Type.Optional(Attributes) };

const OperationUnion = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('create'),
        parentId: Nullable(UnitId),
        ...NewUnit,
        ref: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'Names this new unit for later operations.',
          }),
        ),
        parentRef: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'Sit under the unit an earlier operation created with this ref.',
          }),
        ),
      },
      {
        ...strict,
        title: 'create',
        description:
          'A new unit under parentId (null: a top unit), or under a unit created earlier in the same order (parentRef).',
      },
    ),
    Type.Object(
      { type: Type.Literal('rename'), unitId: UnitId, name: Type.Optional(Name), code: Type.Optional(Code) },
      { ...strict, title: 'rename', description: 'A new name and/or code.' },
    ),
    Type.Object(
      {
        type: Type.Literal('change'),
        unitId: UnitId,
        kind: Type.Optional(Kind),
        attributes: Type.Optional(Attributes),
      },
      { ...strict, title: 'change', description: 'A new kind, and/or attributes (replacing the old ones).' },
    ),
    Type.Object(
      { type: Type.Literal('move'), unitId: UnitId, parentId: Nullable(UnitId) },
      { ...strict, title: 'move', description: 'The unit and its whole subtree move under parentId.' },
    ),
    Type.Object(
      {
        type: Type.Literal('merge'),
        unitIds: Type.Array(UnitId, {
          minItems: 1,
          description: 'Units that cease to exist; their children move to the survivor.',
        }),
        into: Type.Union([
          Type.Object({ unitId: UnitId }, strict),
          Type.Object({ parentId: Nullable(UnitId), ...NewUnit }, strict),
        ]),
      },
      {
        ...strict,
        title: 'merge',
        description:
          'Units merge into a survivor (existing or new); their children move to it and they cease to exist.',
      },
    ),
    Type.Object(
      {
        type: Type.Literal('split'),
        unitId: UnitId,
        parts: Type.Array(
          Type.Object(
            {
              ...NewUnit,
              childIds: Type.Optional(
                Type.Array(UnitId, { description: 'Units under the split unit that go to this part.' }),
              ),
              takesRemainder: Type.Optional(
                Type.Boolean({ description: 'This part takes everything not listed elsewhere.' }),
              ),
              memberIds: Type.Optional(
                Type.Array(Type.Integer({ minimum: 1 }), {
                  description: 'Members of the split unit that go to this part.',
                }),
              ),
              memberRule: Type.Optional(
                Type.Object(
                  {
                    field: Type.Union([
                      Type.Literal('residence'),
                      Type.Literal('homeTown'),
                      Type.Literal('birthPlace'),
                      Type.Literal('profession'),
                    ]),
                    contains: Type.String({ minLength: 1, maxLength: 200 }),
                  },
                  {
                    ...strict,
                    description:
                      'Members whose record field contains the text (case and diacritics ignored) go to this part.',
                  },
                ),
              ),
            },
            strict,
          ),
          { minItems: 1 },
        ),
      },
      {
        ...strict,
        title: 'split',
        description:
          'The unit ceases to exist; new parts take its place under its parent and receive its children.',
      },
    ),
    Type.Object(
      { type: Type.Literal('dissolve'), unitId: UnitId },
      {
        ...strict,
        title: 'dissolve',
        description: 'The unit ceases to exist; it must have no units left under it.',
      },
    ),
    Type.Object(
      {
        type: Type.Literal('reinstate'),
        unitId: UnitId,
        parentId: Nullable(UnitId),
        code: Type.Optional(Code),
        name: Type.Optional(Name),
        kind: Type.Optional(Kind),
      },
      {
        ...strict,
        title: 'reinstate',
        description: 'A dissolved unit comes back (under parentId), keeping its identity and history.',
      },
    ),
  ],
  { description: 'One operation; `type` tells which.' },
);

/**
 * The operation union as `oneOf` with a discriminator on `type`, so a bad operation is reported
 * against its own shape ("operations.0.parentId is required") rather than against every other one.
 */
export const OperationSchema = Type.Unsafe<Static<typeof OperationUnion>>({
  type: 'object',
  oneOf: OperationUnion.anyOf,
  discriminator: { propertyName: 'type' },
  description: 'One operation; `type` tells which.',
});

export const OrderBody = Type.Object(
  {
    effectiveDate: IsoDateSchema,
    title: Type.Optional(Type.String({ maxLength: 300 })),
    decision: Type.Optional(DecisionSchema),
    operations: Type.Array(OperationSchema, { maxItems: 100000 }),
  },
  strict,
);

export const OrderPatchBody = Type.Object(
  {
    effectiveDate: Type.Optional(IsoDateSchema),
    title: Type.Optional(Type.String({ maxLength: 300 })),
    decision: Type.Optional(DecisionSchema),
    operations: Type.Optional(Type.Array(OperationSchema, { maxItems: 100000 })),
  },
  strict,
);

export const PreviewBody = Type.Object(
  { effectiveDate: IsoDateSchema, operations: Type.Array(OperationSchema, { maxItems: 100000 }) },
  strict,
);

export const ReversalBody = Type.Object(
  {
    effectiveDate: Type.Optional(
      Type.String({ format: 'date', description: 'Default: the date of the order undone.' }),
    ),
  },
  strict,
);

export const OrderParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const OrderListQuery = Type.Object({
  state: Type.Optional(
    Type.Union([Type.Literal('draft'), Type.Literal('planned'), Type.Literal('in-effect')]),
  ),
  unitId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only orders that touched this unit.' })),
  ...PageQuery,
});

export const OrderSchema = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('applied')]),
  state: Type.Union([Type.Literal('draft'), Type.Literal('planned'), Type.Literal('in-effect')], {
    description: 'planned = applied with an effective date after today.',
  }),
  effectiveDate: Type.String(),
  title: Type.String(),
  decision: Type.Object({
    number: Nullable(Type.String()),
    date: Nullable(Type.String()),
    issuedBy: Nullable(Type.String()),
    note: Nullable(Type.String()),
  }),
  operations: Type.Array(Type.Unknown()),
  reversesOrderId: Nullable(Type.Integer()),
  reversedByOrderId: Nullable(Type.Integer()),
  createdUnitIds: Type.Union([Type.Record(Type.String(), Type.Array(Type.Integer())), Type.Null()], {
    description: 'Ids of the units each operation created (by operation index), once applied.',
  }),
  version: Type.Integer({ description: 'Also sent as the ETag; send it back in If-Match.' }),
  createdAt: Type.String(),
  appliedAt: Nullable(Type.String()),
});

const FiguresSnapshotSchema = Type.Object({
  total: Type.Integer(),
  byKind: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
});

export const PreviewSchema = Type.Object({
  violations: Type.Array(
    Type.Object({
      code: Type.String(),
      field: Type.Optional(Type.String()),
      message: Type.String(),
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    }),
  ),
  changes: Type.Array(
    Type.Object({
      operation: Type.Integer(),
      change: Type.String(),
      unitId: Type.Integer({ description: 'Negative for units the order would create.' }),
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      from: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      to: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
  figures: Type.Union([
    Type.Object({
      unitId: Type.Integer(),
      unitName: Type.String(),
      before: FiguresSnapshotSchema,
      after: Type.Union([FiguresSnapshotSchema, Type.Null()]),
    }),
    Type.Null(),
  ]),
  endingGrants: Type.Array(
    Type.Object({
      grantId: Type.Integer(),
      userId: Type.Integer(),
      username: Type.String(),
      role: Type.String(),
      unitId: Type.Integer(),
    }),
    { description: 'Grants on units the order ends: they end with the unit on its effective date.' },
  ),
  memberMoves: Type.Array(
    Type.Object({ fromUnitId: Type.Integer(), toUnitId: Type.Integer(), count: Type.Integer() }),
    { description: 'Members who follow their unit to a successor or a split part.' },
  ),
  smallCells: Type.Array(
    Type.Object({ unitId: Type.Integer(), code: Type.String(), officialMembers: Type.Integer() }),
    {
      description:
        'Member units the order touches that would have fewer than 3 official members (Charter art. 21 and 24).',
    },
  ),
});

export const OrderListSchema = Type.Object({
  items: Type.Array(OrderSchema),
  nextCursor: Nullable(Type.String()),
});
