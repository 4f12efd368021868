import { CONTRACT_TRANSITIONS, type Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { withTransaction } from '../../db.js';
import { keepsContractsOf } from '../../policies/contract.js';
import type { Versioned } from '../../schemas/common.js';
import type { ContractTermsForm } from '../../schemas/contracts.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition, checkVersion, lockedContract } from '../kernel.js';
import { carryMilestoneConditions } from '../deliverables/milestoneConditions.js';
import { checkNumber, checkTerms, termsOf, writeInstalments, writeTargets } from './contractTerms.js';
import { contractCategoryYear } from '../../services/service-categories.js';

/**
 * Edits a draft in place (409 once active: an active contract is amended, never edited; 409 with
 * the form kept when it was saved since the form was opened).
 */
export async function contractUpdater(id: number, form: Versioned<ContractTermsForm>, by: By): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'edit');
    const bump = checkVersion(contract, form._version);
    const schedule = await checkTerms(form, contract.valueFen, contractCategoryYear(contract), transaction);
    await checkNumber(form.number, contract.id, transaction);
    await contract.update({ ...termsOf(form), ...bump }, { transaction });
    await writeTargets(contract.id, form.targets, transaction);
    // The deliverable and target conditions set on the reporting page stay with the k-th instalment, as an amendment keeps them.
    const replaced = await Instalment.findAll({ where: { contractId: contract.id }, transaction });
    await Instalment.destroy({ where: { contractId: contract.id }, transaction });
    await writeInstalments(contract.id, schedule, 0, transaction);
    await carryMilestoneConditions(contract, replaced, 0, by, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.update',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: { number: contract.number, termStart: form.termStart, termEnd: form.termEnd, instalments: schedule.length, targets: form.targets.length },
      context: by.context,
    });
    return contract;
  });
}
