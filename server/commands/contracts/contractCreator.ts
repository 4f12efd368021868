import { Op } from 'sequelize';
import { Award } from '../../../models/Award.js';
import { Contract } from '../../../models/Contract.js';
import { Project } from '../../../models/Project.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { keepsContractsOf } from '../../policies/contract.js';
import type { ContractTermsForm } from '../../schemas/contracts.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { checkNumber, checkTerms, termsOf, writeInstalments, writeTargets } from './contractTerms.js';
import { categoryYearFor } from '../../services/service-categories.js';

/** A contract is written for an awarded project only (409 before the award or after it is contracted). */
export function checkAwarded(project: Project): void {
  if (project.status !== 'awarded') throw new ConflictError('contracts.errors.projectNotAwarded', { status: project.status });
}

/**
 * Writes a draft contract for an AWARDED project of the officer's district, with the award's
 * organisation and amount as its value (409 when the project is not awarded or already has a
 * contract in force; 404 outside the officer's district). Term, targets and schedule are checked
 * (422 beside the fields).
 */
export async function contractCreator(projectId: number, form: ContractTermsForm, by: By): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const project = await Project.findByPk(projectId, { transaction, lock: rowLock() });
    if (!project || !keepsContractsOf(by.actor, project.districtId)) throw new NotFoundError();
    checkAwarded(project);
    const open = await Contract.findOne({ where: { projectId, status: { [Op.in]: ['draft', 'active'] } }, attributes: ['id'], transaction });
    if (open) throw new ConflictError('contracts.errors.projectHasContract');
    const award = await Award.findOne({ where: { activeProjectId: projectId }, transaction });
    if (!award) throw new ConflictError('contracts.errors.projectNotAwarded', { status: project.status });
    // The contract buys the service categories of its year's published version, and keeps them (#21).
    const categoryYear = await categoryYearFor(project.year, transaction);
    const schedule = await checkTerms(form, award.amountFen, categoryYear, transaction);
    await checkNumber(form.number, 0, transaction);
    const contract = await Contract.create(
      {
        ...termsOf(form),
        projectId,
        awardId: award.id,
        organisationId: award.organisationId,
        districtId: project.districtId,
        year: project.year,
        categoryYear,
        valueFen: award.amountFen,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await writeTargets(contract.id, form.targets, transaction);
    await writeInstalments(contract.id, schedule, 0, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
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
