import { randomBytes } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { anonymisedName, ChildWorker } from '../../../models/ChildWorker.js';
import { Claim, ClaimLine } from '../../../models/Claim.js';
import { Contract } from '../../../models/Contract.js';
import { Engagement } from '../../../models/Engagement.js';
import { Organisation, StoredFile } from '../../../models/index.js';
import { RETENTION_KINDS, RetentionAction, RetentionHold, type RetentionKind, RetentionRule } from '../../../models/Retention.js';
import { beijingDay, now, today } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import { addMonths } from '../../services/calendar.js';
import { BlobNotFoundError, type BlobStore } from '../../services/storage/index.js';

/**
 * The retention of personal data after a contract ends (#20, PIPL art. 21; DOMAIN.md "Children's
 * personal information"). For each kind the administrator's rule gives a period in months after the
 * contract's completion or termination; once it has passed, and while no legal hold stands on the
 * contract, the nightly job (server/housekeeping.ts, once a day across the servers) removes that
 * kind of the contract's personal data for good:
 * - `workerNumbers`: each child worker the contract engaged or claimed for is anonymised (name, ID
 *   number and its blind index, phone) once they have left post (the registry is the bureau's and
 *   still needs a worker in post) and every contract that used them is past this period and not
 *   held; until then they are counted as kept and looked at again each night;
 * - `receiptImages`: the bytes of the claims' receipts are deleted from the store; the row stays
 *   (size, SHA-256, the claim line with its amount, date and 发票 key are financial records);
 * - `organisationContacts`: the organisation's contact person (name, phone, e-mail) is erased once
 *   no contract of the organisation still runs, waits or is held.
 * Amounts, 发票 keys, dates, the ledger and the audit trail are never touched: the trail holds
 * personal numbers only masked (services/audit.ts masks every detail), and rewriting an event
 * would break its hash. What was done goes to the trail (`retention.apply`, counts only) and to
 * `retention_actions`, one row per contract and kind; a kind with nothing kept is finished and
 * never looked at again, so running twice changes nothing.
 */

/** The periods in force, by kind. */
export async function retentionMonths(): Promise<Record<RetentionKind, number>> {
  const rows = await RetentionRule.findAll();
  const months = { workerNumbers: 12, receiptImages: 36, organisationContacts: 24 } as Record<RetentionKind, number>;
  for (const r of rows) months[r.kind] = r.months;
  return months;
}

/** The day a contract ended (completion or termination), in Beijing; null while it runs. */
export function endedOn(contract: Pick<Contract, 'status' | 'endedAt' | 'termEnd'>): string | null {
  if (contract.status !== 'completed' && contract.status !== 'terminated') return null;
  return contract.endedAt ? beijingDay(new Date(contract.endedAt)) : contract.termEnd;
}

/** The day a kind of the contract's personal data becomes due for removal; null while the contract runs. */
export function retentionDueOn(contract: Pick<Contract, 'status' | 'endedAt' | 'termEnd'>, months: number): string | null {
  const ended = endedOn(contract);
  return ended ? addMonths(ended, months) : null;
}

type Outcome = { removed: number; kept: number; ids: number[] };

/** What the round looks at: every contract's due days and holds, once. */
type Round = {
  day: string;
  months: Record<RetentionKind, number>;
  held: Set<number>;
  contracts: Map<number, Contract>;
  store: BlobStore;
};

/** Whether a contract's data of `kind` may go today: ended, past its period, not held. */
function clear(round: Round, contractId: number, kind: RetentionKind): boolean {
  const c = round.contracts.get(contractId);
  if (!c || round.held.has(contractId)) return false;
  const due = retentionDueOn(c, round.months[kind]);
  return due !== null && due <= round.day;
}

/** The mark an anonymised worker's ID number shows where a masked number stood. */
export const ANONYMISED_MASK = '******';

async function workerNumbers(contract: Contract, round: Round, transaction: Transaction): Promise<Outcome> {
  const where = { contractId: contract.id };
  const ids = new Set<number>([
    ...(await Engagement.findAll({ where, attributes: ['childWorkerId'], transaction })).map((e) => e.childWorkerId),
    ...(await Claim.findAll({ where, attributes: ['childWorkerId'], transaction })).map((c) => c.childWorkerId),
  ]);
  const out: Outcome = { removed: 0, kept: 0, ids: [] };
  for (const id of [...ids].sort((a, b) => a - b)) {
    const worker = await ChildWorker.findByPk(id, { transaction, lock: rowLock() });
    if (!worker || worker.anonymisedAt) continue;
    const used = new Set<number>([
      ...(await Engagement.findAll({ where: { childWorkerId: id }, attributes: ['contractId'], transaction })).map((e) => e.contractId),
      ...(await Claim.findAll({ where: { childWorkerId: id }, attributes: ['contractId'], transaction })).map((c) => c.contractId),
    ]);
    if (worker.status !== 'inactive' || ![...used].every((c) => clear(round, c, 'workerNumbers'))) {
      out.kept += 1;
      continue;
    }
    await worker.update(
      {
        name: anonymisedName(worker.id),
        idNumberEnc: '',
        // A random value in the blind index's place: unique, and no number's keyed hash will ever meet it.
        idNumberIndex: randomBytes(32).toString('hex'),
        idNumberMasked: ANONYMISED_MASK,
        phoneEnc: null,
        phoneMasked: null,
        anonymisedAt: now(),
        lockVersion: worker.lockVersion + 1,
      },
      { transaction },
    );
    out.removed += 1;
    out.ids.push(worker.id);
  }
  return out;
}

