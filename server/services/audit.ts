import { createHash } from 'node:crypto';
import { Op, Transaction } from 'sequelize';
import { AuditEvent, AuditHead } from '../../models/index.js';
import { now } from '../clock.js';
import { dialectOf, withTransaction } from '../db.js';
import { findPersonalNumbers } from './identifiers.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Who did something, as the audit trail records it. */
export type AuditActor = { id: number; username: string; role: string } | null;

/** The request context an event carries: where it came from. */
export type AuditContext = { ip?: string | null; requestId?: string | null };

export type AuditInput = {
  actor: AuditActor;
  action: string;
  recordType?: string | null;
  recordId?: string | number | null;
  districtId?: number | null;
  /** What changed, already masked: never passwords or full personal numbers. */
  detail?: Record<string, unknown> | null;
  context?: AuditContext;
};

type Hashed = Omit<AuditEvent['_creationAttributes'], 'hash' | 'id'>;

/**
 * A last line of defence for "before/after (masked)" (DOMAIN.md): any ID or mobile number left in
 * a detail's text (a search typed by the user, a reason written in free text) is stored masked.
 */
export function maskingPersonalNumbers(_key: string, value: unknown): unknown {
  // Digests (a file's SHA-256) are no numbers of a person, though a run of their digits may look like one.
  if (typeof value !== 'string' || /^[0-9a-f]{32,}$/i.test(value)) return value;
  const found = findPersonalNumbers(value);
  if (found.length === 0) return value;
  let out = '';
  let from = 0;
  for (const f of found) {
    if (f.start < from) continue;
    out += value.slice(from, f.start) + f.masked;
    from = f.end;
  }
  return out + value.slice(from);
}

/** The hash of an event: SHA-256 over the previous hash and every recorded column. */
export function eventHash(e: Hashed): string {
  const canonical = JSON.stringify([
    e.prevHash,
    e.seq,
    e.at instanceof Date ? e.at.toISOString() : new Date(e.at).toISOString(),
    e.actorId ?? null,
    e.actorName ?? null,
    e.actorRole ?? null,
    e.action,
    e.recordType ?? null,
    e.recordId ?? null,
    e.districtId ?? null,
    e.detail ?? null,
    e.ip ?? null,
    e.requestId ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends an event to the chain inside the caller's transaction (or a new one), so the event
 * exists exactly when the change it records does. The chain's head row is read under lock, which
 * serialises appends on MySQL; SQLite's writes are serialised already.
 */
export async function recordAudit(input: AuditInput): Promise<AuditEvent> {
  return withTransaction(async (transaction) => {
    const head = await AuditHead.findByPk(1, {
      transaction,
      lock: dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined,
    });
    if (!head) throw new Error('audit_heads has no row: migrations did not run');
    const at = now();
    const fields: Hashed = {
      seq: head.lastSeq + 1,
      at,
      actorId: input.actor?.id ?? null,
      actorName: input.actor?.username ?? null,
      actorRole: input.actor?.role ?? null,
      action: input.action,
      recordType: input.recordType ?? null,
      recordId: input.recordId == null ? null : String(input.recordId),
      districtId: input.districtId ?? null,
      detail: input.detail ? JSON.stringify(input.detail, maskingPersonalNumbers) : null,
      ip: input.context?.ip ?? null,
      requestId: input.context?.requestId ?? null,
      prevHash: head.lastHash,
    };
    const hash = eventHash(fields);
    const event = await AuditEvent.create({ ...fields, hash }, { transaction });
    await AuditHead.update({ lastSeq: fields.seq, lastHash: hash }, { where: { id: 1 }, transaction });
    return event;
  });
}

/** Why a chain does not hold: an event missing, a link or a hash that does not match, or a head that is not the last event. */
export type ChainBreak = 'missing' | 'link' | 'hash' | 'head';

export type ChainReport = { ok: true; count: number; lastSeq: number } | { ok: false; count: number; brokenAt: number; reason: string; code: ChainBreak };

/**
 * Walks the chain in order, in pages, and names the first event whose hash or link does not
 * hold, or a gap where events were removed, or a head that no longer matches the last event.
 */
export async function verifyAuditChain(pageSize = 1000): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const page = await AuditEvent.findAll({
      where: { seq: { [Op.gte]: expectedSeq } },
      order: [['seq', 'ASC']],
      limit: pageSize,
    });
    for (const e of page) {
      if (e.seq !== expectedSeq) {
        return { ok: false, count, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing`, code: 'missing' };
      }
      if (e.prevHash !== prevHash) {
        return { ok: false, count, brokenAt: e.seq, reason: 'its link to the previous event does not match', code: 'link' };
      }
      if (eventHash(e.get({ plain: true })) !== e.hash) {
        return { ok: false, count, brokenAt: e.seq, reason: 'its contents do not match its hash', code: 'hash' };
      }
      prevHash = e.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < pageSize) break;
  }
  const head = await AuditHead.findByPk(1);
  if (!head || head.lastSeq !== expectedSeq - 1 || head.lastHash !== prevHash) {
    return {
      ok: false,
      count,
      brokenAt: expectedSeq,
      reason: `the chain's head says event ${head?.lastSeq ?? '?'}, the last event found is ${expectedSeq - 1}`,
      code: 'head',
    };
  }
  return { ok: true, count, lastSeq: expectedSeq - 1 };
}
