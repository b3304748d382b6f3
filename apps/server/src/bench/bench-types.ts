import type { ExportBench } from './export-bench.js';
import type { ImportBench } from './import-bench.js';
import type { EngineName } from '../db/engine.js';
import type { OrderTiming } from './apply-history.js';
import type { AuditBench } from './audit-chain.js';
import type { MemberGeneration } from './generate-members.js';
import type { EventLoopProbe, Stats } from './measure.js';

/**
 * The product targets (BRIEF, performance table): reads per request, a province merger per order,
 * a unit's member figures as of today and as of a past date, and member name search.
 */
export const TARGETS: Record<
  EngineName,
  {
    readP95Ms: number;
    provinceMergeMs: number;
    memberFiguresTodayP95Ms: number;
    memberFiguresPastP95Ms: number;
    memberSearchP95Ms: number;
  }
> = {
  postgres: {
    readP95Ms: 50,
    provinceMergeMs: 2000,
    memberFiguresTodayP95Ms: 50,
    memberFiguresPastP95Ms: 200,
    memberSearchP95Ms: 30,
  },
  pglite: {
    readP95Ms: 100,
    provinceMergeMs: 5000,
    memberFiguresTodayP95Ms: 100,
    memberFiguresPastP95Ms: 400,
    memberSearchP95Ms: 60,
  },
};

export interface Measurement {
  group:
    | 'tree as of a date'
    | 'units by kind for a subtree'
    | 'scope filtering'
    | 'name search'
    | 'member figures'
    | 'member figures: raw baseline'
    | 'member flows'
    | 'member lists'
    | 'member name search';
  name: string;
  /** Which dates the iterations used, in words ("today", "random day 2023-01-01…2025-06-30"). */
  dates: string;
  stats: Stats;
  /** Size of the answers seen (rows listed, or units counted), to show the reads did real work. */
  answer: { min: number; max: number };
  /** null for a baseline, which has no target: it is there to make the others' times mean something. */
  targetMs: number | null;
  pass: boolean | null;
}

export interface EngineResult {
  engine: EngineName;
  version: string;
  settings: Record<string, string>;
  scale: { units: number; unitVersions: number; treeRows: number; orders: number; databaseBytes: number };
  /** Where the time went while building the data set, in milliseconds. */
  generation: {
    generateMs: number;
    migrateMs: number;
    insertMs: number;
    rebuildTreeMs: number;
    analyzeAfterLoadMs: number;
    historyMs: number;
    vacuumAnalyzeMs: number;
  };
  orders: OrderTiming[];
  /** The data set was an earlier run's (BENCH_REUSE): nothing was built, the generation times are 0. */
  reused?: boolean;
  /** The member register generated after the tree's history; null when BENCH_MEMBERS_* is 0. */
  members: MemberGeneration | null;
  /** The member roll-ups built after the load (ADR 0006): units chosen, dated changes, time taken. */
  /** `kept`: an earlier run's roll-ups were kept and only `units` newly chosen were built. */
  memberRollups: { units: number; rows: number; buildMs: number; kept?: boolean } | null;
  measurements: Measurement[];
  eventLoop: EventLoopProbe | null;
  audit: AuditBench | null;
  /** The validated import of a members file against raw COPY (import-bench.ts); null when skipped. */
  imports: ImportBench | null;
  /** Every member streamed out as CSV (export-bench.ts); null without members. */
  exports: ExportBench[];
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  options: {
    units: number;
    iterations: number;
    warmup: number;
    seed: number;
    today: string;
    /** Members generated per engine, and the iterations of the (slow) member measurements. */
    members?: Record<EngineName, number>;
    memberIterations?: number;
    memberWarmup?: number;
  };
  engines: EngineResult[];
}
