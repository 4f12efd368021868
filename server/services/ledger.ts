import { randomUUID } from 'node:crypto';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { type AccountType, LedgerEntry, type Movement } from '../../models/LedgerEntry.js';
import { now } from '../clock.js';
import { getSequelize } from '../db.js';

/**
 * The money ledger (DOMAIN.md "Payment": budget line → allocation → contract → paid). Every
 * movement is a set of legs that sum to zero; rows are only appended: this module has no update
 * or delete, and every balance a page shows is a sum over it.
 *
 * Accounts: `funding:<lineId>` (where a line's money comes from: the only account that goes
 * negative), `line_available:<lineId>`, `allocation:<allocationId>`,
 * `contract_committed:<contractId>`, `paid:<contractId>`; and for child workers' allowances (#21),
 * which go from a line of the allowance fund source straight to a month's list:
 * `allowance_committed:<listId>` (approved, not yet paid) and `allowance_paid:<listId>`.
 */
export type Leg = { accountType: AccountType; accountId: number; amountFen: number };

/** What a movement is about and who made it. */
export type LedgerContext = {
  recordType: string;
  recordId: number;
  createdBy: number | null /** When it moved: the clock's now unless a seeder of demo history says otherwise. */;
  at?: Date;
};

/** Which account each movement takes money from and which it gives it to. */
export const MOVEMENT_SHAPES: Record<Movement, { from: AccountType; to: AccountType }> = {
  fund: { from: 'funding', to: 'line_available' },
  defund: { from: 'line_available', to: 'funding' },
  allocate: { from: 'line_available', to: 'allocation' },
  release: { from: 'allocation', to: 'line_available' },
  commit: { from: 'allocation', to: 'contract_committed' },
  uncommit: { from: 'contract_committed', to: 'allocation' },
  pay: { from: 'contract_committed', to: 'paid' },
  allowance_commit: { from: 'line_available', to: 'allowance_committed' },
  allowance_pay: { from: 'allowance_committed', to: 'allowance_paid' },
};

