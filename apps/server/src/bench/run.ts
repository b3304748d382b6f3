// The benchmark suite: builds a national-scale tree with history on each engine, then times the
// reads the product promises (tree as of a date, units by kind for a subtree, name search) and
// checks that a long query on PGlite leaves the HTTP thread responsive; then loads a member
// register (1 M members on PGlite, 6 M on a server) and times member figures, name search and
// reorganizations with members. `npm run bench`; options in docs/BENCHMARKS.md.
import { EVERYWHERE } from '../modules/access/actor.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RULE_PACK, type IsoDate, KindRules, todayIn } from '@rollbook/domain';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import { type DatabaseHandle, type EngineName, openDatabase } from '../db/engine.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Db } from '../modules/units/units.repository.js';
import { findChildren, getFigures, searchUnits } from '../modules/units/units.service.js';
import { applyHistory, applyMergersWithMembers, type OrderTiming } from './apply-history.js';
import { benchExport, type ExportBench, REGISTER_SHEET_COLUMNS } from './export-bench.js';
import { benchImport } from './import-bench.js';
import { benchAuditChain } from './audit-chain.js';
import { type BenchResults, type EngineResult, type Measurement, TARGETS } from './bench-types.js';
import { generateMembers, type MemberGeneration } from './generate-members.js';
import { refreshRollupUnits, vacuumRollups } from '../modules/members/member-rollup.js';
import { type GeneratedTree, generateTree, loadFoundingTree } from './generate-tree.js';
import { measureMemberReads } from './member-reads.js';
import { probeEventLoop, timeIterations } from './measure.js';
import { Prng } from './prng.js';
import { renderMarkdown } from './report.js';

const SEED = 20250701;
const WARMUP = 5;
/** Past dates are drawn from this window: after the founding, before the province merger. */
const PAST_FROM: IsoDate = '2023-01-01';
const PAST_TO: IsoDate = '2025-06-30';
/** The search page size the HTTP route asks for (limit + 1 to know whether there is more). */
const SEARCH_LIMIT = 51;

