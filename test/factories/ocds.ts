import { Agency, type Organisation, type User } from '../../models/index.js';
import type { Contract } from '../../models/Contract.js';
import { Instalment } from '../../models/Instalment.js';
import { OcdsRelease } from '../../models/OcdsRelease.js';
import type { ProcurementMethod, Project } from '../../models/Project.js';
import { contractActivator } from '../../server/commands/contracts/contractActivator.js';
import { contractAmender } from '../../server/commands/contracts/contractAmender.js';
import { contractCompleter } from '../../server/commands/contracts/contractCompleter.js';
import { contractCreator } from '../../server/commands/contracts/contractCreator.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { milestoneMarker, paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { projectAwarder } from '../../server/commands/projects/projectAwarder.js';
import { projectCreator } from '../../server/commands/projects/projectCreator.js';
import { projectItemAdder } from '../../server/commands/projects/projectItemAdder.js';
import { projectTransitioner } from '../../server/commands/projects/projectTransitioner.js';
import type { Release } from '../../server/services/ocds/release.js';
import { buildCatalogueItem } from './catalogue.js';
import { buildEvaluation } from './evaluations.js';
import { contractTerms, storedContractDocument } from './contracts.js';
import { actorOf, buildAllocation, buildBudgetLine } from './finance.js';
import { buildOrganisation, buildUser, district, unique } from './index.js';
import { projectYear } from './projects.js';

export type LivedProject = { project: Project; contract: Contract; organisation: Organisation; officer: User; finance: User; cashier: User };

/**
 * A project's whole life through the real commands (so every OCDS release is the one the app
 * writes): created, an item added, tendered, awarded, its contract signed and activated, the first
 * instalment's milestone met and paid, amended (the open instalments replaced), then terminated
 * unless `end: 'active'`; with `end: 'completed'` the amended instalments' milestones are met (by
 * hand, the last by a confirmed final evaluation) and paid in turn and the contract completed instead. 福田 unless told; paid from a welfare-lottery budget line with `lottery`.
 */
export async function liveProject(
  attrs: {
    districtCode?: string;
    year?: number;
    method?: ProcurementMethod;
    end?: 'active' | 'terminated' | 'completed';
    lottery?: boolean;
    /** Existing users to act (the browser walks pass the demo users); new ones otherwise. */
    users?: { officer: User; finance: User; cashier: User };
  } = {},
): Promise<LivedProject> {
  const districtCode = attrs.districtCode ?? 'FT';
  const d = await district(districtCode);
  const officer = attrs.users?.officer ?? (await buildUser('officer', { districtCode })).user;
  const finance = attrs.users?.finance ?? (await buildUser('finance', { districtCode })).user;
  const cashier = attrs.users?.cashier ?? (await buildUser('finance', { districtCode })).user;
  const by = { actor: actorOf(officer) };
  const agency = await Agency.findOne({ where: { districtId: d.id, kind: 'civil_affairs' } });
  const year = attrs.year ?? projectYear();
  const valueFen = 3_000_000;
  const project = await projectCreator(
    {
      year,
      districtId: d.id,
      agencyId: agency!.id,
      title: `困境儿童家庭探访服务${unique()}`,
      targetGroup: '辖区困境儿童约 300 名',
      budget: valueFen,
      procurementMethod: attrs.method ?? 'competitive_consultation',
    },
    by,
  );
  const item = await buildCatalogueItem(officer, { districtCode, year, status: 'published', priceFen: 30_000 });
  await projectItemAdder(project.id, { catalogueItemId: item.id, quantity: 100, unitPrice: null }, by);
  await projectTransitioner(project.id, 'tender', by);
  const organisation = await buildOrganisation({ districtCode });
  await projectAwarder(project.id, { organisationId: organisation.id, amount: valueFen, reasons: '综合评分第一' }, by);
  const terms = contractTerms();
  let contract = await contractCreator(project.id, terms, by);
  const signed = await storedContractDocument(officer, project.districtId);
  await contract.update({ signedFileId: signed.id });
  // With `lottery`, a welfare-lottery line of a district fund of ¥1,000,000.00 and a 10 % target.
  const line = await buildBudgetLine({
    districtCode,
    year,
    amountFen: 10_000_000,
    creator: finance,
    ...(attrs.lottery ? { fundSource: 'welfare_lottery_fund' as const, lotteryTotalFen: 100_000_000, lotteryTargetBp: 1_000 } : {}),
  });
  // More than activation commits: the amendment raises the value by ¥3,000.00.
  await buildAllocation({ status: 'approved', line, project, amountFen: valueFen + terms.reimbursementCeilingFen + 1_000_000, requester: officer });
  contract = await contractActivator(contract.id, by);
  const [first] = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
  await milestoneMarker(first.id, by);
  const payment = await paymentRequester(first.id, by);
  await paymentApprover(payment.id, { actor: actorOf(finance) });
  await paymentPayer(payment.id, { bankReference: 'ICBC-20260301-0001', paidOn: '2026-03-01' }, { actor: actorOf(cashier) });
  await contract.reload();
  contract = await contractAmender(
    contract.id,
    {
      reason: '服务范围扩大',
      valueFen: 3_300_000,
      termStart: contract.termStart,
      termEnd: contract.termEnd,
      termJustification: null,
      reimbursementCeilingFen: contract.reimbursementCeilingFen,
      targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 700 }],
      scheduleMode: 'percent',
      instalments: [
        { percentBp: 5000, milestone: '中期评估合格' },
        { percentBp: 5000, milestone: '终期评估合格' },
      ],
    },
    by,
  );
  if (attrs.end === 'completed') {
    let paidOn = 2;
    for (const open of await Instalment.findAll({ where: { contractId: contract.id, status: 'scheduled' }, order: [['seq', 'ASC']] })) {
      // The last instalment waits for the final evaluation: its confirmation meets the milestone.
      if (open.milestoneKind === 'evaluation' || open.requiresFinalEvaluation) {
        await buildEvaluation({ status: 'confirmed', built: { contract, instalments: [], officer, organisation } });
      }
      if ((await open.reload()).status === 'scheduled') await milestoneMarker(open.id, by);
      const next = await paymentRequester(open.id, by);
      await paymentApprover(next.id, { actor: actorOf(finance) });
      const day = `2026-0${3 + paidOn}-01`;
      await paymentPayer(next.id, { bankReference: `ICBC-${day.replaceAll('-', '')}-000${paidOn}`, paidOn: day }, { actor: actorOf(cashier) });
      paidOn += 1;
    }
    contract = await contractCompleter(contract.id, by);
  } else if (attrs.end !== 'active') contract = await contractTerminator(contract.id, '服务机构无法继续履约', by);
  await project.reload();
  return { project, contract, organisation, officer, finance, cashier };
}

/** The releases of a project as the app stored them, oldest first. */
export async function releasesOf(projectId: number): Promise<Release[]> {
  const rows = await OcdsRelease.findAll({ where: { projectId }, order: [['seq', 'ASC']] });
  return rows.map((r) => JSON.parse(r.data) as Release);
}
