import { randomBytes } from 'node:crypto';
import type { ChildWorker } from '../../models/ChildWorker.js';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { Claim, type ClaimKind } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import type { Engagement } from '../../models/Engagement.js';
import type { Organisation, User } from '../../models/index.js';
import { Project } from '../../models/Project.js';
import { claimCreator, claimLineAdder } from '../../server/commands/claims/claimEditor.js';
import { claimApprover, claimSubmitter, claimVerifier } from '../../server/commands/claims/claimWorkflow.js';
import type { UploadDescriptor } from '../../server/services/storage/stored-files.js';
import { actorOf, buildAllocation } from './finance.js';
import { buildUser, unique } from './index.js';
import { buildContract } from './contracts.js';
import { buildPaymentContract } from './payments.js';
import { buildEngagedDirector } from './workers.js';

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

/** A classic 发票 (12-digit code, 8-digit number), random so tests never collide. */
export function classicFapiao(): { code: string; number: string } {
  return { code: `0440${digits(8)}`, number: digits(8) };
}
/** A fully digitalised 发票 (20 digits, no code). */
export function digitalFapiao(): { code: string; number: string } {
  return { code: '', number: `26${digits(18)}` };
}

/** An upload descriptor of a receipt as the middleware makes it (bytes not needed by the commands). */
export function receiptUpload(): UploadDescriptor {
  return {
    key: unique('receipt-'),
    kind: 'receipt',
    fieldName: 'receipt',
    originalName: '发票.pdf',
    mimeType: 'application/pdf',
    size: 1024,
    sha256: randomBytes(32).toString('hex'),
  };
}

export type ClaimSetup = {
  contract: Contract;
  organisation: Organisation;
  orgUser: User;
  officer: User;
  finance: User;
  /** A second finance user of the district: approving and paying are separate duties. */
  cashier: User;
  worker: ChildWorker;
  engagement: Engagement;
};

/**
 * An active contract of 2026 (福田 unless told) with a reimbursement ceiling (default ¥1,000.00)
 * that an extra approved allocation of the project holds, an organisation user of its provider, an
 * officer and two finance users of the district (one approves, the other pays), and a child director trained on 2026-01-10 (so
 * trained through 2027-01-10) engaged for the whole year. With `activated`, the contract is made
 * and activated through the real commands instead (its value and ceiling committed at activation).
 */
export async function buildClaimSetup(
  attrs: { ceilingFen?: number; districtCode?: string; fundedFen?: number; activated?: boolean } = {},
): Promise<ClaimSetup> {
  const districtCode = attrs.districtCode ?? 'FT';
  const ceilingFen = attrs.ceilingFen ?? 100_000;
  const built = attrs.activated
    ? await buildContract({ status: 'active', districtCode, valueFen: 1_000_000, terms: { reimbursementCeilingFen: ceilingFen } })
    : await buildPaymentContract({ districtCode });
  const contract = attrs.activated ? built.contract : await built.contract.update({ reimbursementCeilingFen: ceilingFen });
  // The project's line (built with room to spare) funds a second allocation that holds the ceiling.
  const first = (await Allocation.findOne({ where: { projectId: contract.projectId } }))!;
  const line = (await BudgetLine.findByPk(first.budgetLineId))!;
  const project = (await Project.findByPk(contract.projectId))!;
  const funded = attrs.activated ? 0 : (attrs.fundedFen ?? ceilingFen);
  if (funded > 0) await buildAllocation({ status: 'approved', line, project, amountFen: funded, requester: built.officer });
  const orgUser = (await buildUser('org', { organisation: built.organisation, districtCode })).user;
  const finance = (await buildUser('finance', { districtCode })).user;
  const cashier = (await buildUser('finance', { districtCode })).user;
  const { worker, engagement } = await buildEngagedDirector(contract, { orgUser });
  return { contract, organisation: built.organisation, orgUser, officer: built.officer, finance, cashier, worker, engagement };
}

export type LineInput = { spentOn?: string; kind?: ClaimKind; amountFen?: number; fapiao?: { code: string; number: string }; digitalNumber?: string };

/** A claim of the setup's worker for `month` with `lines` added through the commands (draft, or moved on to `status`). */
export async function buildClaim(
  s: ClaimSetup,
  attrs: { month?: string; lines?: LineInput[]; status?: 'draft' | 'submitted' | 'verified' | 'approved'; verifier?: User; approver?: User } = {},
): Promise<Claim> {
  const org = { actor: actorOf(s.orgUser) };
  const month = attrs.month ?? '2026-03';
  const claim = await claimCreator({ contractId: s.contract.id, engagementId: s.engagement.id, month }, org);
  for (const l of attrs.lines ?? [{}]) {
    const f = l.fapiao ?? classicFapiao();
    await claimLineAdder(
      claim.id,
      {
        spentOn: l.spentOn ?? `${month}-15`,
        kind: l.kind ?? 'transport',
        description: '福田街道—沙头社区 往返',
        amountFen: l.amountFen ?? 5_000,
        fapiao: f.code ? { kind: 'classic', code: f.code, number: f.number } : { kind: 'digital', code: null, number: f.number },
        digitalNumber: l.digitalNumber ?? null,
        confirmPersonalData: false,
      },
      [receiptUpload()],
      org,
    );
  }
  const status = attrs.status ?? 'draft';
  if (status !== 'draft') await claimSubmitter(claim.id, org);
  if (status === 'verified' || status === 'approved') await claimVerifier(claim.id, { actor: actorOf(attrs.verifier ?? s.officer) });
  if (status === 'approved') await claimApprover(claim.id, { actor: actorOf(attrs.approver ?? s.finance) });
  return (await Claim.findByPk(claim.id))!;
}
