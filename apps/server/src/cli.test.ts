import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli.js';

// The CLI runs here against its own embedded database folder, as a user would run it.
let dir: string;
let savedUrl: string | undefined;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-cli-'));
  savedUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
});
afterAll(() => {
  if (savedUrl) process.env.DATABASE_URL = savedUrl;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await runCli([
      'node',
      'rollbook',
      '--data-dir',
      path.join(dir, 'data'),
      '--time-zone',
      'UTC',
      ...args,
    ]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('rollbook CLI', () => {
  it('loads the demo and reads the tree as of a date, as text and as JSON', async () => {
    expect((await cli('demo')).code).toBe(0);
    const top = await cli('--json', 'units', 'list');
    expect(top.code).toBe(0);
    const [central] = JSON.parse(top.out);
    expect(central.code).toBe('TW');
    const before = JSON.parse(
      (await cli('--json', 'units', 'list', '--parent', String(central.id), '--as-of', '2025-06-30')).out,
    );
    const after = JSON.parse(
      (await cli('--json', 'units', 'list', '--parent', String(central.id), '--as-of', '2025-07-01')).out,
    );
    expect(before.map((u: { name: string }) => u.name)).toContain('Đảng bộ tỉnh Kiên Giang');
    expect(after.map((u: { name: string }) => u.name)).not.toContain('Đảng bộ tỉnh Kiên Giang');
    const change = await cli(
      'units',
      'figures',
      String(central.id),
      '--as-of',
      '2025-07-01',
      '--compare-with',
      '2025-06-30',
    );
    expect(change.out).toContain('Province-level committee');
    expect(change.out).toMatch(/2025-07-01\s+order #\d+/);
  });

  it('creates, previews and applies an order from a file', async () => {
    const found = JSON.parse((await cli('--json', 'units', 'list', '--search', 'tram y te')).out);
    const orderFile = path.join(dir, 'order.json');
    fs.writeFileSync(
      orderFile,
      JSON.stringify({
        effectiveDate: '2026-01-01',
        operations: [{ type: 'dissolve', unitId: found[0].id }],
      }),
    );
    const draft = JSON.parse((await cli('--json', 'reorg', 'create', orderFile)).out);
    expect(draft.state).toBe('draft');
    // The demo renames this cell on 2027-01-01: dissolving it earlier would cut across that order.
    const refused = await cli('reorg', 'apply', String(draft.id));
    expect(refused.code).toBe(5);
    expect(refused.err).toContain('later_change_conflict');

    // A file is checked like a request body: an unknown operation is named, and nothing is drafted.
    fs.writeFileSync(
      orderFile,
      JSON.stringify({ effectiveDate: '2026-01-01', operations: [{ type: 'dissolv', unitId: 1 }] }),
    );
    const malformed = await cli('reorg', 'create', orderFile);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('operations.0');
    // A preview that finds broken rules says so and exits with 4.
    fs.writeFileSync(
      orderFile,
      JSON.stringify({
        effectiveDate: '2026-01-01',
        operations: [{ type: 'move', unitId: found[0].id, parentId: found[0].id }],
      }),
    );
    const broken = await cli('reorg', 'preview', orderFile);
    expect(broken.code).toBe(4);
    expect(broken.out).toContain('(cycle)');
  });

  it('answers bad input with a clear message in the language asked and a meaningful exit code', async () => {
    const badDate = await cli('--lang', 'vi', 'units', 'list', '--as-of', '2025-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain('phải là một ngày hợp lệ');
    const missing = await cli('units', 'show', '99999');
    expect(missing.code).toBe(3);
  });
});

describe('rollbook user and audit', () => {
  it('creates the first administrator without any default password, and verifies the audit chain', async () => {
    process.env.ROLLBOOK_PASSWORD = 'short';
    const weak = await cli('user', 'create', 'admin', '--name', 'Quản trị', '--admin');
    expect(weak.code).toBe(2);
    expect(weak.err).toContain('password');
    process.env.ROLLBOOK_PASSWORD = 'a long enough secret';
    try {
      const made = await cli('--json', 'user', 'create', 'admin', '--name', 'Quản trị', '--admin');
      expect(made.code).toBe(0);
      expect(JSON.parse(made.out).username).toBe('admin');
      expect((await cli('user', 'create', 'Admin', '--name', 'Again', '--admin')).code).toBe(5);
      const clerk = await cli(
        'user',
        'create',
        'clerk',
        '--name',
        'Văn thư',
        '--role',
        'viewer',
        '--unit',
        'everywhere',
      );
      expect(clerk.code).toBe(0);
    } finally {
      delete process.env.ROLLBOOK_PASSWORD;
    }
    const listed = JSON.parse((await cli('--json', 'user', 'list')).out);
    expect(listed.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'clerk']),
    );
    expect((await cli('user', 'deactivate', 'clerk')).code).toBe(0);

    const verified = await cli('--json', 'audit', 'verify');
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.out);
    expect(report).toMatchObject({ ok: true, broken: null });
    expect(report.events).toBeGreaterThan(5);
    const anchored = await cli('audit', 'verify', '--anchor', `${report.head.seq}:${report.head.hash}`);
    expect(anchored.code).toBe(0);
    expect(anchored.out).toContain('intact');
    const wrongAnchor = await cli('audit', 'verify', '--anchor', `${report.head.seq}:${'0'.repeat(64)}`);
    expect(wrongAnchor.code).toBe(7);
    const events = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'user.create')).out);
    expect(events.map((e: { actor: { name: string } }) => e.actor.name)[0]).toMatch(/^cli:/);
  });
});

describe('rollbook api', () => {
  it('calls a remote server with an API token and maps its problems to exit codes', async () => {
    const { createTestContext, buildSmallTree } = await import('./test/test-context.js');
    const { signedInUser } = await import('./test/test-app.js');
    const { buildApp } = await import('./http/app.js');
    const { ctx, handle } = await createTestContext();
    const app = await buildApp(ctx, { serveWeb: false });
    try {
      const tree = await buildSmallTree(ctx);
      const viewer = await signedInUser(ctx, [{ role: 'viewer', unitId: tree.commune }]);
      const made = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: viewer.headers,
        payload: { name: 'cli' },
      });
      const server = await app.listen({ port: 0, host: '127.0.0.1' });
      process.env.ROLLBOOK_TOKEN = made.json().secret;
      const top = await cli('api', 'GET', '/api/v1/units?parentId=root', '--server', server);
      expect(top.code).toBe(0);
      expect(JSON.parse(top.out).items.map((u: { id: number }) => u.id)).toEqual([tree.commune]);
      const outside = await cli(
        '--lang',
        'vi',
        'api',
        'GET',
        `/api/v1/units/${tree.province}`,
        '--server',
        server,
      );
      expect(outside.code).toBe(3);
      expect(outside.err).toContain('không tồn tại');
      process.env.ROLLBOOK_TOKEN = 'rbk_not-a-token';
      expect((await cli('api', 'GET', '/api/v1/session', '--server', server)).code).toBe(6);
    } finally {
      delete process.env.ROLLBOOK_TOKEN;
      await app.close();
      await handle.close();
    }
  });
});
