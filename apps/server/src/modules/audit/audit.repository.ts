import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Db } from '../units/units.repository.js';

/**
 * Appends one event to the chain. The advisory lock serializes writers from the moment they read
 * the head until their transaction ends, so two transactions can never both extend the same head
 * (and the primary key on seq would refuse a fork even if they tried).
 */
export async function appendEvent(
  trx: Transaction<Database>,
  body: string,
): Promise<{ seq: number; hash: string }> {
  await sql`select pg_advisory_xact_lock(hashtext('rollbook.audit_chain'))`.execute(trx);
  const row = await sql<{ seq: number; hash: Buffer }>`
    insert into audit_event (seq, body, prev_hash, hash)
    select coalesce(head.seq, 0) + 1, ${body}, head.hash,
      sha256(coalesce(head.hash, ''::bytea) || convert_to(${body}, 'UTF8'))
    from (select 1) one
    left join (select seq, hash from audit_event order by seq desc limit 1) head on true
    returning seq, hash`.execute(trx);
  const appended = row.rows[0]!;
  await sql`insert into audit_head (seq, hash) values (${appended.seq}, ${appended.hash})
    on conflict (only_row) do update set seq = excluded.seq, hash = excluded.hash`.execute(trx);
  return { seq: appended.seq, hash: appended.hash.toString('hex') };
}

export interface ChainCheck {
  events: number;
  head: { seq: number; hash: string } | null;
  broken: { seq: number; problem: 'hash' | 'link' | 'gap' | 'truncated' } | null;
}

/**
 * Checks the whole chain in one pass inside the database: every body hashes to its stored hash,
 * every event points at the hash of the one before, and no sequence number is missing.
 */
export async function checkChain(db: Db): Promise<ChainCheck> {
  const result = await sql<{
    events: number;
    head_seq: number | null;
    head_hash: string | null;
    bad_seq: number | null;
    problem: 'hash' | 'link' | 'gap';
  }>`
    with checked as (
      select seq, hash,
        hash = sha256(coalesce(prev_hash, ''::bytea) || convert_to(body, 'UTF8')) as hash_ok,
        prev_hash is not distinct from lag(hash) over w as link_ok,
        seq = coalesce(lag(seq) over w, 0) + 1 as seq_ok
      from audit_event
      window w as (order by seq)
    ), first_bad as (
      select seq, case when not seq_ok then 'gap' when not link_ok then 'link' else 'hash' end as problem
      from checked where not (hash_ok and link_ok and seq_ok) order by seq limit 1
    )
    select (select count(*) from audit_event)::int as events,
      (select seq from audit_event order by seq desc limit 1) as head_seq,
      (select encode(hash, 'hex') from audit_event order by seq desc limit 1) as head_hash,
      (select seq from first_bad) as bad_seq,
      (select problem from first_bad) as problem`.execute(db);
  const r = result.rows[0]!;
  const kept = (
    await sql<{ seq: number; hash: string }>`select seq, encode(hash, 'hex') as hash from audit_head`.execute(
      db,
    )
  ).rows[0];
  // The kept head must be the chain's last event: events removed from the end show up here.
  const truncated = !!kept && (kept.seq !== r.head_seq || kept.hash !== r.head_hash);
  return {
    events: r.events,
    head: r.head_seq === null ? null : { seq: r.head_seq, hash: r.head_hash! },
    broken:
      r.bad_seq !== null
        ? { seq: r.bad_seq, problem: r.problem }
        : truncated
          ? { seq: Math.min(kept.seq, (r.head_seq ?? 0) + 1), problem: 'truncated' }
          : null,
  };
}

export async function findEventHash(db: Db, seq: number): Promise<string | undefined> {
  const row = await sql<{
    hash: string;
  }>`select encode(hash, 'hex') as hash from audit_event where seq = ${seq}`.execute(db);
  return row.rows[0]?.hash;
}
