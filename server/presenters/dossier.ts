import { Readable } from 'node:stream';
import { Op, type WhereOptions } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { AuditEvent } from '../../models/AuditEvent.js';
import { Award } from '../../models/Award.js';
import { Claim, ClaimLine } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import { ContractTarget } from '../../models/ContractTarget.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableComment } from '../../models/DeliverableComment.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { Engagement } from '../../models/Engagement.js';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { Instalment } from '../../models/Instalment.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Organisation } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { Project } from '../../models/Project.js';
import { ProjectItem } from '../../models/ProjectItem.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { StoredFile } from '../../models/StoredFile.js';
import { now } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import { type ChainReport, maskingPersonalNumbers, recordAudit } from '../services/audit.js';
import { auditActorOf, type By } from '../commands/kernel.js';
import { csvRow, inBatches } from '../services/export.js';
import { PdfPrinter, PdfUnavailableError } from '../services/dossier/pdf.js';
import type { DossierEntry, DossierRecord, ManifestRow } from '../services/dossier/zip-writer.js';
import type { BlobStore } from '../services/storage/index.js';
import { auditExportColumns } from './audit.js';
import { loadClaim } from './claims.js';
import { loadEvaluation } from './evaluations.js';
import { formatDateTime } from './format.js';
import { loadPayment } from './payments.js';
import { claimPrintable, evaluationPrintable, type Printable, paymentPrintable, type RenderView, standaloneHtml } from './printable.js';

export type DossierSources = { actor: Actor; lang: Lang; render: RenderView; store: BlobStore; chromiumPath: string };

/** What a JSON file of the dossier holds: the row's columns, personal numbers in free text masked as the audit trail masks them. */
function json(value: unknown): string {
  return `${JSON.stringify(value, maskingPersonalNumbers, 2)}\n`;
}

const plain = <T extends { get(o: { plain: true }): object }>(row: T): Record<string, unknown> => {
  const { lockVersion: _v, ...rest } = row.get({ plain: true }) as Record<string, unknown>;
  return rest;
};

