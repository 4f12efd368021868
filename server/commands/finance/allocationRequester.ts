import { Op, type Transaction } from 'sequelize';
import { Allocation, type AllocationFunds } from '../../../models/Allocation.js';
import { ALLOWANCE_FUND, BudgetLine, LOTTERY_FUND } from '../../../models/BudgetLine.js';
import { District } from '../../../models/index.js';
import { Project } from '../../../models/Project.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { budgetLineScope } from '../../policies/finance.js';
import { type Actor, districtScope } from '../../policies/index.js';
import type { AllocationForm } from '../../schemas/allocations.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** Projects that may still receive money. */
const OPEN_PROJECT = ['planning', 'tendering', 'awarded', 'contracted'];

/**
 * Lottery money may not pay basic running costs (深民〔2019〕81号 section 四(二)): the request
 * says what it funds, and this rule is checked against the line's fund source.
 */
export function fundsAllowed(fundSource: string, funds: AllocationFunds): boolean {
  return !(fundSource === LOTTERY_FUND && funds === 'basic_running_costs');
}

/**
 * The checks of a request, also when a draft is edited: the project is in the officer's scope and
 * still open; the line is one the officer sees, of the project's year, and of the project's
 * district or the city's own; lottery money never funds basic running costs. Field errors (422).
 */
export async function checkRequest(form: AllocationForm, actor: Actor, transaction: Transaction): Promise<{ project: Project; line: BudgetLine }> {
  const project = await Project.findOne({ where: { [Op.and]: [districtScope(actor), { id: form.projectId }] }, transaction });
  if (!project) throw new ValidationError({ projectId: 'finance.errors.unknownProject' });
  if (!OPEN_PROJECT.includes(project.status)) throw new ValidationError({ projectId: 'finance.errors.projectClosed' });
  const line = await BudgetLine.findOne({ where: { [Op.and]: [budgetLineScope(actor), { id: form.budgetLineId }] }, transaction });
  if (!line) throw new ValidationError({ budgetLineId: 'finance.errors.unknownLine' });
  const lineDistrict = await District.findByPk(line.districtId, { transaction });
  if (line.districtId !== project.districtId && lineDistrict?.kind !== 'city') {
    throw new ValidationError({ budgetLineId: 'finance.errors.lineOtherDistrict' });
  }
  if (line.year !== project.year) throw new ValidationError({ budgetLineId: 'finance.errors.lineYear' });
  // Allowance money pays child workers' allowances only, through their monthly lists (#21).
  if (line.fundSource === ALLOWANCE_FUND) throw new ValidationError({ budgetLineId: 'finance.errors.allowanceLine' });
  if (!fundsAllowed(line.fundSource, form.funds)) throw new ValidationError({ funds: 'finance.errors.lotteryRunningCosts' });
  if (form.amount <= 0) throw new ValidationError({ amount: 'finance.errors.amountPositive' });
  return { project, line };
}

/**
 * An officer requests an amount of a budget line for a project, as a draft (see `checkRequest`).
 * No money moves until finance approves.
 */
export async function allocationRequester(form: AllocationForm, by: By): Promise<Allocation> {
  return withTransaction(async (transaction) => {
    const { project, line } = await checkRequest(form, by.actor, transaction);
    const allocation = await Allocation.create(
      {
        budgetLineId: line.id,
        projectId: project.id,
        districtId: project.districtId,
        lineDistrictId: line.districtId,
        year: line.year,
        fundSource: line.fundSource,
        amountFen: form.amount,
        purpose: form.purpose,
        funds: form.funds,
        requestedBy: by.actor.id,
        submittedAt: null,
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        releasedBy: null,
        releasedAt: null,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.create',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { budgetLineId: line.id, projectId: project.id, amountFen: allocation.amountFen, funds: allocation.funds },
      context: by.context,
    });
    return allocation;
  });
}
