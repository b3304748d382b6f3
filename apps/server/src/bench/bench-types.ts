import type { EngineName } from '../db/engine.js';
import type { OrderTiming } from './apply-history.js';
import type { AuditBench } from './audit-chain.js';
import type { EventLoopProbe, Stats } from './measure.js';

/** The product targets (BRIEF): reads per request, and a province merger per order. */
export const TARGETS: Record<EngineName, { readP95Ms: number; provinceMergeMs: number }> = {
  postgres: { readP95Ms: 50, provinceMergeMs: 2000 },
  pglite: { readP95Ms: 100, provinceMergeMs: 5000 },
};

export interface Measurement {
  group: 'tree as of a date' | 'units by kind for a subtree' | 'scope filtering' | 'name search';
  name: string;
  /** Which dates the iterations used, in words ("today", "random day 2023-01-01…2025-06-30"). */
  dates: string;
  stats: Stats;
  /** Size of the answers seen (rows listed, or units counted), to show the reads did real work. */
  answer: { min: number; max: number };
  targetMs: number;
  pass: boolean;
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
  measurements: Measurement[];
  eventLoop: EventLoopProbe | null;
  audit: AuditBench | null;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  options: { units: number; iterations: number; warmup: number; seed: number; today: string };
  engines: EngineResult[];
}
