import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../modules/units/units.repository.js';

/** Latency distribution of one measurement, in milliseconds. */
export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile: with 50 samples, p95 is the 48th smallest — a real observation. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
  };
}

/**
 * Times `run(i)` for `iterations` calls after `warmup` untimed ones. Each call gets its own index
 * so the caller can vary the unit and the date: one hot row in the cache would flatter the numbers.
 */
export async function timeIterations(
  iterations: number,
  warmup: number,
  run: (i: number) => Promise<unknown>,
): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await run(iterations + i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

export interface EventLoopProbe {
  /** Rows counted by the long query, tuned until it runs for at least a second. */
  seriesLength: number;
  queryMs: number;
  /** The longest the main thread's event loop waited while the query ran. */
  maxDelayMs: number;
  p99DelayMs: number;
}

/**
 * Runs a CPU-bound query of at least one second and records the event-loop delay meanwhile. On
 * PGlite the WebAssembly runs on a worker thread, so the delay should stay near the timer
 * resolution; if PGlite ran on the main thread it would approach the query's duration.
 */
export async function probeEventLoop(db: Db, minimumMs = 1000): Promise<EventLoopProbe> {
  const count = (n: number) => sql`select count(*) from generate_series(1, ${n}::bigint)`.execute(db);
  let n = 1_000_000;
  for (let attempt = 0; attempt < 6; attempt++) {
    const started = performance.now();
    await count(n);
    const ms = performance.now() - started;
    if (ms >= minimumMs * 1.2) break;
    n = Math.ceil((n * minimumMs * 1.5) / Math.max(ms, 1));
  }
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  await count(n);
  const queryMs = performance.now() - started;
  histogram.disable();
  return {
    seriesLength: n,
    queryMs,
    maxDelayMs: histogram.max / 1e6,
    p99DelayMs: histogram.percentile(99) / 1e6,
  };
}
