import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds the data folder, as written in its lock file. */
interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

/**
 * PGlite has no lock of its own: a second process opening the same folder hangs and loses writes
 * (research/stack.md §1.4, pglite issue #1106). This lock file refuses the second process with the
 * name of the first.
 */
export class DataDirLock {
  /** Folders this process holds: a lock naming our own pid is ours only if we took it. */
  private static readonly held = new Set<string>();

  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'rollbook.lock');
    const me: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      command: process.argv
        .slice(1)
        .map((a) => path.basename(a))
        .join(' '),
      startedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
        DataDirLock.held.add(file);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(file);
        if (holder && isAlive(holder, DataDirLock.held.has(file))) {
          throw new Error(
            `The data folder ${dataDir} is in use by process ${holder.pid} on ${holder.host} ` +
              `(“${holder.command}”, started ${holder.startedAt}). Stop that process first, ` +
              `or point ROLLBOOK_DATA_DIR at another folder.`,
          );
        }
        // The holder is gone (killed, crashed): the lock is stale and may be taken over.
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`Could not lock the data folder ${dataDir}.`);
  }

  release(): void {
    DataDirLock.held.delete(this.file);
    fs.rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function isAlive(holder: LockHolder, heldHere: boolean): boolean {
  if (holder.host !== os.hostname()) return true; // Another machine on a shared folder: assume it is running.
  // Our own pid: ours if we took it; otherwise a previous run that had the same pid (pid 1 in a
  // container restarted after a crash) left it behind.
  if (holder.pid === process.pid) return heldHere;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