interface Options {
  units: number;
  iterations: number;
  engines: EngineName[];
  databaseUrl: string | undefined;
  /** The database on the server that the run drops, recreates and keeps afterwards. */
  databaseName: string;
  /** Run against the data set an earlier run left in that database instead of building one. */
  reuse: boolean;
  /** With `reuse`: keep its roll-ups and build only units newly chosen (BENCH_REUSE_ROLLUPS=keep). */
  keepRollups: boolean;
  rollupMinMembers: number;
  outDir: string;
  today: IsoDate;
  auditEvents: number;
  members: Record<EngineName, number>;
  /** Rows of the members file imported at the end (issue 5); 0 skips it. */
  importRows: Record<EngineName, number>;
  memberIterations: number;
  memberWarmup: number;
  memberBatch: number;
  memberVerify: number;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum = 0): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be an integer of at least ${minimum}, not “${env[name]}”.`);
  return value;
}

/** A plain identifier: it is interpolated into DROP/CREATE DATABASE. */
function databaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`BENCH_DATABASE must be a lower-case identifier, not “${name}”.`);
  return name;
}

function readOptions(env: NodeJS.ProcessEnv): Options {
  const units = Number(env.BENCH_UNITS ?? 60000);
  const iterations = Number(env.BENCH_ITERATIONS ?? 50);
  if (!Number.isInteger(units) || units <= 0)
    throw new Error(`BENCH_UNITS must be a positive integer, not “${env.BENCH_UNITS}”.`);
  if (!Number.isInteger(iterations) || iterations <= 0) {
    throw new Error(`BENCH_ITERATIONS must be a positive integer, not “${env.BENCH_ITERATIONS}”.`);
  }
  const engines = (env.BENCH_ENGINES ?? 'pglite,postgres')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of engines)
    if (e !== 'pglite' && e !== 'postgres') throw new Error(`Unknown engine in BENCH_ENGINES: “${e}”.`);
  return {
    units,
    iterations,
    // The PostgreSQL run needs a server; without DATABASE_URL only PGlite runs.
    engines: (engines as EngineName[]).filter((e) => e === 'pglite' || env.DATABASE_URL),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseName: databaseName(env.BENCH_DATABASE ?? 'rollbook_bench'),
    reuse: env.BENCH_REUSE === '1',
    keepRollups: env.BENCH_REUSE_ROLLUPS === 'keep',
    rollupMinMembers: count(env, 'BENCH_ROLLUP_MIN_MEMBERS', 10_000, 1),
    outDir: path.resolve(env.BENCH_OUT ?? 'bench-results'),
    auditEvents: Number(env.BENCH_AUDIT_EVENTS ?? 1_000_000),
    today: todayIn('UTC'),
    // The BRIEF's two scales: embedded 1 M members, national 6 M on a server.
    members: {
      pglite: count(env, 'BENCH_MEMBERS_PGLITE', 1_000_000),
      postgres: count(env, 'BENCH_MEMBERS_POSTGRES', 6_000_000),
    },
    importRows: {
      pglite: count(env, 'BENCH_IMPORT_ROWS_PGLITE', 100_000),
      postgres: count(env, 'BENCH_IMPORT_ROWS_POSTGRES', 1_000_000),
    },
    // Member figures at the root take seconds before a roll-up design exists: fewer iterations.
    memberIterations: count(env, 'BENCH_MEMBER_ITERATIONS', 10, 1),
    memberWarmup: 2,
    memberBatch: count(env, 'BENCH_MEMBER_BATCH', 20_000, 1),
    memberVerify: count(env, 'BENCH_MEMBER_VERIFY', 200),
  };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * A fresh database per engine: a temporary PGlite folder, or the bench database dropped and recreated
 * (kept as it is with BENCH_REUSE).
 */
async function openDatabaseFor(
  engine: EngineName,
  options: Options,
  reuse: boolean,
): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-bench-'));
    const handle = await openDatabase({ dataDir });
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const name = options.databaseName;
  if (!reuse) {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  }
  await admin.end();
  const url = new URL(options.databaseUrl!);
  url.pathname = `/${name}`;
  // Kept after the run so that slow queries can be examined with EXPLAIN against the same data.
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  return { handle, cleanup: () => handle.close() };
}

/** Days between two ISO dates, and a uniformly random day between them. */
function randomDay(rng: Prng, from: IsoDate, to: IsoDate): IsoDate {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000);
  return new Date(start + rng.int(0, days) * 86_400_000).toISOString().slice(0, 10);
}

/** Which provinces and communes are live on which days, read once from the derived tree. */
async function loadLiveSpans(db: Db) {
  const rows = await sql<{ unit_id: number; kind: string; from: string; to: string | null }>`
    select unit_id, kind, lower(valid)::text as from, upper(valid)::text as to
    from unit_tree where kind in ('province', 'commune')`.execute(db);
  return (kind: string, date: IsoDate): number[] => [
    ...new Set(
      rows.rows
        .filter((r) => r.kind === kind && r.from <= date && (r.to === null || date < r.to))
        .map((r) => r.unit_id),
    ),
  ];
}

/** Rows in a list, or units counted in figures. */
function answerSize(answer: unknown): number {
  if (Array.isArray(answer)) return answer.length;
  if (answer && typeof answer === 'object' && 'total' in answer && typeof answer.total === 'number')
    return answer.total;
  return 0;
}

async function measureReads(
  db: Db,
  rules: KindRules,
  engine: EngineName,
  rootId: number,
  options: Options,
): Promise<Measurement[]> {
  const liveOn = await loadLiveSpans(db);
  const target = TARGETS[engine].readP95Ms;
  const measurements: Measurement[] = [];
  const pastWords = `random day ${PAST_FROM}…${PAST_TO}`;
  const dateSets = [
    { words: `today (${options.today})`, pick: () => options.today },
    { words: pastWords, pick: (rng: Prng) => randomDay(rng, PAST_FROM, PAST_TO) },
  ];
  let seq = 0;
  const measure = async (
    group: Measurement['group'],
    name: string,
    dates: string,
    run: (rng: Prng) => Promise<unknown>,
  ) => {
    // Each measurement has its own seeded stream, so both engines see the same units and dates.
    const rng = new Prng(SEED + ++seq);
    log(`${engine}: ${group} — ${name}, ${dates}`);
    const sizes: number[] = [];
    const stats = await timeIterations(options.iterations, WARMUP, async () =>
      sizes.push(answerSize(await run(rng))),
    );
    const answer = { min: Math.min(...sizes), max: Math.max(...sizes) };
    measurements.push({ group, name, dates, stats, answer, targetMs: target, pass: stats.p95 <= target });
  };

  for (const d of dateSets) {
    await measure('tree as of a date', 'children of the root (provinces)', d.words, (rng) =>
      findChildren(db, rootId, d.pick(rng), EVERYWHERE),
    );
    await measure('tree as of a date', 'children of a random province', d.words, (rng) => {
      const date = d.pick(rng);
      return findChildren(db, rng.pick(liveOn('province', date)), date, EVERYWHERE);
    });
    await measure('tree as of a date', 'children of a random commune', d.words, (rng) => {
      const date = d.pick(rng);
      return findChildren(db, rng.pick(liveOn('commune', date)), date, EVERYWHERE);
    });
  }
  for (const d of dateSets) {
    await measure('units by kind for a subtree', 'root (whole tree)', d.words, (rng) =>
      getFigures(db, rootId, d.pick(rng), EVERYWHERE, rules),
    );
    await measure('units by kind for a subtree', 'a random province', d.words, (rng) => {
      const date = d.pick(rng);
      return getFigures(db, rng.pick(liveOn('province', date)), date, EVERYWHERE, rules);
    });
    await measure('units by kind for a subtree', 'a random commune', d.words, (rng) => {
      const date = d.pick(rng);
      return getFigures(db, rng.pick(liveOn('commune', date)), date, EVERYWHERE, rules);
    });
  }
  // The same figures query with and without scope filtering, same run: a reader whose grant is the
  // root sees the same answer, so the difference is the price of the filter itself.
  const rootScope = { all: false as const, roots: [rootId] };
  for (const d of dateSets) {
    for (const [label, scope] of [
      ['a random commune, no scope (organization-wide reader)', EVERYWHERE],
      ['a random commune, scoped reader (grant on the root)', rootScope],
    ] as const) {
      await measure('scope filtering', label, d.words, (rng) => {
        const date = d.pick(rng);
        return getFigures(db, rng.pick(liveOn('commune', date)), date, scope, rules);
      });
    }
  }
  const queries: Array<[label: string, query: string]> = [
    ['“nguyen” (Vietnamese, no diacritics)', 'nguyen'],
    ['“chi bo ap” (Vietnamese, no diacritics)', 'chi bo ap'],
    ['“محله‌ی آزادی” (Persian, ZWNJ, alef madda)', 'محله‌ی آزادی'],
    ['“KADIKÖY” (Turkish, dotless ı)', 'KADIKÖY'],
    ['“गाजियाबाद” (Hindi, without nukta)', 'गाजियाबाद'],
  ];
  for (const [label, query] of queries) {
    for (const d of dateSets) {
      await measure('name search', label, d.words, (rng) =>
        searchUnits(db, { query, date: d.pick(rng), limit: SEARCH_LIMIT, scope: EVERYWHERE }),
      );
    }
  }
  await measure('name search', '“truong thcs” inside a random province', dateSets[0]!.words, (rng) =>
    searchUnits(db, {
      query: 'truong thcs',
      date: options.today,
      underUnitId: rng.pick(liveOn('province', options.today)),
      limit: SEARCH_LIMIT,
      scope: EVERYWHERE,
    }),
  );
  return measurements;
}

/** The data set an engine's reads run against: built here, or found from an earlier run (BENCH_REUSE). */
interface DataSet {
  tree: GeneratedTree;
  unitIds: number[];
  orders: OrderTiming[];
  generation: Omit<EngineResult['generation'], 'migrateMs'>;
  members: MemberGeneration | null;
  /** Members in the register (generated now or earlier). */
  memberCount: number;
}

/** Builds the tree, its history and the member register (see docs/BENCHMARKS.md, "What it builds"). */
async function buildDataSet(engine: EngineName, ctx: AppContext, options: Options): Promise<DataSet> {
  const db = ctx.db;
  let t = performance.now();
  const tree = generateTree(options.units, SEED);
  const generateMs = performance.now() - t;
  log(`${engine}: loading ${tree.units.length} units`);
  const load = await loadFoundingTree(db, tree);
  log(
    `${engine}: insert ${load.insertMs.toFixed(0)} ms, rebuildTreeFrom ${load.rebuildTreeMs.toFixed(0)} ms`,
  );

  t = performance.now();
  // A bulk load leaves the planner without statistics; the first orders would then be planned
  // blind (and PGlite never runs autovacuum). Any real import should end the same way.
  await sql`analyze`.execute(db);
  const analyzeAfterLoadMs = performance.now() - t;

  t = performance.now();
  const orders = await applyHistory({ ...ctx, today: () => options.today }, tree, load.unitIds, SEED);
  const historyMs = performance.now() - t;
  for (const o of orders.filter((x) => x.kind.startsWith('province merge')))
    log(`${engine}: ${o.title}: ${o.ms.toFixed(0)} ms`);

  t = performance.now();
  // Planner statistics matter for every plan measured below; PGlite has no autovacuum at all.
  await sql`vacuum analyze`.execute(db);
  const vacuumAnalyzeMs = performance.now() - t;

  let members = null;
  if (options.members[engine] > 0) {
    log(`${engine}: generating ${options.members[engine].toLocaleString('en-US')} members`);
    members = await generateMembers(db, ctx.rules.members, {
      members: options.members[engine],
      seed: SEED,
      today: options.today,
      batchSize: options.memberBatch,
      verifySample: options.memberVerify,
      // PGlite's heap is 2 GiB in all (stack.md §1.1).
      maintenanceWorkMem: engine === 'pglite' ? '256MB' : '1GB',
      log,
    });
    log(
      `${engine}: members generated in ${(members.totalMs / 1000).toFixed(1)} s ` +
        `(${Math.round(members.rowsPerSecond).toLocaleString('en-US')} rows/s; inserts alone ` +
        `${Math.round(members.insertRowsPerSecond).toLocaleString('en-US')} rows/s); ` +
        `${members.verify.sample} sampled members replayed: ${members.verify.mismatches} differ`,
    );
  }
  return {
    tree,
    unitIds: load.unitIds,
    orders,
    generation: {
      generateMs,
      insertMs: load.insertMs,
      rebuildTreeMs: load.rebuildTreeMs,
      analyzeAfterLoadMs,
      historyMs,
      vacuumAnalyzeMs,
    },
    members,
    memberCount: members?.members ?? 0,
  };
}

/**
 * The data set an earlier run left on the server (BENCH_REUSE=1): the same seed draws the same tree,
 * whose units are found again by their founding codes. Its roll-ups are rebuilt, so the current
 * code's build is timed and read.
 */
async function reuseDataSet(engine: EngineName, db: Db, options: Options): Promise<DataSet> {
  const tree = generateTree(options.units, SEED);
  const founded = await sql<{ code: string; id: number }>`
    select distinct on (code) code, unit_id as id from unit_version order by code, lower(valid), id`.execute(
    db,
  );
  const byCode = new Map(founded.rows.map((r) => [r.code, Number(r.id)]));
  const unitIds = tree.units.map((u) => {
    const id = byCode.get(u.code);
    if (id === undefined)
      throw new Error(`BENCH_REUSE: unit ${u.code} of the generated tree is not in the database.`);
    return id;
  });
  const memberCount = Number(
    (await sql<{ n: string }>`select count(*) as n from member`.execute(db)).rows[0]!.n,
  );
  log(`${engine}: reusing ${tree.units.length} units and ${memberCount.toLocaleString('en-US')} members`);
  // Emptied, not deleted row by row: millions of dead rows would weigh on the timed build and reads.
  // Kept on request: the build then times only units newly chosen (a rebuild takes half an hour at 6 M).
  if (!options.keepRollups)
    await sql`truncate member_rollup, member_rollup_month, member_rollup_unit`.execute(db);
  return {
    tree,
    unitIds,
    orders: [],
    generation: {
      generateMs: 0,
      insertMs: 0,
      rebuildTreeMs: 0,
      analyzeAfterLoadMs: 0,
      historyMs: 0,
      vacuumAnalyzeMs: 0,
    },
    members: null,
    memberCount,
  };
}

async function runEngine(engine: EngineName, options: Options): Promise<EngineResult> {
  const reuse = options.reuse && engine === 'postgres';
  log(`${engine}: opening ${reuse ? 'the database of an earlier run' : 'a fresh database'}`);
  const { handle, cleanup } = await openDatabaseFor(engine, options, reuse);
  try {
    const db = handle.db;
    let t = performance.now();
    await migrateToLatest(db);
    const migrateMs = performance.now() - t;
    const ctx = createContext({
      db,
      engine,
      bulk: handle.bulk,
      copyOut: handle.copyOut,
      rules: new KindRules(DEFAULT_RULE_PACK),
      config: { ...loadConfig({}), timeZone: 'UTC' },
    });
    const { tree, unitIds, orders, generation, members, memberCount } = reuse
      ? await reuseDataSet(engine, db, options)
      : await buildDataSet(engine, ctx, options);

    let memberRollups = null;
    if (memberCount > 0) {
      // What `rollbook figures rollup` does after a bulk load (ADR 0006): large subtrees get their
      // pre-aggregated figures; the figures measured below then read them.
      t = performance.now();
      const rollups = await db
        .transaction()
        .execute((trx) => refreshRollupUnits(trx, options.today, options.rollupMinMembers));
      const buildMs = performance.now() - t;
      await vacuumRollups(db);
      const rows = await sql<{ n: string }>`select count(*) as n from member_rollup`.execute(db);
      memberRollups = {
        units: rollups.chosen.length,
        rows: Number(rows.rows[0]!.n),
        buildMs,
        kept: reuse && options.keepRollups,
      };
      log(
        `${engine}: roll-ups built for ${memberRollups.units} units (${memberRollups.rows.toLocaleString('en-US')} dated changes) in ${(memberRollups.buildMs / 1000).toFixed(1)} s`,
      );
    }

    const version = (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]!.v;
    const settings = Object.fromEntries(
      await Promise.all(
        ['shared_buffers', 'work_mem', 'random_page_cost', 'jit'].map(async (name) => {
          const row = await sql<{ setting: string }>`select current_setting(${name}) as setting`.execute(db);
          return [name, row.rows[0]!.setting] as const;
        }),
      ),
    );
    const scale = (
      await sql<{ units: number; unit_versions: number; tree_rows: number; orders: number; bytes: number }>`
        select (select count(*) from unit) as units, (select count(*) from unit_version) as unit_versions,
          (select count(*) from unit_tree) as tree_rows, (select count(*) from reorg_order) as orders,
          pg_database_size(current_database()) as bytes`.execute(db)
    ).rows[0]!;

    const rootId = unitIds[tree.central]!;
    const measurements = await measureReads(db, ctx.rules, engine, rootId, options);
    if (memberCount > 0) {
      const memberCtx = { ...ctx, today: () => options.today };
      measurements.push(
        ...(await measureMemberReads(
          memberCtx,
          engine,
          rootId,
          {
            iterations: options.memberIterations,
            warmup: options.memberWarmup,
            today: options.today,
            pastFrom: PAST_FROM,
            pastTo: PAST_TO,
            seed: SEED,
          },
          log,
        )),
      );
    }
    const eventLoop = engine === 'pglite' ? await probeEventLoop(db) : null;
    if (memberCount > 0) {
      // Last, as they change today's tree: the reads above all see the same 34 provinces.
      const live = await sql<{ id: number }>`
        select unit_id as id from unit_tree where valid @> ${options.today}::date`.execute(db);
      const memberOrders = await applyMergersWithMembers(
        { ...ctx, today: () => options.today },
        tree,
        unitIds,
        options.today,
        new Set(live.rows.map((r) => r.id)),
        SEED,
      );
      for (const o of memberOrders) log(`${engine}: ${o.title}: ${o.ms.toFixed(0)} ms`);
      orders.push(...memberOrders);
    }
    log(`${engine}: appending ${options.auditEvents} audit events, then verifying the chain`);
    const audit = options.auditEvents > 0 ? await benchAuditChain(db, options.auditEvents, unitIds) : null;
    if (audit) log(`${engine}: audit verify ${audit.verifyMs.join(', ')} ms`);
    // Every member of the organization out as CSV, streamed (before the import adds some): first
    // the columns of a register sheet, then every column (the membership dates cost lookups per member).
    const exports: ExportBench[] = [];
    if (memberCount > 0)
      for (const columns of [REGISTER_SHEET_COLUMNS, undefined])
        exports.push(
          await benchExport(ctx, {
            today: options.today,
            format: 'csv',
            ...(columns && { columns }),
            log: (m) => log(`${engine}: ${m}`),
          }),
        );
    // Last: it adds members to the register every measurement above read.
    const imports =
      options.importRows[engine] > 0
        ? await benchImport(ctx, {
            rows: options.importRows[engine],
            seed: SEED,
            today: options.today,
            log: (m) => log(`${engine}: ${m}`),
          })
        : null;
    return {
      engine,
      version,
      settings,
      scale: {
        units: Number(scale.units),
        unitVersions: Number(scale.unit_versions),
        treeRows: Number(scale.tree_rows),
        orders: Number(scale.orders),
        databaseBytes: Number(scale.bytes),
      },
      generation: { ...generation, migrateMs },
      orders,
      reused: reuse,
      members,
      memberRollups,
      measurements,
      eventLoop,
      audit,
      imports,
      exports,
    };
  } finally {
    await cleanup();
  }
}

async function main(): Promise<void> {
  const options = readOptions(process.env);
  if (!options.engines.includes('postgres') && !options.databaseUrl)
    log('DATABASE_URL is not set: PostgreSQL server run skipped');
  const cpus = os.cpus();
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGiB: os.totalmem() / 2 ** 30,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: {
      units: options.units,
      iterations: options.iterations,
      warmup: WARMUP,
      seed: SEED,
      today: options.today,
      members: options.members,
      memberIterations: options.memberIterations,
      memberWarmup: options.memberWarmup,
    },
    engines: [],
  };
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const engine of options.engines) {
    const result = await runEngine(engine, options);
    results.engines.push(result);
    fs.writeFileSync(
      path.join(options.outDir, `results-${engine}.json`),
      `${JSON.stringify({ ...results, engines: [result] }, null, 2)}\n`,
    );
  }
  fs.writeFileSync(path.join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  fs.writeFileSync(path.join(options.outDir, 'RESULTS.md'), `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
  log(`results written to ${options.outDir}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
