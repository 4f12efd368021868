import { Op, type Transaction } from 'sequelize';
import { Award } from '../../../models/Award.js';
import { Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { Project } from '../../../models/Project.js';
import { withTransaction, rowLock } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { recordAudit } from '../../services/audit.js';
import type { ScheduledInstalment } from '../../services/contract-terms.js';
import { type ContractBy, type ContractTermsForm, checkContractMove, checkTerms, contractAuditActor, lockedContract, writeTargets } from './contractShared.js';

/** The row values of a draft's terms (everything but its project, award and money). */
function termsOf(form: ContractTermsForm) {
  return {
    number: form.number,
    signedOn: form.signedOn,
    termStart: form.termStart,
    termEnd: form.termEnd,
    termJustification: form.termJustification,
    content: form.content,
    quantity: form.quantity,
    qualityStandard: form.qualityStandard,
    priceTerms: form.priceTerms,
    settlementMethod: form.settlementMethod,
    rightsObligations: form.rightsObligations,
    breachLiability: form.breachLiability,
    reimbursementCeilingFen: form.reimbursementCeilingFen,
    announcementUrl: form.announcementUrl,
    announcedOn: form.announcedOn,
  };
}

/** Writes `schedule` as the contract's instalments (created in version `versionFrom`). */
export async function writeInstalments(
  contractId: number,
  schedule: readonly ScheduledInstalment[],
  versionFrom: number,
  transaction: Transaction,
  firstSeq = 1,
) {
  await Instalment.bulkCreate(
    schedule.map((s, i) => ({ contractId, ...s, seq: firstSeq + i, versionFrom })),
    { transaction },
  );
}

/** The number is unique across the system: 422 beside it otherwise. */
async function checkNumber(number: string, exceptId: number, transaction: Transaction): Promise<void> {
  if (await Contract.findOne({ where: { number, id: { [Op.ne]: exceptId } }, attributes: ['id'], transaction })) {
    throw new ValidationError({ number: 'contracts.validation.numberTaken' });
  }
}

/**
 * Writes a draft contract for an AWARDED project of the officer's district, with the award's
 * organisation and amount as its value (409 when the project is not awarded or already has a
 * contract in force; 404 outside the officer's district). Term, targets and schedule are checked
 * (422 beside the fields).
 */
export async function contractCreator(projectId: number, form: ContractTermsForm, by: ContractBy): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const project = await Project.findByPk(projectId, { transaction, lock: rowLock() });
    if (!project || !keepsContractsOf(by.actor, project.districtId)) throw new NotFoundError();
    if (project.status !== 'awarded') throw new ConflictError('contracts.errors.projectNotAwarded', { status: project.status });
    const open = await Contract.findOne({ where: { projectId, status: { [Op.in]: ['draft', 'active'] } }, attributes: ['id'], transaction });
    if (open) throw new ConflictError('contracts.errors.projectHasContract');
    const award = await Award.findOne({ where: { activeProjectId: projectId }, transaction });
    if (!award) throw new ConflictError('contracts.errors.projectNotAwarded', { status: project.status });
    const schedule = await checkTerms(form, award.amountFen, transaction);
    await checkNumber(form.number, 0, transaction);
    const contract = await Contract.create(
      {
        ...termsOf(form),
        projectId,
        awardId: award.id,
        organisationId: award.organisationId,
        districtId: project.districtId,
        year: project.year,
        valueFen: award.amountFen,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await writeTargets(contract.id, form.targets, transaction);
    await writeInstalments(contract.id, schedule, 0, transaction);
    await recordAudit({
      actor: contractAuditActor(by.actor),
      action: 'contract.create',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: {
        number: contract.number,
        projectId,
        organisationId: award.organisationId,
        valueFen: contract.valueFen,
        termStart: form.termStart,
        termEnd: form.termEnd,
      },
      context: by.context,
    });
    return contract;
  });
}

/** Edits a draft in place (409 once active: an active contract is amended, never edited). */
export async function contractUpdater(id: number, form: ContractTermsForm, by: ContractBy): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, by.actor, transaction);
    checkContractMove(contract, 'edit');
    const schedule = await checkTerms(form, contract.valueFen, transaction);
    await checkNumber(form.number, contract.id, transaction);
    await contract.update(termsOf(form), { transaction });
    await writeTargets(contract.id, form.targets, transaction);
    await Instalment.destroy({ where: { contractId: contract.id }, transaction });
    await writeInstalments(contract.id, schedule, 0, transaction);
    await recordAudit({
      actor: contractAuditActor(by.actor),
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
