import type { OrderTiming } from './apply-history.js';
import { type BenchResults, type EngineResult, TARGETS } from './bench-types.js';
import type { MemberGeneration } from './generate-members.js';
import { summarize } from './measure.js';

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
const count = (value: number) => value.toLocaleString('en-US');
const range = (r: { min: number; max: number }) =>
  r.min === r.max ? count(r.min) : `${count(r.min)}–${count(r.max)}`;

function ordersTable(engine: EngineResult): string[] {
  const target = TARGETS[engine.engine].provinceMergeMs;
  const byKind = new Map<string, OrderTiming[]>();
  for (const o of engine.orders) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const lines = [
    '| order kind | orders | ops each | p50 | max | total | target |',
    '|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const [kind, orders] of byKind) {
    const stats = summarize(orders.map((o) => o.ms));
    const ops = orders.map((o) => o.operations);
    const opsText =
      Math.min(...ops) === Math.max(...ops) ? `${ops[0]}` : `${Math.min(...ops)}–${Math.max(...ops)}`;
    const isMerger = kind.startsWith('province merge');
    const verdict = isMerger ? `≤ ${seconds(target)}: ${stats.max <= target ? 'met' : '**missed**'}` : '—';
    const total = orders.reduce((a, o) => a + o.ms, 0);
    lines.push(
      `| ${kind} | ${orders.length} | ${opsText} | ${seconds(stats.p50)} | ${seconds(stats.max)} | ${seconds(total)} | ${verdict} |`,
    );
  }
  return lines;
}

