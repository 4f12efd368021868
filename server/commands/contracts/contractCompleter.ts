import { Op } from 'sequelize';
import { CONTRACT_TRANSITIONS, type Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { balance } from '../../services/ledger.js';
import { uncommitTo } from './contractCommitments.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { projectTransitioner } from '../projects/projectTransitioner.js';

/**
 * Completes an active contract once every instalment and approved claim is paid (409 while one is open), under the
 * contract's lock; whatever is still committed and unpaid goes back to its allocations.
 */
export async function contractCompleter(id: number, by: By): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'complete');
    const open = await Instalment.count({ where: { contractId: contract.id, status: { [Op.notIn]: ['paid', 'cancelled'] } }, transaction });
    if (open > 0) throw new ConflictError('contracts.errors.instalmentsOpen', { count: open });
    // An approved claim's amount is committed until it is paid: releasing it would leave the claim unpayable.
    const openClaims = await Payment.count({ where: { contractId: contract.id, kind: 'claim', status: 'approved' }, transaction });
    if (openClaims > 0) throw new ConflictError('contracts.errors.claimPaymentsOpen', { count: openClaims });
    const unpaidFen = await balance('contract_committed', contract.id, transaction);
    const released = await uncommitTo(contract, unpaidFen, by.actor.id, transaction);
    await contract.update({ status: 'completed', endedBy: by.actor.id, endedAt: now() }, { transaction });
    // The purchase is over once its contract ends: the project is closed with it.
    await projectTransitioner(contract.projectId, 'close', { actor: by.actor, context: by.context });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.complete',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { number: contract.number, releasedFen: unpaidFen, releasedTo: released, status: { from: 'active', to: 'completed' } },
      context: by.context,
    });
    await recordRelease(contract.projectId, ['contractTermination'], transaction);
    return contract;
  });
}
