import { Allocation, type AllocationFunds, type AllocationStatus } from '../../models/Allocation.js';
import { BudgetLine, type FundSource } from '../../models/BudgetLine.js';
import { Agency, District, type User } from '../../models/index.js';
import { Project, type ProjectStatus } from '../../models/Project.js';
import { lockedBudgetLine } from '../../server/commands/finance/financeLocks.js';
import { withTransaction } from '../../server/db.js';
import type { Actor } from '../../server/policies/index.js';
import { legsOf, post } from '../../server/services/ledger.js';
import { buildUser, district, unique } from './index.js';

let lastYear = 2000;
/** A year no other finance test uses: one line per year, district and fund source. */
export function financeYear(): number {
  lastYear += 1;
  return lastYear;
}

/**
 * A budget line written with its funding movement (funding → line_available), in 福田 unless
 * told, of a fresh year, ¥100,000.00 of the general budget by default.
 */
export async function buildBudgetLine(
  attrs: {
    districtCode?: string;
    year?: number;
    fundSource?: FundSource;
    amountFen?: number;
    lotteryTotalFen?: number;
    lotteryTargetBp?: number;
    creator?: User;
  } = {},
): Promise<BudgetLine> {
  const d = await district(attrs.districtCode ?? 'FT');
  const creator = attrs.creator ?? (await buildUser('finance', { districtCode: d.code })).user;
  const fundSource = attrs.fundSource ?? 'general_budget';
  const lottery = fundSource === 'welfare_lottery_fund';
  return withTransaction(async (transaction) => {
    const line = await BudgetLine.create(
      {
        year: attrs.year ?? financeYear(),
        districtId: d.id,
        fundSource,
        financeAgencyId: null,
        name: `测试预算${unique()}`,
        amountFen: attrs.amountFen ?? 10_000_000,
        lotteryTotalFen: lottery ? (attrs.lotteryTotalFen ?? 100_000_000) : null,
        lotteryTargetBp: lottery ? (attrs.lotteryTargetBp ?? 1_000) : null,
        createdBy: creator.id,
      },
      { transaction },
    );
    await post('fund', legsOf('fund', line.id, line.id, line.amountFen), { recordType: 'budget_line', recordId: line.id, createdBy: creator.id }, transaction);
    return line;
  });
}

/** A project written straight to the table, for the money tests (in 福田 unless told). */
export async function buildFinanceProject(attrs: { districtCode?: string; year: number; status?: ProjectStatus; creator?: User }): Promise<Project> {
  const d = await district(attrs.districtCode ?? 'FT');
  const creator = attrs.creator ?? (await buildUser('officer', { districtCode: d.code })).user;
  const agency = await Agency.findOne({ where: { districtId: d.id, kind: 'civil_affairs' } });
  return Project.create({
    year: attrs.year,
    districtId: d.id,
    agencyId: agency!.id,
    title: `困境儿童关爱服务项目${unique()}`,
    targetGroup: '辖区困境儿童约 300 名',
    budgetFen: 10_000_000,
    procurementMethod: 'open',
    status: attrs.status ?? 'planning',
    createdBy: creator.id,
  });
}

/**
 * An allocation in `status` (draft by default). An approved (or released) one has its money moved
 * in the ledger as approval moves it; a released one has it moved back. Without a line or a
 * project, both are built (a general-budget line with room for the amount).
 */
export async function buildAllocation(
  attrs: {
    status?: AllocationStatus;
    line?: BudgetLine;
    project?: Project;
    requester?: User;
    amountFen?: number;
    funds?: AllocationFunds;
    districtCode?: string;
  } = {},
): Promise<Allocation> {
  const amountFen = attrs.amountFen ?? 1_000_000;
  const line = attrs.line ?? (await buildBudgetLine({ districtCode: attrs.districtCode, amountFen: Math.max(amountFen, 10_000_000) }));
  const project =
    attrs.project ?? (await buildFinanceProject({ year: line.year, districtCode: attrs.districtCode ?? (await districtCodeOf(line.districtId)) }));
  const requester = attrs.requester ?? (await buildUser('officer', { districtCode: await districtCodeOf(project.districtId) })).user;
  const status = attrs.status ?? 'draft';
  const at = new Date();
  const decided = ['approved', 'rejected', 'released'].includes(status);
  return withTransaction(async (transaction) => {
    await lockedBudgetLine(line.id, transaction);
    const allocation = await Allocation.create(
      {
        budgetLineId: line.id,
        projectId: project.id,
        districtId: project.districtId,
        lineDistrictId: line.districtId,
        year: line.year,
        fundSource: line.fundSource,
        amountFen,
        purpose: '购买家庭探访服务',
        funds: attrs.funds ?? 'service_purchase',
        status,
        requestedBy: requester.id,
        submittedAt: status === 'draft' ? null : at,
        decidedBy: null,
        decidedAt: decided ? at : null,
        decisionReason: status === 'rejected' ? '预算不足' : null,
        releasedBy: null,
        releasedAt: status === 'released' ? at : null,
      },
      { transaction },
    );
    const ctx = { recordType: 'allocation', recordId: allocation.id, createdBy: requester.id };
    if (status === 'approved' || status === 'released') {
      await post('allocate', legsOf('allocate', line.id, allocation.id, amountFen), ctx, transaction);
    }
    if (status === 'released') {
      await post('release', legsOf('release', allocation.id, line.id, amountFen), ctx, transaction);
      await allocation.update({ releasedFen: amountFen }, { transaction });
    }
    return allocation;
  });
}

async function districtCodeOf(districtId: number): Promise<string> {
  return (await District.findByPk(districtId))!.code;
}

/** The actor a command sees for `user` (as the session would make it). */
export function actorOf(user: User, cityLevel = false): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    districtId: user.districtId,
    cityLevel,
    agencyId: user.agencyId,
    organisationId: user.organisationId,
    mustChangePassword: false,
  };
}