/** A file name as it may stand in a ZIP path: no folders, no characters Windows refuses. */
function safeName(name: string): string {
  // Stored names are cleaned of control characters at upload (middleware/upload.ts); these are the path and Windows ones.
  return name.replace(/[\\/:*?"<>|]/g, '_').slice(0, 120) || 'file';
}

const ALREADY_COMPRESSED = /^(application\/pdf|image\/|application\/vnd\.openxmlformats)/;

function textEntry(name: string, record: DossierRecord | null, text: string): DossierEntry {
  return { name, record, open: async () => text };
}

/**
 * A stored file, streamed from the store when its turn comes, with its recorded SHA-256 beside it.
 * Bytes the store no longer holds (removed after their retention period, #20) leave a note in
 * their place, so the dossier still opens and says what is gone.
 */
async function storedEntry(folder: string, record: DossierRecord, file: StoredFile, store: BlobStore, lang: Lang): Promise<DossierEntry> {
  const name = `${folder}/${file.id}-${safeName(file.originalName)}`;
  if (!(await store.exists(file.storageKey))) {
    return textEntry(`${name}.missing.txt`, record, `${lang.t('dossier.missingFile', { name: file.originalName, sha256: file.sha256 })}\n`);
  }
  return {
    name,
    record,
    open: () => store.get(file.storageKey),
    store: ALREADY_COMPRESSED.test(file.mimeType) || file.size > 8 * 1024 * 1024,
    storedSha256: file.sha256,
  };
}

const filesById = async (ids: (number | null)[]) =>
  new Map((await StoredFile.findAll({ where: { id: ids.filter((i): i is number => i !== null) } })).map((f) => [f.id, f]));

/**
 * Every file of a contract's dossier (合同档案包, #20), in the order it is written: the contract
 * with every version and its announcement and signed documents; the project and its awards with
 * their reasons; the allocations; every deliverable with its versions, files and review comments;
 * the evaluations with their printed reports, scores, rectifications and the organisation's
 * response; the payments with their printed approval forms; the claims with their printed forms
 * and receipts, and the engagements behind them (child workers' numbers masked, as on the pages);
 * and the contract's slice of the audit trail. Records are read as their turn comes, so nothing of
 * a large dossier is held at once.
 */
export async function* dossierEntries(contract: Contract, src: DossierSources): AsyncGenerator<DossierEntry> {
  const printer = new PdfPrinter(src.chromiumPath);
  try {
    yield* entriesOf(contract, src, printer);
  } finally {
    await printer.close();
  }
}

/**
 * A printable form as the page prints it (standalone HTML) and as a PDF beside it (one Chromium
 * prints every form of the dossier). Without a PDF printer on the server, the HTML stays and one
 * note at the top of the dossier says why there is no PDF.
 */
async function* printedForm(name: string, record: DossierRecord, printable: Printable, src: DossierSources, printer: PdfPrinter & { missing?: boolean }) {
  const html = await standaloneHtml(printable, src.render);
  yield textEntry(`${name}.html`, record, html);
  if (printer.missing) return;
  try {
    const pdf = await printer.print(html);
    yield { name: `${name}.pdf`, record, open: async () => pdf, store: true } satisfies DossierEntry;
  } catch (err) {
    if (!(err instanceof PdfUnavailableError)) throw err;
    printer.missing = true;
    yield textEntry('PDF-UNAVAILABLE.txt', null, `${src.lang.t('dossier.pdfUnavailableNote')}\n${err.message}\n`);
  }
}

async function* entriesOf(contract: Contract, src: DossierSources, printer: PdfPrinter): AsyncGenerator<DossierEntry> {
  const { store, lang, actor } = src;
  const forms = (name: string, record: DossierRecord, printable: Printable) => printedForm(name, record, printable, src, printer);
  const C = { type: 'contract', id: contract.id };
  const [targets, instalments, versions] = await Promise.all([
    ContractTarget.findAll({ where: { contractId: contract.id }, order: [['id', 'ASC']] }),
    Instalment.findAll({ where: { contractId: contract.id }, order: [['seq', 'ASC']] }),
    ContractVersion.findAll({ where: { contractId: contract.id }, order: [['version', 'ASC']] }),
  ]);
  const { district: _d, organisation: _o, project: _p, ...row } = plain(contract);
  yield textEntry('contract/contract.json', C, json({ ...row, targets: targets.map(plain), instalments: instalments.map(plain) }));
  for (const v of versions) yield textEntry(`contract/versions/v${v.version}.json`, { type: 'contract_version', id: v.id }, json(plain(v)));
  const documents = await filesById([contract.announcementFileId, contract.signedFileId]);
  for (const [folder, id] of [
    ['contract/announcement', contract.announcementFileId],
    ['contract/signed', contract.signedFileId],
  ] as const) {
    const file = id ? documents.get(id) : undefined;
    if (file) yield await storedEntry(folder, C, file, store, lang);
  }

  const project = await Project.findByPk(contract.projectId, { include: [{ model: ProjectItem, as: 'items' }] });
  if (project) yield textEntry('project/project.json', { type: 'project', id: project.id }, json(plain(project)));
  const awards = await Award.findAll({
    where: { projectId: contract.projectId },
    include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'name', 'uscc'] }],
    order: [['id', 'ASC']],
  });
  yield textEntry('project/awards.json', { type: 'project', id: contract.projectId }, json(awards.map(plain)));
  const allocations = await Allocation.findAll({ where: { projectId: contract.projectId }, order: [['id', 'ASC']] });
  yield textEntry('finance/allocations.json', { type: 'project', id: contract.projectId }, json(allocations.map(plain)));

  for (const d of await Deliverable.findAll({ where: { contractId: contract.id }, order: [['id', 'ASC']] })) {
    const D = { type: 'deliverable', id: d.id };
    const [dVersions, comments] = await Promise.all([
      DeliverableVersion.findAll({ where: { deliverableId: d.id }, order: [['version', 'ASC']] }),
      DeliverableComment.findAll({ where: { deliverableId: d.id }, order: [['id', 'ASC']] }),
    ]);
    yield textEntry(`deliverables/${d.id}/deliverable.json`, D, json({ ...plain(d), versions: dVersions.map(plain), comments: comments.map(plain) }));
    const attached = await DeliverableFile.findAll({
      where: { deliverableId: d.id },
      include: [{ model: StoredFile, as: 'storedFile' }],
      order: [['id', 'ASC']],
    });
    const versionOf = new Map(dVersions.map((v) => [v.id, v.version]));
    for (const f of attached)
      if (f.storedFile) yield await storedEntry(`deliverables/${d.id}/v${versionOf.get(f.versionId) ?? 0}`, D, f.storedFile, store, lang);
  }

  for (const { id } of await Evaluation.findAll({ where: { contractId: contract.id }, attributes: ['id'], order: [['id', 'ASC']] })) {
    const e = await loadEvaluation(actor, id);
    const E = { type: 'evaluation', id };
    const [scores, items] = await Promise.all([
      EvaluationScore.findAll({ where: { evaluationId: id }, order: [['seq', 'ASC']] }),
      RectificationItem.findAll({ where: { evaluationId: id }, order: [['seq', 'ASC']] }),
    ]);
    const { contract: _c, organisation: _eo, district: _ed, template: _t, evaluator: _ev, ...eRow } = plain(e);
    yield textEntry(`evaluations/${id}/evaluation.json`, E, json({ ...eRow, scores: scores.map(plain), rectifications: items.map(plain) }));
    yield* forms(`evaluations/${id}/report`, E, await evaluationPrintable(e, lang));
  }

  for (const { id } of await Payment.findAll({ where: { contractId: contract.id }, attributes: ['id'], order: [['id', 'ASC']] })) {
    const p = await loadPayment(actor, id);
    const P = { type: 'payment', id };
    const { contract: _c, instalment: _i, district: _pd, organisation: _po, ...pRow } = plain(p);
    yield textEntry(`payments/${id}/payment.json`, P, json(pRow));
    yield* forms(`payments/${id}/approval-form`, P, await paymentPrintable(p, lang));
  }

  const engagements = await Engagement.findAll({
    where: { contractId: contract.id },
    include: [{ model: ChildWorker, as: 'worker', attributes: ['id', 'name', 'kind', 'idNumberMasked', 'phoneMasked'] }],
    order: [['id', 'ASC']],
  });
  yield textEntry('claims/engagements.json', C, json(engagements.map(plain)));
  for (const { id } of await Claim.findAll({ where: { contractId: contract.id }, attributes: ['id'], order: [['id', 'ASC']] })) {
    const c = await loadClaim(actor, id);
    const K = { type: 'claim', id };
    const lines = await ClaimLine.findAll({ where: { claimId: id }, order: [['id', 'ASC']] });
    const { contract: _c, district: _kd, organisation: _ko, submitter: _s, verifier: _v, approver: _a, decider: _dd, ...kRow } = plain(c);
    yield textEntry(`claims/${id}/claim.json`, K, json({ ...kRow, lines: lines.map(plain) }));
    yield* forms(`claims/${id}/claim-form`, K, await claimPrintable(c, lang));
    const receipts = await filesById(lines.map((l) => l.receiptFileId));
    for (const l of lines) {
      const file = receipts.get(l.receiptFileId);
      if (file) yield await storedEntry(`claims/${id}/receipts`, K, file, store, lang);
    }
  }

  yield { name: 'audit/audit-trail.csv', record: C, open: async () => auditSliceCsv(contract, lang) };
}

