import { DISCIPLINE_FORMS, REMOVAL_GROUNDS, RECORDABLE_EVENT_TYPES, TRANSFER_KINDS } from '@rollbook/domain';
import { Type } from 'typebox';
import { IsoDateSchema, Nullable, PageQuery, ProblemSchema } from '../../http/conventions.js';

const Text = (maxLength = 200, description?: string) =>
  Type.String({ maxLength, ...(description && { description }) });
const OptionalText = (maxLength = 200, description?: string) =>
  Type.Optional(Nullable(Text(maxLength, description)));

export const MemberParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'Member id.' }) });
export const EventParams = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'Member id.' }),
  eventId: Type.Integer({ minimum: 1 }),
});

/** The record fields a person writes (the statute's member form plus the pack's custom fields). */
const recordProperties = {
  fullName: Type.String({ minLength: 1, maxLength: 200, description: 'Name as used, in any script.' }),
  birthName: OptionalText(200, 'Name at birth.'),
  otherNames: OptionalText(300, 'Other names (aliases).'),
  sex: OptionalText(40, 'A code of the pack’s sex vocabulary.'),
  birthDate: Type.Optional(Nullable(IsoDateSchema)),
  birthPlace: OptionalText(300),
  homeTown: OptionalText(300),
  residence: OptionalText(500, 'Permanent and temporary residence.'),
  ethnicity: OptionalText(60, 'Sensitive: a code of the pack’s ethnicity vocabulary.'),
  religion: OptionalText(60, 'Sensitive: a code of the pack’s religion vocabulary.'),
  nationalId: OptionalText(40, 'Sensitive: the national ID number, unique among members.'),
  education: OptionalText(60, 'A code of the pack’s education vocabulary.'),
  profession: OptionalText(200),
  phone: OptionalText(60),
  email: OptionalText(200),
  custom: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]), {
      description: 'Fields the organization defines in its rule pack, by code.',
    }),
  ),
};

export const RecordInputSchema = Type.Object(recordProperties, { additionalProperties: false });
export const RecordChangeFields = Type.Partial(
  Type.Object(recordProperties, { additionalProperties: false }),
);

const DetailsSchema = Type.Object(
  {
    ceremonyDate: Type.Optional(IsoDateSchema),
    considerationDate: Type.Optional(IsoDateSchema),
    overAgeDecision: Type.Optional(Text()),
    educationException: Type.Optional(Text()),
    lateApproval: Type.Optional(Text()),
    transferKind: Type.Optional(Type.Union(TRANSFER_KINDS.map((k) => Type.Literal(k)))),
    purpose: Type.Optional(
      Type.Union([Type.Literal('work'), Type.Literal('study'), Type.Literal('residence')]),
    ),
    until: Type.Optional(IsoDateSchema),
    slipNumber: Type.Optional(Text(60)),
    exemptionReason: Type.Optional(Type.Union([Type.Literal('age'), Type.Literal('health')])),
    suspensionGround: Type.Optional(
      Type.Union([Type.Literal('investigation'), Type.Literal('custody'), Type.Literal('indictment')]),
    ),
    form: Type.Optional(Type.Union(DISCIPLINE_FORMS.map((f) => Type.Literal(f)))),
    post: Type.Optional(Text()),
    ground: Type.Optional(Type.Union(REMOVAL_GROUNDS.map((g) => Type.Literal(g)))),
  },
  { additionalProperties: false, description: 'The facts each event type needs; see docs/members.md.' },
);

