import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../db/engine.js';
import { verifyAudit } from '../audit/audit.service.js';

/**
 * An import killed at any moment leaves the register exactly as before or exactly as after
 * (BRIEF: "a crash or kill during an import … never in between"), and `--resume` finishes it
 * without writing anyone twice. The real command runs in a child process that is sent SIGKILL at a
 * random point of its run; the database is then opened and checked, on the engine under test.
 */
vi.setConfig({ testTimeout: 600_000 });

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(SERVER, 'bin/rollbook.js');
const ROWS = 1500;
const TRIALS = 3;

let work: string;
let target: string[];
let url: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;

/** The compiled command must be the code under test: rebuilt when a source file is newer. */
function ensureBuilt(): void {
  const built = path.join(SERVER, 'dist/cli.js');
  const stamp = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const newer = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > stamp;
    });
  if (newer(path.join(SERVER, 'src')) || newer(path.join(SERVER, '../../packages/domain/src')))
    execFileSync('npm', ['run', 'build', '-w', '@rollbook/domain', '-w', '@rollbook/server'], {
      cwd: path.join(SERVER, '../..'),
      stdio: 'ignore',
    });
}

beforeAll(async () => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-kill-'));
  if (process.env.DATABASE_URL) {
    const name = `rollbook_kill_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    target = ['--database-url', url];
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    target = ['--data-dir', path.join(work, 'data')];
  }
  const demo = await run(['demo']);
  expect(demo.code, demo.err).toBe(0);
});

afterAll(async () => {
  await dropDatabase?.();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs the command in a child process; `killAfterMs` sends it SIGKILL then. */
function run(
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; killed: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ROLLBOOK_TIME_ZONE: 'UTC' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [BIN, ...target, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let killed = false;
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, killed: killed && code === null, out, err });
    });
  });
}

function csv(trial: number): string {
  const file = path.join(work, `members-${trial}.csv`);
  const rows = ['Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày chính thức;Ngày sinh;Giới tính'];
  for (let i = 0; i < ROWS; i += 1)
    rows.push(
      `Thử Nghiệm ${trial}-${i};AG-MHH-AP1;02/09/2025;16/09/2025;16/09/2026;0${(i % 9) + 1}/05/1990;${i % 2 ? 'Nam' : 'Nữ'}`,
    );
  fs.writeFileSync(file, rows.join('\n'));
  return file;
}

interface State {
  members: number;
  records: number;
  membersWithoutSpans: number;
  committed: number;
  lastJob: { id: number; status: string } | undefined;
  auditOk: boolean;
}

async function state(): Promise<State> {
  const handle = await openDatabase(url ? { databaseUrl: url } : { dataDir: path.join(work, 'data') });
  try {
    const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(handle.db)).rows[0]!.n;
    const jobs = await sql<{
      id: number;
      status: string;
    }>`select id, status from import_job order by id desc limit 1`.execute(handle.db);
    return {
      members: await one(sql<{ n: number }>`select count(*)::int as n from member`),
      records: await one(sql<{ n: number }>`select count(*)::int as n from member_record`),
      membersWithoutSpans: await one(
        sql<{
          n: number;
        }>`select count(*)::int as n from member m where not exists (select 1 from member_span s where s.member_id = m.id)`,
      ),
      committed: await one(
        sql<{ n: number }>`select count(*)::int as n from import_job where status = 'committed'`,
      ),
      lastJob: jobs.rows[0],
      auditOk: (await verifyAudit(handle.db)).ok,
    };
  } finally {
    await handle.close();
  }
}

describe('an import killed at any moment', () => {
  it('leaves the register as before or as after, and --resume finishes it once', async () => {
    // A first import, uninterrupted, times the whole run.
    let before = await state();
    const started = Date.now();
    const full = await run(['import', csv(0)]);
    const runMs = Date.now() - started;
    expect(full.code, full.err).toBe(0);
    let after = await state();
    expect(after.members).toBe(before.members + ROWS);

    for (let trial = 1; trial <= TRIALS; trial += 1) {
      before = after;
      // Anywhere from start-up to just past the usual end of the run.
      const delay = Math.round(runMs * (0.2 + 0.9 * Math.random()));
      const killed = await run(['import', csv(trial)], delay);
      const seen = await state();
      const where = `trial ${trial}: killed after ${delay} ms of a ${runMs} ms run (${killed.killed ? 'killed' : 'finished'})`;
      expect([before.members, before.members + ROWS], where).toContain(seen.members);
      expect(seen.records, where).toBe(seen.members);
      expect(seen.membersWithoutSpans, where).toBe(0);
      expect(seen.auditOk, where).toBe(true);
      expect(seen.committed, where).toBe(before.committed + (seen.members > before.members ? 1 : 0));

      if (seen.members === before.members && seen.lastJob && seen.lastJob.id > (before.lastJob?.id ?? 0)) {
        const resumed = await run(['import', '--resume', String(seen.lastJob.id)]);
        expect(resumed.code, `${where}: ${resumed.err}`).toBe(0);
      } else if (seen.members === before.members) {
        // Killed before the upload was recorded: the file is imported from the start.
        const again = await run(['import', csv(trial)]);
        expect(again.code, `${where}: ${again.err}`).toBe(0);
      }
      after = await state();
      expect(after.members, where).toBe(before.members + ROWS);
      // Once more: the same file writes nobody twice.
      const twice = await run(['import', csv(trial)]);
      expect(twice.code, `${where}: ${twice.err}`).toBe(0);
      expect(twice.out, where).toContain('imported before');
      const members = after.members;
      after = await state();
      expect(after.members, where).toBe(members);
    }
  });
});
