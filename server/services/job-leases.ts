import os from 'node:os';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { now } from '../clock.js';
import { dialectOf, getSequelize, withTransaction } from '../db.js';

/**
 * Scheduled jobs' leases (job_leases, migration 20261203000100): several app servers share one
 * database, and the one whose conditional UPDATE moves a job's `next_due_at` on runs it.
 */

/** This process among the app servers sharing the database: host and pid, as a lease records it. */
export const PROCESS_NAME = `${os.hostname()}:${process.pid}`.slice(0, 128);

/**
 * An instant as the lease columns hold it, milliseconds kept (a Date replacement loses them on
 * MySQL, which would let a second claim in the same second through): UTC, as Sequelize writes a
 * DATE on either database.
 */
function leaseTime(at: Date): string {
  const text = at.toISOString().replace('T', ' ').replace('Z', '');
  return dialectOf() === 'sqlite' ? `${text} +00:00` : text;
}

/**
 * Claims this interval's run of the scheduled job `name` for `owner`: true for exactly one of
 * any number of processes (servers) asking against the same database while the job is due; the
 * winner moves `next_due_at` one interval on, so the others' conditional UPDATE matches no row
 * until then. A job's row is made the first time it is asked for (due at once).
 */
export async function claimJob(name: string, intervalMs: number, owner: string = PROCESS_NAME): Promise<boolean> {
  const at = leaseTime(now());
  const next = leaseTime(new Date(now().getTime() + intervalMs));
  const update = () =>
    withTransaction((transaction) =>
      getSequelize().query('UPDATE job_leases SET next_due_at = ?, claimed_by = ?, claimed_at = ? WHERE name = ? AND next_due_at <= ?', {
        replacements: [next, owner, at, name, at],
        type: QueryTypes.BULKUPDATE,
        transaction,
      }),
    );
  if ((await update()) === 1) return true;
  const [row] = await getSequelize().query('SELECT name FROM job_leases WHERE name = ?', { replacements: [name], type: QueryTypes.SELECT });
  if (row) return false;
  try {
    await withTransaction((transaction) =>
      getSequelize().query('INSERT INTO job_leases (name, next_due_at) VALUES (?, ?)', { replacements: [name, at], type: QueryTypes.INSERT, transaction }),
    );
  } catch (err) {
    // Another server made the row first: the UPDATE below decides between us.
    if (!(err instanceof UniqueConstraintError)) throw err;
  }
  return (await update()) === 1;
}

/**
 * Red flag rounds hold this lease while they run (#17), the nightly one and one an inspector asks
 * for, so two never run at once; a round that dies holding it frees it after the TTL.
 */
export const RED_FLAGS_RUNNING = 'red_flags_running';
export const RED_FLAGS_RUNNING_TTL_MS = 30 * 60 * 1000;

/** Gives back the lease `name` that `owner` holds, due again at once (nothing if another holds it). */
export async function releaseJob(name: string, owner: string = PROCESS_NAME): Promise<void> {
  const at = leaseTime(now());
  await withTransaction((transaction) =>
    getSequelize().query('UPDATE job_leases SET next_due_at = ? WHERE name = ? AND claimed_by = ?', {
      replacements: [at, name, owner],
      type: QueryTypes.BULKUPDATE,
      transaction,
    }),
  );
}
