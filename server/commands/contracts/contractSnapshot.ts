import { Op, type Transaction } from 'sequelize';
import { ARTICLE_23_FIELDS, type Contract } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import type { ContractSnapshot } from '../../../models/ContractVersion.js';
import { Instalment } from '../../../models/Instalment.js';

/** What the art. 23 texts are on the contract row (missing ones as null). */
export function textsOf(contract: Contract): Record<string, string | null> {
  return Object.fromEntries(ARTICLE_23_FIELDS.map((f) => [f, contract[f] ?? null]));
}

/** The snapshot a version keeps of the contract's terms in force. */
export async function snapshotOf(contract: Contract, transaction: Transaction): Promise<ContractSnapshot> {
  const targets = await ContractTarget.findAll({ where: { contractId: contract.id }, order: [['id', 'ASC']], transaction });
  const instalments = await Instalment.findAll({
    where: { contractId: contract.id, status: { [Op.ne]: 'cancelled' } },
    order: [['seq', 'ASC']],
    transaction,
  });
  return {
    valueFen: contract.valueFen,
    reimbursementCeilingFen: contract.reimbursementCeilingFen,
    termStart: contract.termStart,
    termEnd: contract.termEnd,
    termJustification: contract.termJustification ?? null,
    texts: textsOf(contract),
    targets: targets.map((t) => ({ categoryCode: t.categoryCode, metric: t.metric, targetCount: t.targetCount })),
    instalments: instalments.map((i) => ({
      seq: i.seq,
      amountFen: i.amountFen,
      milestone: i.milestone,
      dueOn: i.dueOn ?? null,
      requiresFinalEvaluation: i.requiresFinalEvaluation,
      status: i.status,
    })),
  };
}
