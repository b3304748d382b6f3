import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLock } from './data-dir-lock.js';

const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('data folder lock', () => {
  it('refuses a second opener and names the process holding the folder', () => {
    const dir = tempDir();
    const lock = DataDirLock.acquire(dir);
    expect(() => DataDirLock.acquire(dir)).toThrow(
      new RegExp(`in use by process ${process.pid} on ${os.hostname()}`),
    );
    lock.release();
    DataDirLock.acquire(dir).release();
  });

  it('takes over a lock left by an earlier run that had the same pid (pid 1 in a restarted container)', () => {
    const dir = tempDir();
    const earlier = {
      pid: process.pid,
      host: os.hostname(),
      command: 'rollbook serve',
      startedAt: '2026-01-01T00:00:00Z',
    };
    fs.writeFileSync(path.join(dir, 'rollbook.lock'), JSON.stringify(earlier));
    const lock = DataDirLock.acquire(dir);
    expect(() => DataDirLock.acquire(dir)).toThrow(/in use/);
    lock.release();
  });

  it('takes over the lock of a process that no longer runs', () => {
    const dir = tempDir();
    // A pid above the kernel's maximum (4,194,304) cannot be running.
    const stale = {
      pid: 99_999_999,
      host: os.hostname(),
      command: 'rollbook serve',
      startedAt: '2026-01-01T00:00:00Z',
    };
    fs.writeFileSync(path.join(dir, 'rollbook.lock'), JSON.stringify(stale));
    const lock = DataDirLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'rollbook.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(path.join(dir, 'rollbook.lock'))).toBe(false);
  });
});
