import { Op, type Transaction } from 'sequelize';
import { ClaimCap, type ClaimKind } from '../../../models/Claim.js';

/** The monthly cap of `kind` for the contract: its own when set, else the city default. */
export async function capsOf(contractId: number, transaction?: Transaction): Promise<Record<ClaimKind, number> & { own: boolean }> {
  const rows = await ClaimCap.findAll({ where: { [Op.or]: [{ contractId }, { contractId: null }] }, transaction });
  const pick = (kind: ClaimKind) =>
    (rows.find((r) => r.kind === kind && r.contractId === contractId) ?? rows.find((r) => r.kind === kind && r.contractId === null))?.capFen ?? 0;
  return { transport: pick('transport'), communication: pick('communication'), own: rows.some((r) => r.contractId === contractId) };
}
