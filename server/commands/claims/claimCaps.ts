import { Op, type Transaction } from 'sequelize';
import { ClaimCap, type ClaimKind } from '../../../models/Claim.js';
import { rowLock } from '../../db.js';

/** The monthly cap of `kind` for the contract: its own when set, else the city default. */
export async function capsOf(contractId: number, transaction?: Transaction): Promise<Record<ClaimKind, number> & { own: boolean }> {
  const rows = await ClaimCap.findAll({ where: { [Op.or]: [{ contractId }, { contractId: null }] }, transaction });
  const pick = (kind: ClaimKind) =>
    (rows.find((r) => r.kind === kind && r.contractId === contractId) ?? rows.find((r) => r.kind === kind && r.contractId === null))?.capFen ?? 0;
  return { transport: pick('transport'), communication: pick('communication'), own: rows.some((r) => r.contractId === contractId) };
}

/**
 * The version of a set of caps (the city default's, `contractId` null, or a contract's own) that
 * its form carries (kernel `checkVersion`): every save moves each row of the set on, so the sum of
 * their versions moves on with each save; a set not yet saved is version 0.
 */
export function capsVersionOf(rows: readonly ClaimCap[]): number {
  return rows.reduce((sum, r) => sum + r.lockVersion, 0);
}

/** The rows of a set of caps: the city default's (`contractId` null) or a contract's own; `locked` under the row lock. */
export function capsRowsOf(contractId: number | null, transaction?: Transaction, locked = false): Promise<ClaimCap[]> {
  return ClaimCap.findAll({ where: { contractId: contractId === null ? { [Op.is]: null } : contractId }, transaction, lock: locked ? rowLock() : undefined });
}