function membersSection(g: MemberGeneration): string[] {
  const r = g.rows;
  const all = r.member + r.memberRecord + r.memberEvent + r.memberSpan + r.memberDeadline;
  const tally = (t: Record<string, number>) =>
    Object.entries(t)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${count(v)}`)
      .join(', ');
  return [
    `Members: ${count(g.members)} over ${count(g.cells)} cells — ${count(all)} rows (member ${count(r.member)}, ` +
      `member_record ${count(r.memberRecord)}, member_event ${count(r.memberEvent)}, member_span ${count(r.memberSpan)}, ` +
      `member_deadline ${count(r.memberDeadline)}). Generated in ${seconds(g.totalMs)}: batched inserts ${seconds(g.insertMs)} ` +
      `(${count(Math.round(g.insertRowsPerSecond))} rows/s; drawing and replaying lifecycles in JavaScript ` +
      `${seconds(g.buildMs)} of it, overlapped), keys, constraints and indexes rebuilt ${seconds(g.indexMs)}, ` +
      `VACUUM ANALYZE ${seconds(g.vacuumAnalyzeMs)}: ${count(Math.round(g.rowsPerSecond))} rows/s overall. ` +
      `Replay check: the first ${count(g.verify.replayed)} members replayed in memory by the domain (every rule ` +
      `checked, spans and deadlines equal); ${g.verify.sample} random members read back and replayed, ` +
      `${g.verify.mismatches} differ.`,
    '',
    `Events: ${tally(g.eventsByType)}. Status today: ${tally(g.statusToday)}.`,
  ];
}

function engineSection(engine: EngineResult): string[] {
  const g = engine.generation;
  const lines = [
    `## ${engine.engine}: ${engine.version}`,
    '',
    `Scale: ${count(engine.scale.units)} units, ${count(engine.scale.unitVersions)} unit_version rows, ` +
      `${count(engine.scale.treeRows)} unit_tree rows, ${count(engine.scale.orders)} orders; ` +
      `database ${(engine.scale.databaseBytes / 2 ** 20).toFixed(0)} MiB. ` +
      `Settings: ${Object.entries(engine.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.`,
    '',
    engine.reused
      ? `Generation: the data set an earlier run built, reused (BENCH_REUSE); migrations ${seconds(g.migrateMs)}.`
      : `Generation: tree generated in memory ${seconds(g.generateMs)}, migrations ${seconds(g.migrateMs)}, ` +
        `set-based insert ${seconds(g.insertMs)}, rebuildTreeFrom (all units) ${seconds(g.rebuildTreeMs)}, ` +
        `ANALYZE ${seconds(g.analyzeAfterLoadMs)}, ` +
        `history through createAndApplyOrder ${seconds(g.historyMs)}, VACUUM ANALYZE ${seconds(g.vacuumAnalyzeMs)}.`,
    '',
    ...ordersTable(engine),
    '',
    '| group | measurement | dates | answer size | n | p50 ms | p95 ms | max ms | target p95 | result |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|---|',
    ...engine.measurements.map(
      (m) =>
        `| ${m.group} | ${m.name} | ${m.dates} | ${range(m.answer)} | ${m.stats.n} | ${ms(m.stats.p50)} | ${ms(m.stats.p95)} | ` +
        `${ms(m.stats.max)} | ${m.targetMs === null ? '—' : `≤ ${m.targetMs}`} | ` +
        `${m.pass === null ? 'baseline' : m.pass ? 'met' : '**missed**'} |`,
    ),
    '',
  ];
  // The member register comes after the tree's build times, before the orders it took part in.
  const afterGeneration = lines.findIndex((l) => l.startsWith('Generation:')) + 2;
  const rollups = engine.memberRollups;
  const rollupLine = rollups
    ? [
        rollups.kept
          ? `Member roll-ups: kept from an earlier run (${count(rollups.rows)} dated changes); ` +
            `${count(rollups.units)} units newly chosen, built in ${seconds(rollups.buildMs)}.`
          : `Member roll-ups: ${count(rollups.units)} units chosen (subtrees of at least the threshold's members), ` +
            `${count(rollups.rows)} dated changes, built from every member's history in ${seconds(rollups.buildMs)}.`,
        '',
      ]
    : [];
  lines.splice(
    afterGeneration,
    0,
    ...(engine.members ? [...membersSection(engine.members), ''] : []),
    ...rollupLine,
  );
  if (engine.audit) {
    const a = engine.audit;
    lines.push(
      `Audit chain: ${count(a.events)} events appended in ${seconds(a.insertMs)}; full verification ` +
        `${a.verifyMs.map((v) => seconds(v)).join(', ')} (${a.ok ? 'intact' : '**broken**'}).`,
      '',
    );
  }
  for (const x of engine.exports) {
    lines.push(
      `Streaming export of every member as CSV, ${x.columns ? `columns ${x.columns.join(', ')}` : 'every column'}: ${count(x.rows)} rows (${(x.bytes / 2 ** 20).toFixed(0)} MB) in ` +
        `${seconds(x.ms)}, ${count(Math.round(x.rowsPerSecond))} rows/s (target for 1 M: 10 s on a server, 30 s on PGlite). ` +
        `Resident memory ${(x.baseRssBytes / 2 ** 20).toFixed(0)} MB before, ${(x.peakRssBytes / 2 ** 20).toFixed(0)} MB at most.`,
      '',
    );
  }
  if (engine.imports) {
    const i = engine.imports;
    lines.push(
      `Validated import of ${count(i.rows)} members (${(i.fileBytes / 2 ** 20).toFixed(0)} MB CSV, into a register of ` +
        `${count(i.membersBefore)}): ${count(Math.round(i.rowsPerSecond))} rows/s end to end — upload ${seconds(i.uploadMs)}, ` +
        `validation ${seconds(i.validateMs)}, commit ${seconds(i.commitMs)}. Raw COPY of the same rows into a bare table: ` +
        `${count(Math.round(i.rawCopyRowsPerSecond))} rows/s, so the import runs at ` +
        `${((i.rowsPerSecond / i.rawCopyRowsPerSecond) * 100).toFixed(1)} % of it. Resident memory ` +
        `${(i.baseRssBytes / 2 ** 20).toFixed(0)} MB before, ${(i.peakRssBytes / 2 ** 20).toFixed(0)} MB at most. ` +
        `Naive GROUP BY of today's members by unit: ${ms(i.groupByMs)} ms.`,
      '',
    );
  }
  if (engine.eventLoop) {
    const e = engine.eventLoop;
    lines.push(
      `Event loop during a long query (\`select count(*) from generate_series(1, ${count(e.seriesLength)})\`): ` +
        `query ${ms(e.queryMs)} ms, main-thread event-loop delay max ${ms(e.maxDelayMs)} ms, p99 ${ms(e.p99DelayMs)} ms.`,
      '',
    );
  }
  return lines;
}

/** The results as Markdown: machine, then per engine its scale, build times, orders and reads against targets. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const o = results.options;
  return [
    '# Rollbook benchmark results',
    '',
    `Run ${results.startedAt} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB, Node ${m.node} (${m.platform}). ` +
      `Target ${count(o.units)} units, ${o.iterations} timed iterations after ${o.warmup} warm-up per measurement, ` +
      `seed ${o.seed}, "today" = ${o.today}.` +
      (o.members
        ? ` Members: ${count(o.members.pglite)} on PGlite, ${count(o.members.postgres)} on PostgreSQL; member ` +
          `measurements take ${o.memberIterations} timed iterations after ${o.memberWarmup} warm-up (slow reads).`
        : ''),
    '',
    ...results.engines.flatMap(engineSection),
  ].join('\n');
}