/** A movement the ledger refuses: unbalanced, of the wrong shape, or overdrawing an account. */
export class LedgerError extends Error {
  constructor(
    message: string,
    readonly account?: { accountType: AccountType; accountId: number; balanceFen: number; neededFen: number },
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** Two legs of `amountFen` moving money the way `movement` does: `from` loses it, `to` gets it. */
export function legsOf(movement: Movement, fromId: number, toId: number, amountFen: number): Leg[] {
  const shape = MOVEMENT_SHAPES[movement];
  return [
    { accountType: shape.from, accountId: fromId, amountFen: -amountFen },
    { accountType: shape.to, accountId: toId, amountFen },
  ];
}

/**
 * The balance of one account, summed from the ledger (inside `transaction` when given).
 * On MySQL the caller must have locked the row that owns the account (the budget line, the
 * allocation's line, the contract) before the first plain read of its transaction, so the
 * REPEATABLE READ snapshot this sum reads starts after every earlier movement committed.
 */
export async function balance(accountType: AccountType, accountId: number, transaction?: Transaction): Promise<number> {
  const sum = await LedgerEntry.sum('amountFen', { where: { accountType, accountId }, transaction });
  return Number(sum ?? 0);
}

/** The balances of one owner's accounts of several types added up, in one read (locked as for `balance`). */
export async function balanceAcross(accountTypes: readonly AccountType[], accountId: number, transaction?: Transaction): Promise<number> {
  const sum = await LedgerEntry.sum('amountFen', { where: { accountType: { [Op.in]: [...accountTypes] }, accountId }, transaction });
  return Number(sum ?? 0);
}

/** The balances of many accounts of one type in one grouped query (for list pages). Missing ones are 0. */
export async function balances(accountType: AccountType, ids: readonly number[], transaction?: Transaction): Promise<Map<number, number>> {
  const out = new Map<number, number>(ids.map((id) => [id, 0]));
  if (ids.length === 0) return out;
  const rows = (await LedgerEntry.findAll({
    attributes: ['accountId', [getSequelize().fn('SUM', getSequelize().col('amount_fen')), 'total']],
    where: { accountType, accountId: { [Op.in]: [...new Set(ids)] } },
    group: ['accountId'],
    raw: true,
    transaction,
  })) as unknown as { accountId: number; total: number | string }[];
  for (const r of rows) out.set(Number(r.accountId), Number(r.total));
  return out;
}

/**
 * Appends one movement. Refuses (LedgerError) legs that do not sum to exactly zero, a leg of
 * zero or of a non-integer amount, an account the movement does not touch or a leg in the wrong
 * direction, and any leg that would leave an account other than `funding:*` below zero. Balances
 * are read inside `transaction`, after the caller locked the owning row (see `balance`).
 */
export async function post(movement: Movement, legs: readonly Leg[], ctx: LedgerContext, transaction: Transaction): Promise<string> {
  const shape = MOVEMENT_SHAPES[movement];
  if (!shape) throw new LedgerError(`unknown movement ${movement}`);
  if (legs.length < 2) throw new LedgerError('a movement has at least two legs');
  let total = 0;
  const deltas = new Map<string, { leg: Leg; delta: number }>();
  for (const leg of legs) {
    if (!Number.isSafeInteger(leg.amountFen) || leg.amountFen === 0) throw new LedgerError('each leg is a non-zero integer of fen');
    const expected = leg.amountFen < 0 ? shape.from : shape.to;
    if (leg.accountType !== expected) throw new LedgerError(`${movement} does not ${leg.amountFen < 0 ? 'take from' : 'give to'} ${leg.accountType}`);
    total += leg.amountFen;
    const key = `${leg.accountType}:${leg.accountId}`;
    const d = deltas.get(key) ?? { leg, delta: 0 };
    d.delta += leg.amountFen;
    deltas.set(key, d);
  }
  if (total !== 0) throw new LedgerError(`the legs of ${movement} sum to ${total}, not 0`);
  for (const { leg, delta } of deltas.values()) {
    if (leg.accountType === 'funding' || delta >= 0) continue;
    const current = await balance(leg.accountType, leg.accountId, transaction);
    if (current + delta < 0) {
      throw new LedgerError(`${leg.accountType}:${leg.accountId} would go below zero`, {
        accountType: leg.accountType,
        accountId: leg.accountId,
        balanceFen: current,
        neededFen: -delta,
      });
    }
  }
  const txn = randomUUID();
  const at = ctx.at ?? now();
  await LedgerEntry.bulkCreate(
    legs.map((leg) => ({ txn, movement, ...leg, recordType: ctx.recordType, recordId: ctx.recordId, createdBy: ctx.createdBy, createdAt: at })),
    { transaction },
  );
  return txn;
}

export type LedgerReport = { ok: true; entries: number; movements: number } | { ok: false; problem: string };

type Row = Record<string, number | string | null>;

/**
 * Proves the books balance: every movement sums to zero, no account but funding is negative,
 * each approved (or released) allocation's balance plus what was released and what is committed
 * equals its approved amount, and each budget line's funding equals its amount. Names the first
 * problem found.
 */
export async function verifyLedger(): Promise<LedgerReport> {
  const s = getSequelize();
  const q = (sql: string) => s.query<Row>(sql, { type: QueryTypes.SELECT });
  const [counts] = await q('SELECT COUNT(*) AS entries, COUNT(DISTINCT txn) AS movements FROM ledger_entries');
  const unbalanced = await q('SELECT txn, SUM(amount_fen) AS total FROM ledger_entries GROUP BY txn HAVING SUM(amount_fen) <> 0 ORDER BY MIN(id) LIMIT 1');
  if (unbalanced.length) return { ok: false, problem: `movement ${unbalanced[0].txn} sums to ${Number(unbalanced[0].total)}, not 0` };
  const negative = await q(
    "SELECT account_type, account_id, SUM(amount_fen) AS total FROM ledger_entries WHERE account_type <> 'funding' GROUP BY account_type, account_id HAVING SUM(amount_fen) < 0 ORDER BY account_type, account_id LIMIT 1",
  );
  if (negative.length) {
    const n = negative[0];
    return { ok: false, problem: `account ${n.account_type}:${n.account_id} is negative (${Number(n.total)} fen)` };
  }
  const lines = await q(
    "SELECT b.id, b.amount_fen, COALESCE(SUM(e.amount_fen), 0) AS funded FROM budget_lines b LEFT JOIN ledger_entries e ON e.account_type = 'funding' AND e.account_id = b.id GROUP BY b.id, b.amount_fen ORDER BY b.id",
  );
  for (const l of lines) {
    if (-Number(l.funded) !== Number(l.amount_fen)) {
      return { ok: false, problem: `budget line ${l.id}: funding ${-Number(l.funded)} fen does not equal its amount ${Number(l.amount_fen)} fen` };
    }
  }
  const tables = (await s.getQueryInterface().showAllTables()) as unknown[];
  const hasAllocations = tables.some((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName) === 'allocations');
  if (hasAllocations) {
    const allocations = await q(
      `SELECT a.id, a.amount_fen, a.released_fen,
        COALESCE(SUM(e.amount_fen), 0) AS bal,
        COALESCE(SUM(CASE WHEN e.movement IN ('commit', 'uncommit') THEN -e.amount_fen ELSE 0 END), 0) AS committed,
        COALESCE(SUM(CASE WHEN e.movement = 'release' THEN -e.amount_fen ELSE 0 END), 0) AS released
       FROM allocations a LEFT JOIN ledger_entries e ON e.account_type = 'allocation' AND e.account_id = a.id
       WHERE a.status IN ('approved', 'released') GROUP BY a.id, a.amount_fen, a.released_fen ORDER BY a.id`,
    );
    for (const a of allocations) {
      const sum = Number(a.bal) + Number(a.released_fen) + Number(a.committed);
      if (sum !== Number(a.amount_fen) || Number(a.released) !== Number(a.released_fen)) {
        return {
          ok: false,
          problem: `allocation ${a.id}: balance ${Number(a.bal)} + released ${Number(a.released_fen)} + committed ${Number(a.committed)} fen does not equal its approved amount ${Number(a.amount_fen)} fen`,
        };
      }
    }
  }
  if (tables.some((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName) === 'allowance_lists')) {
    const problem = await allowanceProblem(q);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, entries: Number(counts.entries), movements: Number(counts.movements) };
}

/**
 * The allowance lists against the ledger: an approved list holds its total committed and nothing
 * paid, a paid list has its total paid and nothing left committed, and any other list has no money.
 */
async function allowanceProblem(q: (sql: string) => Promise<Row[]>): Promise<string | null> {
  const lists = await q(
    `SELECT l.id, l.status, l.total_fen,
      COALESCE(SUM(CASE WHEN e.account_type = 'allowance_committed' THEN e.amount_fen ELSE 0 END), 0) AS committed,
      COALESCE(SUM(CASE WHEN e.account_type = 'allowance_paid' THEN e.amount_fen ELSE 0 END), 0) AS paid
     FROM allowance_lists l LEFT JOIN ledger_entries e ON e.account_type IN ('allowance_committed', 'allowance_paid') AND e.account_id = l.id
     GROUP BY l.id, l.status, l.total_fen ORDER BY l.id`,
  );
  for (const l of lists) {
    const total = Number(l.total_fen);
    const expected = l.status === 'approved' ? [total, 0] : l.status === 'paid' ? [0, total] : [0, 0];
    if (Number(l.committed) !== expected[0] || Number(l.paid) !== expected[1]) {
      return `allowance list ${l.id} (${l.status}): committed ${Number(l.committed)} and paid ${Number(l.paid)} fen do not match its total ${total} fen`;
    }
  }
  return null;
}
