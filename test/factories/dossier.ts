import { Readable } from 'node:stream';
import { ClaimLine } from '../../models/Claim.js';
import type { Claim } from '../../models/Claim.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableComment } from '../../models/DeliverableComment.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import type { Evaluation } from '../../models/Evaluation.js';
import { Instalment } from '../../models/Instalment.js';
import type { Payment } from '../../models/Payment.js';
import { StoredFile } from '../../models/StoredFile.js';
import type { User } from '../../models/index.js';
import { type BlobStore, storeFor } from '../../server/services/storage/index.js';
import { testConfig } from '../support/hooks.js';
import { buildClaim, buildClaimSetup, type ClaimSetup } from './claims.js';
import { buildEvaluation } from './evaluations.js';
import { pdfBytes } from './organisations.js';
import { buildPayment } from './payments.js';

/** Stores real bytes in the test's store and records them as a file of `kind`, as an upload would. */
export async function storedBytes(
  bytes: Buffer,
  attrs: { kind: string; name: string; mime?: string; by: User; districtId: number; organisationId?: number | null },
  store: BlobStore = storeFor(testConfig()),
): Promise<StoredFile> {
  const put = await store.put(Readable.from([bytes]));
  return StoredFile.create({
    storageKey: put.key,
    kind: attrs.kind,
    originalName: attrs.name,
    mimeType: attrs.mime ?? 'application/pdf',
    size: put.size,
    sha256: put.sha256,
    uploadedBy: attrs.by.id,
    ownerType: null,
    ownerId: null,
    districtId: attrs.districtId,
    organisationId: attrs.organisationId ?? null,
  });
}

export type DossierFixture = ClaimSetup & {
  payment: Payment;
  claim: Claim;
  evaluation: Evaluation;
  deliverable: Deliverable;
  files: StoredFile[];
};

/**
 * An active contract (福田) with a record of every kind a dossier holds, each stored file with real
 * bytes behind it: two contract versions, the announcement and the signed document; the project
 * and its award; a deliverable with two versions, a file on each and a review comment; a confirmed
 * evaluation graded 不合格 with its rectification items; an approved instalment payment; an
 * approved claim of the engaged child director with two receipts.
 */
export async function buildDossierFixture(store: BlobStore = storeFor(testConfig())): Promise<DossierFixture> {
  const s = await buildClaimSetup();
  const { contract, officer, orgUser } = s;
  const place = { by: officer, districtId: contract.districtId };
  const announcement = await storedBytes(pdfBytes('合同公告'), { ...place, kind: 'contract_document', name: '合同公告.pdf' }, store);
  const signed = await storedBytes(pdfBytes('签署合同'), { ...place, kind: 'contract_document', name: '签署合同.pdf' }, store);
  await contract.update({ announcementFileId: announcement.id, signedFileId: signed.id, announcedOn: '2026-01-06', signedOn: '2026-01-05' });
  const snapshot: ContractVersion['snapshot'] = {
    valueFen: contract.valueFen,
    reimbursementCeilingFen: contract.reimbursementCeilingFen,
    termStart: contract.termStart,
    termEnd: contract.termEnd,
    termJustification: null,
    texts: { content: '为辖区困境儿童提供家庭探访服务' },
    targets: [{ categoryCode: 'home_visit', metric: 'visits', targetCount: 600 }],
    instalments: [{ seq: 1, amountFen: 300_000, milestone: '合同签订后', dueOn: null, requiresFinalEvaluation: false, status: 'due' }],
  };
  for (const version of [1, 2]) {
    await ContractVersion.create({
      contractId: contract.id,
      version,
      reason: version === 1 ? '合同签订' : '服务范围调整',
      valueFen: contract.valueFen,
      snapshot,
      createdBy: officer.id,
    });
  }

  const deliverable = await Deliverable.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    categoryCode: 'home_visit',
    periodStart: '2026-01-01',
    periodEnd: '2026-03-31',
    dueOn: '2026-04-10',
    status: 'accepted',
    currentVersion: 2,
  });
  const files: StoredFile[] = [announcement, signed];
  for (const version of [1, 2]) {
    const v = await DeliverableVersion.create({
      deliverableId: deliverable.id,
      version,
      status: version === 1 ? 'returned' : 'accepted',
      metrics: { visits: 150 * version },
      narrative: `第${version}版服务报告`,
      createdBy: orgUser.id,
    });
    const file = await storedBytes(
      pdfBytes(`服务报告第${version}版`),
      {
        by: orgUser,
        districtId: contract.districtId,
        organisationId: contract.organisationId,
        kind: 'deliverable_attachment',
        name: `服务报告-v${version}.pdf`,
      },
      store,
    );
    await DeliverableFile.create({ deliverableId: deliverable.id, versionId: v.id, storedFileId: file.id, purpose: 'report' });
    files.push(file);
    if (version === 1)
      await DeliverableComment.create({ deliverableId: deliverable.id, versionId: v.id, point: 'narrative', body: '请补充入户记录', authorId: officer.id });
  }

  const { evaluation } = await buildEvaluation({
    status: 'confirmed',
    scores: [2000, 2000, 2000],
    built: { contract, instalments: [], officer, organisation: s.organisation },
  });
  const [first] = await Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] });
  const payment = first
    ? await buildPayment({ contract, instalments: [first], officer, organisation: s.organisation }, first, { status: 'approved' })
    : (undefined as unknown as Payment);

  const claim = await buildClaim(s, { status: 'approved', lines: [{ amountFen: 5_000 }, { kind: 'communication', amountFen: 3_000 }] });
  for (const line of await ClaimLine.findAll({ where: { claimId: claim.id }, order: [['id', 'ASC']] })) {
    const receipt = await storedBytes(
      pdfBytes(`发票${line.id}`),
      {
        by: orgUser,
        districtId: contract.districtId,
        organisationId: contract.organisationId,
        kind: 'receipt',
        name: '发票.pdf',
      },
      store,
    );
    await line.update({ receiptFileId: receipt.id });
    files.push(receipt);
  }
  return { ...s, payment, claim, evaluation, deliverable, files };
}