/** The audit events of the contract and of every record of it (project, awards' project, deliverables, evaluations, payments, claims, engagements, allocations, instalments). */
async function auditSliceWhere(contract: Contract): Promise<WhereOptions<AuditEvent>> {
  // biome-ignore lint/suspicious/noExplicitAny: any model with an integer id
  const ids = async (model: { findAll(o: object): Promise<any[]> }, where: object) =>
    (await model.findAll({ where, attributes: ['id'] })).map((r: { id: number }) => String(r.id));
  const byContract = { contractId: contract.id };
  const kinds: [string, string[]][] = [
    ['contract', [String(contract.id)]],
    ['project', [String(contract.projectId)]],
    ['deliverable', await ids(Deliverable, byContract)],
    ['evaluation', await ids(Evaluation, byContract)],
    ['payment', await ids(Payment, byContract)],
    ['claim', await ids(Claim, byContract)],
    ['engagement', await ids(Engagement, byContract)],
    ['instalment', await ids(Instalment, byContract)],
    ['allocation', await ids(Allocation, { projectId: contract.projectId })],
  ];
  return { [Op.or]: kinds.filter(([, list]) => list.length > 0).map(([recordType, list]) => ({ recordType, recordId: list })) };
}

/** The contract's slice of the audit trail as the audit page exports it (CSV, UTF-8 with BOM), read in batches. */
async function auditSliceCsv(contract: Contract, lang: Lang) {
  const columns = await auditExportColumns(lang.t);
  const where = await auditSliceWhere(contract);
  return Readable.from(
    (async function* () {
      yield `\uFEFF${csvRow(columns.map((c) => c.header))}`;
      for await (const e of inBatches(AuditEvent, { where })) yield csvRow(columns.map((c) => c.value(e)));
    })(),
  );
}

