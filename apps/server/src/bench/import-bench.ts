import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { addDays, addMonths, type IsoDate } from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { localOperator } from '../modules/access/actor.js';
import { commitImport, getImport, uploadImport, validateImport } from '../modules/imports/imports.service.js';
import { personName } from './names.js';
import { Prng } from './prng.js';

/**
 * The validated import of a members file, end to end (issue 5), against the raw COPY of the same
 * rows into a bare table on the same engine and a naive GROUP BY over the register — so each
 * number is a ratio that means something on a noisy machine.
 */
export interface ImportBench {
  rows: number;
  fileBytes: number;
  /** COPY of the file's rows, as text, into a table with no index (the floor no import can beat). */
  rawCopyMs: number;
  uploadMs: number;
  validateMs: number;
  commitMs: number;
  /** Upload + validate + commit. */
  totalMs: number;
  rowsPerSecond: number;
  rawCopyRowsPerSecond: number;
  /** The largest resident set seen while importing, and before it started. */
  peakRssBytes: number;
  baseRssBytes: number;
  /** `select unit_id, count(*) … group by unit_id` over today's spans, the naive roll-up. */
  groupByMs: number;
  membersBefore: number;
}

const HEADER = [
  'Họ và tên',
  'Giới tính',
  'Ngày sinh',
  'Số CCCD',
  'Chi bộ',
  'Ngày vào Đảng',
  'Ngày lễ kết nạp',
  'Ngày chính thức',
  'Nghề nghiệp',
];

/** Writes a file of members spread over the cells standing today, with dates the statute accepts. */
async function writeFile(
  ctx: AppContext,
  file: string,
  rows: number,
  seed: number,
  today: IsoDate,
): Promise<void> {
  const cells = await sql<{ code: string; since: string }>`
    select v.code, to_char(greatest(lower(t.valid), '2000-01-01'::date), 'YYYY-MM-DD') as since
    from unit_tree t join unit_version v on v.unit_id = t.unit_id and v.superseded_at is null and v.valid @> ${today}::date
    where t.valid @> ${today}::date and upper_inf(t.valid)
      and v.kind = any(${[...ctx.rules.members.pack.memberUnitKinds]}::text[])
      and lower(t.valid) < ${addDays(today, -800)}::date
    order by v.code`.execute(ctx.db);
  if (cells.rows.length === 0) throw new Error('import bench: no cell stands today');
  const rng = new Prng(seed);
  const out = fs.createWriteStream(file);
  const dmy = (d: IsoDate) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  out.write(HEADER.join(';') + '\n');
  for (let i = 0; i < rows; i += 1) {
    const cell = rng.pick(cells.rows);
    const span = Math.max(1, (Date.parse(addDays(today, -400)) - Date.parse(cell.since)) / 86_400_000);
    const admitted = addDays(cell.since, rng.int(1, Math.floor(span)));
    const sex = rng.chance(0.5) ? 'male' : 'female';
    const born = addDays(addMonths(admitted, -12 * rng.int(20, 45)), -rng.int(0, 300));
    const ceremony = addDays(admitted, rng.int(5, 20));
    const official = addDays(addMonths(ceremony, 12), rng.int(1, 25));
    const line = [
      personName(rng, sex, 0.04),
      sex === 'male' ? 'Nam' : 'Nữ',
      dmy(born),
      `IMP${seed}-${i}`,
      cell.code,
      dmy(admitted),
      dmy(ceremony),
      official <= today ? dmy(official) : '',
      'Kỹ sư',
    ];
    if (!out.write(line.join(';') + '\n'))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Times COPY of the file's rows as they are into a bare table: the engine's floor for loading them. */
async function rawCopy(ctx: AppContext, file: string): Promise<number> {
  await sql`create table bench_raw_copy (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text)`.execute(
    ctx.db,
  );
  const columns = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'];
  try {
    const t = performance.now();
    await ctx.bulk(async (s) => {
      let batch: string[][] = [];
      let header = true;
      for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
        if (header || !line) {
          header = false;
          continue;
        }
        batch.push(line.split(';'));
        if (batch.length === 50_000) {
          await s.copy('bench_raw_copy', columns, batch);
          batch = [];
        }
      }
      await s.copy('bench_raw_copy', columns, batch);
    });
    return performance.now() - t;
  } finally {
    await sql`drop table bench_raw_copy`.execute(ctx.db);
  }
}

export async function benchImport(
  ctx: AppContext,
  options: { rows: number; seed: number; today: IsoDate; log: (m: string) => void },
): Promise<ImportBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-bench-import-'));
  const file = path.join(dir, 'members.csv');
  const runCtx: AppContext = { ...ctx, today: () => options.today, config: { ...ctx.config, dataDir: dir } };
  try {
    await writeFile(runCtx, file, options.rows, options.seed, options.today);
    const fileBytes = fs.statSync(file).size;
    options.log(
      `import: ${options.rows.toLocaleString('en-US')} rows (${(fileBytes / 2 ** 20).toFixed(0)} MB) written`,
    );
    const membersBefore = Number(
      (await sql<{ n: string }>`select count(*) as n from member`.execute(ctx.db)).rows[0]!.n,
    );
    let t = performance.now();
    const groupBy = await sql`select unit_id, count(*) from member_span
      where valid @> ${options.today}::date and status in ('probationary', 'official') group by unit_id`.execute(
      ctx.db,
    );
    const groupByMs = performance.now() - t;
    void groupBy;

    global.gc?.();
    const baseRssBytes = process.memoryUsage().rss;
    let peakRssBytes = baseRssBytes;
    const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 50);
    const actor = localOperator('bench');
    try {
      t = performance.now();
      const job = await uploadImport(runCtx, actor, {
        entity: 'members',
        fileName: 'members.csv',
        unitId: null,
        body: fs.createReadStream(file),
      });
      const uploadMs = performance.now() - t;
      t = performance.now();
      const validation = await validateImport(runCtx, actor, job.id, {});
      await validation.done;
      const validateMs = performance.now() - t;
      const checked = await getImport(runCtx, actor, job.id, 'en');
      if (checked.status !== 'validated')
        throw new Error(
          `import bench: the file did not validate (${checked.status}, ${checked.problemCount} problems)`,
        );
      options.log(`import: validated in ${validateMs.toFixed(0)} ms`);
      t = performance.now();
      const commit = await commitImport(runCtx, actor, job.id);
      await commit.done;
      const commitMs = performance.now() - t;
      const done = await getImport(runCtx, actor, job.id, 'en');
      if (done.status !== 'committed') throw new Error(`import bench: the commit ended ${done.status}`);
      const totalMs = uploadMs + validateMs + commitMs;
      options.log(`import: committed in ${commitMs.toFixed(0)} ms`);
      clearInterval(sampler);
      // After the import, so its memory is measured alone.
      const rawCopyMs = await rawCopy(runCtx, file);
      options.log(`import: raw COPY ${rawCopyMs.toFixed(0)} ms`);
      return {
        rows: options.rows,
        fileBytes,
        rawCopyMs,
        uploadMs,
        validateMs,
        commitMs,
        totalMs,
        rowsPerSecond: (options.rows / totalMs) * 1000,
        rawCopyRowsPerSecond: (options.rows / rawCopyMs) * 1000,
        peakRssBytes,
        baseRssBytes,
        groupByMs,
        membersBefore,
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