export const EventInputSchema = Type.Object(
  {
    type: Type.Union(
      RECORDABLE_EVENT_TYPES.map((t) => Type.Literal(t)),
      { description: 'What happened.' },
    ),
    date: IsoDateSchema,
    unitId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    details: Type.Optional(DetailsSchema),
    decision: Type.Optional(
      Nullable(
        Type.Object(
          {
            number: OptionalText(100),
            date: Type.Optional(Nullable(IsoDateSchema)),
            by: OptionalText(200),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);

export const CreateMemberBody = Type.Object(
  { record: RecordInputSchema, event: EventInputSchema },
  { additionalProperties: false },
);

export const CorrectEventBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why the event was wrong.' }),
    replacement: Type.Optional(Nullable(EventInputSchema)),
  },
  { additionalProperties: false },
);

export const RecordChangeBody = Type.Object(
  {
    effectiveFrom: Type.Optional(Nullable(IsoDateSchema)),
    correction: Type.Optional(Type.Boolean()),
    fields: RecordChangeFields,
  },
  { additionalProperties: false },
);

const FindingSchema = Type.Object({
  rule: Type.String(),
  field: Type.String(),
  message: Type.String(),
  ruleSet: Type.String(),
  source: Type.String(),
});

const RecordOut = Type.Object(
  {
    ...Object.fromEntries(
      Object.entries(recordProperties).map(([k]) => [k, Type.Optional(Nullable(Type.String()))]),
    ),
    fullName: Type.String(),
    custom: Type.Object({}, { additionalProperties: true }),
    validFrom: Nullable(Type.String()),
    validTo: Nullable(Type.String()),
  },
  { description: 'Sensitive fields are left out without members.sensitive.' },
);

const MembershipSchema = Type.Object({
  decisionDate: Type.String(),
  ceremonyDate: Nullable(Type.String()),
  probationEnd: Nullable(Type.String()),
  officialFrom: Nullable(Type.String()),
  end: Nullable(Type.String()),
});

const DeadlineSchema = Type.Object({ kind: Type.String(), since: Type.String(), due: Type.String() });

export const MemberDetailSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  asOf: Type.String(),
  record: RecordOut,
  state: Nullable(
    Type.Object({
      status: Type.String(),
      unitId: Nullable(Type.Integer()),
      exitReason: Nullable(Type.String()),
      exempted: Type.Boolean(),
      suspended: Type.Boolean(),
      transferToUnitId: Nullable(Type.Integer()),
      hostUnitId: Nullable(Type.Integer()),
      since: Type.String(),
      until: Nullable(Type.String()),
    }),
    { description: 'Null before the first event.' },
  ),
  unit: Nullable(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() })),
  seniorityMonths: Nullable(Type.Integer(), {
    description: 'Party age in whole months, from the admission decision, without periods outside.',
  }),
  eligibleForClassification: Type.Boolean(),
  membership: Nullable(MembershipSchema),
  memberships: Type.Array(MembershipSchema),
  deadlines: Type.Array(DeadlineSchema),
  sensitiveShown: Type.Boolean(),
});

export const WriteResultSchema = Type.Object({
  eventId: Nullable(Type.Integer()),
  warnings: Type.Array(FindingSchema),
  member: Type.Union([MemberDetailSchema, Type.Null()], {
    description: 'The member after the write; null when the write took them out of the writer’s reach.',
  }),
});

export const CheckResultSchema = Type.Object({
  ok: Type.Boolean(),
  problems: Type.Array(FindingSchema),
  warnings: Type.Array(FindingSchema),
});

export const EventSchema = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  date: Type.String(),
  unitId: Nullable(Type.Integer()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
  decisionNumber: Nullable(Type.String()),
  decisionDate: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  ruleSet: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
  recordedBy: Type.String(),
  orderId: Nullable(Type.Integer()),
  correctsEventId: Nullable(Type.Integer()),
  correctedAt: Nullable(Type.String({ format: 'date-time' })),
  correctionReason: Nullable(Type.String()),
  mergedFromMemberId: Nullable(Type.Integer({ description: 'The duplicate record this event came from.' })),
  restricted: Type.Boolean({ description: 'Details left out: a discipline matter (members.sensitive).' }),
});

