import type { DecisionReference, IsoDate, ReorgOperation, SplitPart } from '@rollbook/domain';

export type { DecisionReference, IsoDate, ReorgOperation, SplitPart };

/** The rule pack as GET /api/v1/rule-pack serves it: the domain's own types. */
export type { LocalizedText, RulePack as RulePackDto, UnitKind as RulePackKind } from '@rollbook/domain';

export type UnitAttributes = Record<string, string | number | boolean | null>;

export interface Unit {
  id: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  attributes: UnitAttributes;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  childCount: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  kind: string;
}

export interface UnitDetail {
  unit: Unit | null;
  liveOnDate: boolean;
  lastKnown: Unit;
  existence: { from: IsoDate; to: IsoDate | null };
  ancestors: UnitRef[];
  childCount: number;
}

export interface OrderSummary {
  id: number;
  effectiveDate: IsoDate;
  title: string | null;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  issuedBy: string | null;
}

export type ChangedField = 'created' | 'reinstated' | 'code' | 'name' | 'kind' | 'parent' | 'attributes';

export interface UnitVersion {
  validFrom: IsoDate;
  validTo: IsoDate | null;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  parentName: string | null;
  attributes: UnitAttributes;
  order: OrderSummary | null;
  changes: ChangedField[];
}

export interface UnitHistory {
  versions: UnitVersion[];
  end: { date: IsoDate; order: OrderSummary | null } | null;
}

export interface LineageNode {
  id: number;
  code: string;
  name: string;
  kind: string;
  from: IsoDate;
  to: IsoDate | null;
}

export interface LineageEdge {
  kind: 'merge' | 'split';
  predecessorId: number;
  successorId: number;
  effectiveDate: IsoDate;
  orderId: number;
}

export interface Lineage {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface Figures {
  unitId: number;
  asOf: IsoDate;
  /** The units counted: the unit itself, or its predecessors on a day before it existed. */
  basis: number[];
  total: number;
  byKind: { kind: string; count: number }[];
  /** Units directly under it. */
  direct: { total: number; byKind: { kind: string; count: number }[] };
  /** The rule pack's groups of kinds. */
  groups: { group: string; count: number }[];
}

export interface FiguresChange {
  from: Figures;
  to: Figures;
  delta: { kind: string; from: number; to: number; change: number }[];
  orders: OrderSummary[];
}

export type OrderStatus = 'draft' | 'applied';
export type OrderState = 'draft' | 'planned' | 'in-effect';

export interface Decision {
  number: string | null;
  date: IsoDate | null;
  issuedBy: string | null;
  note: string | null;
}

export interface Order {
  id: number;
  status: OrderStatus;
  state: OrderState;
  effectiveDate: IsoDate;
  title: string | null;
  decision: Decision | null;
  operations: ReorgOperation[];
  reversesOrderId: number | null;
  reversedByOrderId: number | null;
  createdUnitIds: Record<string, number[]> | null;
  version: number;
  createdAt: string;
  appliedAt: string | null;
}

export interface OrderInput {
  effectiveDate: IsoDate;
  title?: string | null;
  decision?: DecisionReference;
  operations: ReorgOperation[];
}

export interface Violation {
  code: string;
  field?: string;
  message: string;
}

export type ChangeKind = 'created' | 'renamed' | 'changed' | 'moved' | 'dissolved' | 'reinstated';

export interface UnitFacts {
  code?: string;
  name?: string;
  kind?: string;
  parentId?: number | null;
  parentName?: string | null;
}

export interface PreviewChange {
  operation: number;
  change: ChangeKind;
  unitId: number;
  code: string;
  name: string;
  kind: string;
  from?: UnitFacts;
  to?: UnitFacts;
}

export interface Preview {
  violations: Violation[];
  changes: PreviewChange[];
  figures: { unitId: number; unitName: string; before: Figures; after: Figures | null } | null;
}

export interface NewUnitInput {
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  effectiveDate: IsoDate;
  attributes?: UnitAttributes;
  decision?: DecisionReference;
}

export interface Health {
  status: string;
  engine: string;
  version: string;
  migration: string | number;
}
