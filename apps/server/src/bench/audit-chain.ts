import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { verifyAudit } from '../modules/audit/audit.service.js';
import type { Db } from '../modules/units/units.repository.js';

export interface AuditBench {
  events: number;
  insertMs: number;
  /** Each run of `verifyAudit` over the whole chain. */
  verifyMs: number[];
  ok: boolean;
}

const BATCH = 20_000;

/**
 * Appends `count` events to the chain — each hashed exactly as `recordAudit` does (SHA-256 of the
 * previous hash and the body text) — then times full verifications of the whole chain.
 */
export async function benchAuditChain(
  db: Db,
  count: number,
  unitIds: readonly number[],
  runs = 3,
): Promise<AuditBench> {
  const head = (
    await sql<{
      seq: number;
      hash: Buffer;
    }>`select seq, hash from audit_event order by seq desc limit 1`.execute(db)
  ).rows[0];
  let seq = head?.seq ?? 0;
  let prev: Buffer | null = head?.hash ?? null;
  const started = performance.now();
  const at = Date.parse('2026-01-01T00:00:00Z');
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    const seqs: number[] = [];
    const bodies: string[] = [];
    const prevs: Array<Buffer | null> = [];
    const hashes: Buffer[] = [];
    for (let i = 0; i < size; i++) {
      seq += 1;
      const unit = unitIds[seq % unitIds.length]!;
      const body = JSON.stringify({
        v: 1,
        at: new Date(at + seq * 1000).toISOString(),
        actor: { id: null, name: 'bench' },
        requestId: null,
        source: 'bench',
        action: 'member.update',
        entity: { type: 'member', id: String(seq) },
        unitIds: [unit],
        decision: null,
        changes: { phone: ['0901 234 567', '0912 345 678'] },
      });
      const hash = createHash('sha256')
        .update(prev ?? Buffer.alloc(0))
        .update(body, 'utf8')
        .digest();
      seqs.push(seq);
      bodies.push(body);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await sql`insert into audit_event (seq, body, prev_hash, hash)
      select * from unnest(${seqs}::bigint[], ${bodies}::text[], ${prevs}::bytea[], ${hashes}::bytea[])`.execute(
      db,
    );
  }
  if (prev) {
    await sql`insert into audit_head (seq, hash) values (${seq}, ${prev})
      on conflict (only_row) do update set seq = excluded.seq, hash = excluded.hash`.execute(db);
  }
  const insertMs = performance.now() - started;
  await sql`analyze audit_event`.execute(db);
  const verifyMs: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const report = await verifyAudit(db);
    verifyMs.push(report.milliseconds);
    ok &&= report.ok;
  }
  return { events: count + (head?.seq ?? 0), insertMs, verifyMs, ok };
}