export const RecordVersionSchema = Type.Object({
  ...RecordOut.properties,
  id: Type.Integer(),
  recordedAt: Type.String({ format: 'date-time' }),
  recordedBy: Type.String(),
  supersededAt: Nullable(Type.String({ format: 'date-time' })),
});

export const MemberListQuery = Type.Object({
  asOf: Type.Optional(IsoDateSchema),
  unit: Type.Optional(Type.Integer({ minimum: 1, description: 'Only members of this subtree.' })),
  status: Type.Optional(
    Type.Union(
      ['members', 'applicant', 'admitted', 'probationary', 'official', 'left', 'all'].map((s) =>
        Type.Literal(s),
      ),
      { description: 'members (default) = probationary and official.' },
    ),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'A name in any script (case and diacritics ignored), a birth date (YYYY-MM-DD or dd/mm/yyyy) or a national ID.',
    }),
  ),
  sex: Type.Optional(Type.String({ maxLength: 40 })),
  ...PageQuery,
});

export const MemberListItem = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  fullName: Type.String(),
  sex: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  status: Type.String(),
  exitReason: Nullable(Type.String()),
  unitId: Nullable(Type.Integer()),
  unitCode: Nullable(Type.String()),
  unitName: Nullable(Type.String()),
  exempted: Type.Boolean(),
  suspended: Type.Boolean(),
  transferToUnitId: Nullable(Type.Integer()),
});

const CountSchema = Type.Object({ value: Type.String(), count: Type.Integer() });
const FlowsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  admissions: Type.Integer(),
  readmissions: Type.Integer(),
  recognitions: Type.Integer(),
  transfersIn: Type.Integer(),
  transfersOut: Type.Integer(),
  exits: Type.Array(CountSchema),
});

export const MemberFiguresQuery = Type.Object({
  asOf: Type.Optional(IsoDateSchema),
  from: Type.Optional(IsoDateSchema),
  to: Type.Optional(IsoDateSchema),
});

export const MemberFiguresSchema = Type.Object({
  unitId: Type.Integer(),
  stock: Type.Object({
    asOf: Type.String(),
    members: Type.Integer(),
    byStatus: Type.Array(CountSchema),
    exempted: Type.Integer(),
    suspended: Type.Integer(),
    inTransit: Type.Integer(),
    bySex: Type.Array(CountSchema),
    byAgeBand: Type.Array(CountSchema),
    byEthnicity: Type.Optional(Type.Array(CountSchema)),
    byReligion: Type.Optional(Type.Array(CountSchema)),
  }),
  period: Type.Optional(Type.Object({ current: FlowsSchema, previous: FlowsSchema, lastYear: FlowsSchema })),
});

export const WorkListQuery = Type.Object({
  unit: Type.Optional(Type.Integer({ minimum: 1 })),
  asOf: Type.Optional(IsoDateSchema),
  horizonDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 366, default: 30 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const WorkItemSchema = Type.Object({
  memberId: Type.Integer(),
  fullName: Type.String(),
  unitId: Nullable(Type.Integer()),
  unitCode: Nullable(Type.String()),
  kind: Type.String(),
  since: Nullable(Type.String()),
  due: Nullable(Type.String()),
  overdue: Type.Boolean(),
  missing: Nullable(Type.Array(Type.String())),
});

const DuplicateSide = Type.Object({
  id: Type.Integer(),
  fullName: Type.String(),
  birthDate: Type.String(),
  unitId: Nullable(Type.Integer()),
});

export const DuplicatePairSchema = Type.Object({
  a: DuplicateSide,
  b: DuplicateSide,
  similarity: Type.Number({ description: 'How alike the folded names are, 0–1.' }),
});

/** The problems a member write may answer with: bad input, no permission, out of reach, a clash, a stale or missing If-Match, a broken rule. */
export const writes = {
  400: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  412: ProblemSchema,
  422: ProblemSchema,
  428: ProblemSchema,
};
