import { createHash, randomUUID } from 'node:crypto';
import type { Allocation } from '../../models/Allocation.js';
import type { Award } from '../../models/Award.js';
import type { Contract, ContractStatus } from '../../models/Contract.js';
import type { Organisation, User } from '../../models/index.js';
import { StoredFile } from '../../models/StoredFile.js';
import type { Project } from '../../models/Project.js';
import { contractActivator } from '../../server/commands/contracts/contractActivator.js';
import { contractCreator } from '../../server/commands/contracts/contractCreator.js';
import type { ContractTermsForm } from '../../server/schemas/contracts.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import { actorOf, buildAllocation, buildBudgetLine } from './finance.js';
import { buildUser, unique } from './index.js';
import { buildProject } from './projects.js';

/** A stored-file row of kind contract_document (no bytes behind it: for tests of rules, not downloads). */
export async function storedContractDocument(by: User, districtId: number): Promise<StoredFile> {
  return StoredFile.create({
    storageKey: randomUUID(),
    kind: 'contract_document',
    originalName: '合同.pdf',
    mimeType: 'application/pdf',
    size: 1024,
    sha256: createHash('sha256').update(randomUUID()).digest('hex'),
    uploadedBy: by.id,
    ownerType: null,
    ownerId: null,
    districtId,
    organisationId: null,
  });
}

/** Complete terms of a 12-month contract (2026), paid 30 / 40 / 30 %, with one home-visit target. */
export function contractTerms(attrs: Partial<ContractTermsForm> = {}): ContractTermsForm {
  return {
    number: unique('SZHT-'),
    signedOn: '2026-01-05',
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    termJustification: null,
    content: '为辖区困境儿童提供家庭探访服务',
    quantity: '家庭探访 600 次',
    qualityStandard: '按市级服务标准执行',
    priceTerms: '总价包干',
    settlementMethod: '按里程碑分期支付',
    rightsObligations: '双方权利义务见合同正文',
    breachLiability: '违约方承担违约责任',
    reimbursementCeilingFen: 500_000,
    announcementUrl: 'https://www.ccgp-shenzhen.gov.cn/notice/1',
    announcedOn: '2026-01-06',
    targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 600 }],
    scheduleMode: 'percent',
    instalments: [
      { percentBp: 3000, milestone: '合同签订后' },
      { percentBp: 4000, milestone: '中期评估合格' },
      { percentBp: 3000, milestone: '终期评估合格' },
    ],
    ...attrs,
  };
}

export type BuiltContract = {
  contract: Contract;
  project: Project;
  award: Award;
  organisation: Organisation;
  officer: User;
  allocation: Allocation | null;
};

/**
 * A contract for a fresh awarded project (福田 unless told) worth `valueFen` (default ¥30,000.00),
 * made through the real commands: `draft` (default) as written by the officer, `active` with its
 * signed file and an approved allocation of exactly its value plus its reimbursement ceiling, activated (both committed in
 * the ledger, the project contracted), `terminated` activated then terminated.
 */
export async function buildContract(
  attrs: {
    status?: Extract<ContractStatus, 'draft' | 'active' | 'terminated'>;
    valueFen?: number;
    districtCode?: string;
    organisation?: Organisation;
    officer?: User;
    finance?: User;
    terms?: Partial<ContractTermsForm>;
    /** The project's year (default: the factories' project year), so the contract buys that year's service categories. */
    year?: number;
  } = {},
): Promise<BuiltContract> {
  const districtCode = attrs.districtCode ?? 'FT';
  const valueFen = attrs.valueFen ?? 3_000_000;
  const officer = attrs.officer ?? (await buildUser('officer', { districtCode })).user;
  const built = await buildProject({
    status: 'awarded',
    districtCode,
    creator: officer,
    budgetFen: valueFen,
    organisation: attrs.organisation,
    year: attrs.year,
  });
  const by = { actor: actorOf(officer) };
  const terms = contractTerms(attrs.terms);
  let contract = await contractCreator(built.project.id, terms, by);
  let allocation: Allocation | null = null;
  if (attrs.status === 'active' || attrs.status === 'terminated') {
    const signed = await storedContractDocument(officer, built.project.districtId);
    await contract.update({ signedFileId: signed.id });
    const line = await buildBudgetLine({ districtCode, year: built.project.year, amountFen: Math.max(2 * valueFen, 10_000_000), creator: attrs.finance });
    // Activation commits the value and the reimbursement ceiling: the allocation holds both.
    const amountFen = valueFen + terms.reimbursementCeilingFen;
    allocation = await buildAllocation({ status: 'approved', line, project: built.project, amountFen, requester: officer });
    contract = await contractActivator(contract.id, by);
  }
  if (attrs.status === 'terminated') contract = await contractTerminator(contract.id, '服务机构无法继续履约', by);
  await built.project.reload();
  return { contract, project: built.project, award: built.award!, organisation: built.organisation!, officer, allocation };
}
