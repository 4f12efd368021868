import { Op, type Transaction } from 'sequelize';
import { Agency } from '../../models/Agency.js';
import { Allocation } from '../../models/Allocation.js';
import { Award } from '../../models/Award.js';
import { BudgetLine, LOTTERY_FUND } from '../../models/BudgetLine.js';
import { Contract } from '../../models/Contract.js';
import { Deliverable } from '../../models/Deliverable.js';
import { District } from '../../models/District.js';
import { Evaluation, GRADES, type Grade } from '../../models/Evaluation.js';
import { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import { Organisation } from '../../models/Organisation.js';
import { Project } from '../../models/Project.js';
import { balances } from './ledger.js';

/** One project the lottery fund paid for, as the announcement lists it. */
export type AnnouncedProject = {
  title: string;
  ocid: string | null;
  organisation: string | null;
  uscc: string | null;
  method: string;
  status: string;
  /** Lottery money arranged for it (approved allocations net of what was given back). */
  lotteryFen: number;
  contractValueFen: number | null;
  paidFen: number;
  /** What was spent of the lottery money: the paid amount in the lottery fund's part of the project's funding. */
  spentFen: number;
  /** Paid ÷ contract value, basis points (null without a contract). */
  executionBp: number | null;
};

/**
 * The announcement's figures and lists as drafted from the ledger and the records; stored as the
 * announcement's content from submission on (and so frozen when issued). Codes, not labels: the
 * page shows them in the reader's language.
 */
export type AnnouncementContent = {
  agencyName: string;
  districtName: string;
  districtNameEn: string;
  year: number;
  /** Lottery money allocated to the body's projects of the year (approved), what went back unspent, what stays arranged. */
  receivedFen: number;
  returnedFen: number;
  allocatedFen: number;
  /** What was actually spent (使用): paid, in the lottery fund's part. */
  spentFen: number;
  /** The district's total lottery public-welfare fund of the year, and the target share (basis points). */
  lotteryTotalFen: number | null;
  targetBp: number | null;
  /** The shares of the district's lottery fund: spent (the one measured against the target) and allocated. */
  spentShareBp: number | null;
  allocatedShareBp: number | null;
  previousSpentShareBp: number | null;
  changeBp: number | null;
  projects: AnnouncedProject[];
  results: { contracts: number; deliverablesAccepted: number; evaluations: Record<Grade, number> };
};

const share = (part: number, total: number | null) => (total && total > 0 ? Math.round((part * 10_000) / total) : null);

/** The body's lottery money of a year: received, returned, allocated and spent, with its projects. */
async function moneyOf(agencyId: number, year: number, transaction?: Transaction) {
  const projects = await Project.findAll({ where: { agencyId, year }, order: [['id', 'ASC']], transaction });
  const projectIds = projects.map((p) => p.id);
  const allocations = projectIds.length
    ? await Allocation.findAll({ where: { projectId: { [Op.in]: projectIds }, status: { [Op.in]: ['approved', 'released'] } }, transaction })
    : [];
  const net = (a: Allocation) => a.amountFen - a.releasedFen;
  const lotteryOf = new Map<number, number>();
  const allOf = new Map<number, number>();
  let receivedFen = 0;
  let returnedFen = 0;
  for (const a of allocations) {
    allOf.set(a.projectId, (allOf.get(a.projectId) ?? 0) + net(a));
    if (a.fundSource !== LOTTERY_FUND) continue;
    receivedFen += a.amountFen;
    returnedFen += a.releasedFen;
    lotteryOf.set(a.projectId, (lotteryOf.get(a.projectId) ?? 0) + net(a));
  }
  const funded = projects.filter((p) => lotteryOf.has(p.id));
  const contracts = funded.length
    ? await Contract.findAll({ where: { projectId: { [Op.in]: funded.map((p) => p.id) }, status: { [Op.ne]: 'draft' } }, transaction })
    : [];
  const paid = await balances(
    'paid',
    contracts.map((c) => c.id),
    transaction,
  );
  const paidOf = new Map<number, number>();
  for (const c of contracts) paidOf.set(c.projectId, (paidOf.get(c.projectId) ?? 0) + (paid.get(c.id) ?? 0));
  // A project funded from several sources spent lottery money in the lottery fund's part of its funding.
  const spentOf = (projectId: number) => {
    const all = allOf.get(projectId) ?? 0;
    return all > 0 ? Math.floor(((paidOf.get(projectId) ?? 0) * (lotteryOf.get(projectId) ?? 0)) / all) : 0;
  };
  const spentFen = funded.reduce((s, p) => s + spentOf(p.id), 0);
  return { funded, contracts, lotteryOf, paidOf, spentOf, receivedFen, returnedFen, allocatedFen: receivedFen - returnedFen, spentFen };
}

/** The district's lottery public-welfare fund of the year and the target (weighted by each line's total, as the finance pages do). */
async function districtLottery(districtId: number, year: number, transaction?: Transaction) {
  const lines = await BudgetLine.findAll({ where: { districtId, year, fundSource: LOTTERY_FUND }, transaction });
  const total = lines.reduce((s, l) => s + (l.lotteryTotalFen ?? 0), 0);
  if (total <= 0) return { total: null, targetBp: null };
  const weighted = lines.reduce((s, l) => s + (l.lotteryTotalFen ?? 0) * (l.lotteryTargetBp ?? 0), 0);
  return { total, targetBp: lines.some((l) => l.lotteryTargetBp !== null) ? Math.round(weighted / total) : null };
}

/** The spent share of the body's previous year: as its issued announcement said, else as the records say now. */
async function previousShare(agencyId: number, districtId: number, year: number, transaction?: Transaction): Promise<number | null> {
  const issued = await LotteryAnnouncement.findOne({ where: { agencyId, year: year - 1, status: 'issued' }, transaction });
  if (issued?.content) return (JSON.parse(issued.content) as AnnouncementContent).spentShareBp;
  const [money, lottery] = await Promise.all([moneyOf(agencyId, year - 1, transaction), districtLottery(districtId, year - 1, transaction)]);
  return share(money.spentFen, lottery.total);
}

/**
 * Drafts the announcement of purchasing body `agencyId` for `year` from the ledger (what was
 * paid) and the records (allocations from lottery budget lines, projects, awards, contracts,
 * accepted deliverables, confirmed evaluations).
 */
export async function draftAnnouncement(agencyId: number, year: number, transaction?: Transaction): Promise<AnnouncementContent> {
  const agency = await Agency.findByPk(agencyId, { include: [{ model: District, as: 'district' }], transaction, rejectOnEmpty: true });
  const districtId = agency.districtId;
  const [money, lottery, previous] = await Promise.all([
    moneyOf(agencyId, year, transaction),
    districtLottery(districtId, year, transaction),
    previousShare(agencyId, districtId, year, transaction),
  ]);
  const contractIds = money.contracts.map((c) => c.id);
  const [awards, accepted, evaluations] = await Promise.all([
    money.funded.length
      ? Award.findAll({
          where: { projectId: { [Op.in]: money.funded.map((p) => p.id) }, status: 'active' },
          include: [{ model: Organisation, as: 'organisation', attributes: ['name', 'uscc'] }],
          transaction,
        })
      : [],
    contractIds.length ? Deliverable.count({ where: { contractId: { [Op.in]: contractIds }, status: 'accepted' }, transaction }) : 0,
    contractIds.length ? Evaluation.findAll({ where: { contractId: { [Op.in]: contractIds }, status: 'confirmed' }, attributes: ['grade'], transaction }) : [],
  ]);
  const grades = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  for (const e of evaluations) if (e.grade) grades[e.grade as Grade] += 1;
  const spentShareBp = share(money.spentFen, lottery.total);
  return {
    agencyName: agency.name,
    districtName: agency.district?.name ?? '',
    districtNameEn: agency.district?.nameEn ?? '',
    year,
    receivedFen: money.receivedFen,
    returnedFen: money.returnedFen,
    allocatedFen: money.allocatedFen,
    spentFen: money.spentFen,
    lotteryTotalFen: lottery.total,
    targetBp: lottery.targetBp,
    spentShareBp,
    allocatedShareBp: share(money.allocatedFen, lottery.total),
    previousSpentShareBp: previous,
    changeBp: previous !== null && spentShareBp !== null ? spentShareBp - previous : null,
    projects: money.funded.map((p) => {
      const award = awards.find((a) => a.projectId === p.id);
      const contract = money.contracts.find((c) => c.projectId === p.id);
      const paidFen = money.paidOf.get(p.id) ?? 0;
      return {
        title: p.title,
        ocid: p.ocid,
        organisation: award?.organisation?.name ?? null,
        uscc: award?.organisation?.uscc ?? null,
        method: p.procurementMethod,
        status: p.status,
        lotteryFen: money.lotteryOf.get(p.id) ?? 0,
        contractValueFen: contract?.valueFen ?? null,
        paidFen,
        spentFen: money.spentOf(p.id),
        executionBp: contract && contract.valueFen > 0 ? Math.round((paidFen * 10_000) / contract.valueFen) : null,
      };
    }),
    results: { contracts: money.contracts.length, deliverablesAccepted: accepted, evaluations: grades },
  };
}
