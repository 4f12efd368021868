import { Contract } from '../../models/Contract.js';
import type { Organisation, User } from '../../models/index.js';
import { Instalment, type InstalmentStatus } from '../../models/Instalment.js';
import { Payment, type PaymentStatus } from '../../models/Payment.js';
import { lockedBudgetLine } from '../../server/commands/finance/financeLocks.js';
import { withTransaction } from '../../server/db.js';
import { legsOf, post } from '../../server/services/ledger.js';
import { buildAllocation, buildBudgetLine } from './finance.js';
import { buildUser, unique } from './index.js';
import { buildProject } from './projects.js';

export type PaymentContract = { contract: Contract; instalments: Instalment[]; officer: User; organisation: Organisation };

/**
 * A contract written straight to the tables (福田 unless told) with its money committed in the
 * ledger as activation commits it (line → allocation → contract_committed), and its instalments
 * in `instalmentStatus` (default `due`). `instalmentFen` may sum to more than `committedFen` to
 * test the limit; by default three instalments of 30/40/30 % of ¥10,000.00, none waiting for a
 * final evaluation unless `lastNeedsEvaluation`.
 */
export async function buildPaymentContract(
  attrs: {
    districtCode?: string;
    status?: Contract['status'];
    committedFen?: number;
    instalmentFen?: number[];
    instalmentStatus?: InstalmentStatus;
    lastNeedsEvaluation?: boolean;
    /** Existing users to act as officer and finance (the browser tests pass the demo users). */
    officer?: User;
    finance?: User;
  } = {},
): Promise<PaymentContract> {
  const districtCode = attrs.districtCode ?? 'FT';
  const committedFen = attrs.committedFen ?? 1_000_000;
  const amounts = attrs.instalmentFen ?? [300_000, 400_000, 300_000];
  const officer = attrs.officer ?? (await buildUser('officer', { districtCode })).user;
  const built = await buildProject({ status: 'contracted', districtCode, creator: officer, budgetFen: committedFen });
  const line = await buildBudgetLine({ districtCode, year: built.project.year, amountFen: Math.max(committedFen, 10_000_000), creator: attrs.finance });
  const allocation = await buildAllocation({ status: 'approved', line, project: built.project, amountFen: committedFen, requester: officer });
  const contract = await Contract.create({
    number: unique('SZHT-'),
    projectId: built.project.id,
    awardId: built.award!.id,
    organisationId: built.organisation!.id,
    districtId: built.project.districtId,
    year: built.project.year,
    status: attrs.status ?? 'active',
    valueFen: committedFen,
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    createdBy: officer.id,
  });
  await withTransaction(async (transaction) => {
    await lockedBudgetLine(line.id, transaction);
    await post(
      'commit',
      legsOf('commit', allocation.id, contract.id, committedFen),
      { recordType: 'contract', recordId: contract.id, createdBy: officer.id },
      transaction,
    );
  });
  const instalments: Instalment[] = [];
  for (const [i, amountFen] of amounts.entries()) {
    instalments.push(
      await Instalment.create({
        contractId: contract.id,
        seq: i + 1,
        amountFen,
        milestone: `第${i + 1}期服务节点`,
        requiresFinalEvaluation: Boolean(attrs.lastNeedsEvaluation) && i === amounts.length - 1,
        status: attrs.instalmentStatus ?? 'due',
      }),
    );
  }
  return { contract, instalments, officer, organisation: built.organisation! };
}

/** A payment of `instalment` in `status`, written straight to the table (no ledger movement: use it for states before paid). */
export async function buildPayment(built: PaymentContract, instalment: Instalment, attrs: { status?: PaymentStatus; requester?: User } = {}): Promise<Payment> {
  const status = attrs.status ?? 'requested';
  const at = new Date();
  const payment = await Payment.create({
    contractId: built.contract.id,
    instalmentId: instalment.id,
    openInstalmentId: status === 'rejected' ? null : instalment.id,
    kind: 'instalment',
    districtId: built.contract.districtId,
    organisationId: built.contract.organisationId,
    year: built.contract.year,
    amountFen: instalment.amountFen,
    status,
    requestedBy: (attrs.requester ?? built.officer).id,
    requestedAt: at,
    approvedAt: status === 'approved' || status === 'paid' ? at : null,
    rejectionReason: status === 'rejected' ? '材料不全' : null,
  });
  await instalment.update({ status: status === 'rejected' ? 'due' : status });
  return payment;
}