/** The receipts of a contract's claims still held: the lines' files and any earlier upload owned by the claims. */
async function receiptsOf(contractId: number, transaction?: Transaction): Promise<StoredFile[]> {
  const claims = (await Claim.findAll({ where: { contractId }, attributes: ['id'], transaction })).map((c) => c.id);
  if (claims.length === 0) return [];
  const lines = await ClaimLine.findAll({ where: { claimId: claims }, attributes: ['receiptFileId'], transaction });
  return StoredFile.findAll({
    where: {
      deletedAt: null,
      [Op.or]: [{ id: lines.map((l) => l.receiptFileId) }, { kind: 'receipt', ownerType: 'claim', ownerId: claims }],
    },
    order: [['id', 'ASC']],
    transaction,
  });
}

async function organisationContacts(contract: Contract, round: Round, transaction: Transaction): Promise<Outcome> {
  const org = await Organisation.findByPk(contract.organisationId, { transaction, lock: rowLock() });
  if (!org || (org.contactName == null && org.contactPhone == null && org.contactEmail == null)) return { removed: 0, kept: 0, ids: [] };
  const others = await Contract.findAll({ where: { organisationId: org.id }, attributes: ['id'], transaction });
  if (!others.every((c) => clear(round, c.id, 'organisationContacts'))) return { removed: 0, kept: 1, ids: [] };
  await org.update({ contactName: null, contactPhone: null, contactEmail: null, lockVersion: org.lockVersion + 1 }, { transaction });
  return { removed: 1, kept: 0, ids: [org.id] };
}

/** Deletes a file's bytes; a key the store never held (or no longer holds) is gone already. */
async function removeBytes(store: BlobStore, key: string): Promise<void> {
  try {
    await store.delete(key);
  } catch (err) {
    if (!(err instanceof BlobNotFoundError)) throw err;
  }
}

export type RetentionRound = { contracts: number; removed: Record<RetentionKind, number>; kept: Record<RetentionKind, number> };

/**
 * Records what was done to one kind of a contract: the first time (even with nothing to remove,
 * so the page shows it done) and whenever something was removed, as an audit event of the
 * contract with counts and record ids only.
 */
async function recordAction(contract: Contract, kind: RetentionKind, dueOn: string, outcome: Outcome, transaction: Transaction): Promise<boolean> {
  const existing = await RetentionAction.findOne({ where: { contractId: contract.id, kind }, transaction, lock: rowLock() });
  if (existing && outcome.removed === 0 && existing.kept === outcome.kept) return false;
  if (existing) await existing.update({ removed: existing.removed + outcome.removed, kept: outcome.kept, doneAt: now() }, { transaction });
  else await RetentionAction.create({ contractId: contract.id, kind, dueOn, doneAt: now(), removed: outcome.removed, kept: outcome.kept }, { transaction });
  if (existing && outcome.removed === 0) return true;
  await recordAudit({
    actor: null,
    action: 'retention.apply',
    recordType: 'contract',
    recordId: contract.id,
    districtId: contract.districtId,
    detail: { kind, dueOn, removed: outcome.removed, kept: outcome.kept, ids: outcome.ids },
  });
  return true;
}

/**
 * One round of the retention job for `day` (today by the app's clock): every ended contract's kinds
 * that are due, not held and not finished. Receipt bytes are deleted from the store before their
 * rows are marked (deleting is idempotent, so a round cut short between the two finishes the next
 * night); everything else of a contract and kind changes in one transaction with its audit event.
 */
export async function applyRetention(store: BlobStore, day: string = today()): Promise<RetentionRound> {
  const months = await retentionMonths();
  const ended = await Contract.findAll({ where: { status: ['completed', 'terminated'] } });
  const round: Round = {
    day,
    months,
    store,
    held: new Set((await RetentionHold.findAll({ attributes: ['contractId'] })).map((h) => h.contractId)),
    contracts: new Map(ended.map((c) => [c.id, c])),
  };
  const finished = new Set((await RetentionAction.findAll({ where: { kept: 0 } })).map((a) => `${a.contractId}:${a.kind}`));
  const result: RetentionRound = {
    contracts: 0,
    removed: { workerNumbers: 0, receiptImages: 0, organisationContacts: 0 },
    kept: { workerNumbers: 0, receiptImages: 0, organisationContacts: 0 },
  };
  for (const contract of ended) {
    let touched = false;
    for (const kind of RETENTION_KINDS) {
      const dueOn = retentionDueOn(contract, months[kind]);
      if (!dueOn || !clear(round, contract.id, kind) || finished.has(`${contract.id}:${kind}`)) continue;
      if (kind === 'receiptImages') {
        if (await RetentionHold.findByPk(contract.id)) continue;
        for (const file of await receiptsOf(contract.id)) await removeBytes(store, file.storageKey);
      }
      const changed = await withTransaction(async (transaction) => {
        // The hold is read again inside the transaction: one placed while the round ran wins.
        if (await RetentionHold.findByPk(contract.id, { transaction, lock: rowLock() })) return false;
        let outcome: Outcome;
        if (kind === 'workerNumbers') outcome = await workerNumbers(contract, round, transaction);
        else if (kind === 'organisationContacts') outcome = await organisationContacts(contract, round, transaction);
        else {
          const files = await receiptsOf(contract.id, transaction);
          for (const f of files) await f.update({ deletedAt: now(), originalName: `receipt-${f.id}` }, { transaction });
          outcome = { removed: files.length, kept: 0, ids: files.map((f) => f.id) };
        }
        result.removed[kind] += outcome.removed;
        result.kept[kind] += outcome.kept;
        return recordAction(contract, kind, dueOn, outcome, transaction);
      });
      touched ||= changed;
    }
    if (touched) result.contracts += 1;
  }
  return result;
}
