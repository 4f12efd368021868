import { Op } from 'sequelize';
import { CONTRACT_TRANSITIONS, type Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { balance } from '../../services/ledger.js';
import { uncommitTo } from './contractCommitments.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { projectTransitioner } from '../projects/projectTransitioner.js';

/**
 * Terminates an active contract with a reason (422 without), in one transaction under the
 * contract's lock: what is committed and not paid (`contract_committed:<id>`) goes back to the
 * allocations it came from (`uncommit`, the last committed first), every instalment not paid
 * becomes `cancelled`, and the audit event records why and how much was released.
 */
export async function contractTerminator(id: number, reason: string, by: By): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'terminate');
    if (!reason.trim()) throw new ValidationError({ reason: 'validation.required' });
    const unpaidFen = await balance('contract_committed', contract.id, transaction);
    const released = await uncommitTo(contract, unpaidFen, by.actor.id, transaction);
    const [cancelled] = await Instalment.update(
      { status: 'cancelled' },
      { where: { contractId: contract.id, status: { [Op.notIn]: ['paid', 'cancelled'] } }, transaction },
    );
    await contract.update({ status: 'terminated', endedBy: by.actor.id, endedAt: now(), endReason: reason.trim() }, { transaction });
    // The purchase is over once its contract ends: the project is closed with it.
    await projectTransitioner(contract.projectId, 'close', { actor: by.actor, context: by.context });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.terminate',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: {
        number: contract.number,
        reason: reason.trim(),
        releasedFen: unpaidFen,
        releasedTo: released,
        cancelledInstalments: cancelled,
        status: { from: 'active', to: 'terminated' },
      },
      context: by.context,
    });
    return contract;
  });
}