/**
 * The manifest, written last: every file with its size, SHA-256 and record (a stored file also
 * with the SHA-256 recorded at upload and whether the bytes sent match it), and the audit chain's
 * check (`audit:verify`) as it stood when the download began. As JSON and as CSV for a spreadsheet.
 */
export function manifestEntries(contract: Contract, chain: ChainReport, by: Actor, rows: ManifestRow[]): DossierEntry[] {
  const manifest = {
    contract: { id: contract.id, number: contract.number },
    generatedAt: now().toISOString(),
    generatedAtBeijing: formatDateTime(now()),
    generatedBy: { id: by.id, username: by.username, role: by.role },
    auditChain: chain,
    files: rows,
  };
  const header = ['file', 'size', 'sha256', 'record_type', 'record_id', 'stored_sha256', 'matches_stored'];
  const csv = [
    `\uFEFF${csvRow(header)}`,
    ...rows.map((r) =>
      csvRow([
        r.file,
        r.size,
        r.sha256,
        r.record?.type ?? '',
        r.record?.id ?? '',
        r.storedSha256 ?? '',
        r.matchesStored === undefined ? '' : String(r.matchesStored),
      ]),
    ),
    csvRow([
      'audit:verify',
      '',
      chain.ok ? 'ok' : 'broken',
      '',
      chain.ok ? chain.lastSeq : chain.brokenAt,
      '',
      chain.ok ? `${chain.count} events` : chain.reason,
    ]),
  ].join('');
  return [textEntry('manifest.json', null, json(manifest)), textEntry('manifest.csv', null, csv)];
}

/** The ZIP's name: 合同档案包-<contract number>.zip (in the user's language). */
export function dossierFilename(contract: Contract, lang: Lang): string {
  return `${lang.t('dossier.filename', { number: contract.number })}.zip`;
}

/**
 * Every download of a dossier is audited (`contract.dossier`), before a byte is sent: who took the
 * whole file of which contract, and what the chain check said at that moment.
 */
export async function auditDossierDownload(contract: Contract, chain: ChainReport, by: By): Promise<void> {
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'contract.dossier',
    recordType: 'contract',
    recordId: contract.id,
    districtId: contract.districtId,
    detail: { number: contract.number, auditChain: chain.ok ? 'intact' : `broken at ${chain.brokenAt}` },
    context: by.context,
  });
}
