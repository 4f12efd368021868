import { Op } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Claim, ClaimLine } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Engagement } from '../../models/Engagement.js';
import { Organisation, StoredFile, User } from '../../models/index.js';
import { RETENTION_KINDS, RetentionAction, RetentionHold, type RetentionKind, RetentionRule } from '../../models/Retention.js';
import { today } from '../clock.js';
import { auditActorOf, type By } from '../commands/kernel.js';
import { endedOn, retentionDueOn, retentionMonths } from '../commands/retention/retentionJob.js';
import { type FieldErrors, NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { Confirmation } from '../middleware/confirm.js';
import { type Actor, can } from '../policies/index.js';
import { PERSONAL_DATA_RESOURCE } from '../policies/retention.js';
import { recordAudit } from '../services/audit.js';
import { addDays } from '../services/calendar.js';
import { csvRow } from '../services/export.js';
import { formatFen } from '../services/money.js';
import type { DossierEntry } from '../services/dossier/zip-writer.js';
import type { BlobStore } from '../services/storage/index.js';
import { formatDateTime, workerName } from './format.js';

/** The retention page's address (#20). */
export const RETENTION_PATH = '/admin/retention';
/** How far ahead the page lists what is coming due. */
export const COMING_DAYS = 90;
/** How many of the job's latest actions the page lists. */
export const DONE_SHOWN = 100;

type KindState = 'waiting' | 'due' | 'held' | 'kept' | 'done';
type KindCell = { kind: RetentionKind; label: string; dueOn: string; state: KindState; stateLabel: string };

function cellsOf(
  contract: Contract,
  months: Record<RetentionKind, number>,
  held: boolean,
  actions: Map<string, RetentionAction>,
  day: string,
  lang: Lang,
): KindCell[] {
  return RETENTION_KINDS.map((kind) => {
    const dueOn = retentionDueOn(contract, months[kind]) ?? '';
    const action = actions.get(`${contract.id}:${kind}`);
    let state: KindState = 'waiting';
    if (action && action.kept === 0) state = 'done';
    else if (held) state = 'held';
    else if (action) state = 'kept';
    else if (dueOn <= day) state = 'due';
    return { kind, label: lang.t(`retention.kinds.${kind}`), dueOn, state, stateLabel: lang.t(`retention.states.${state}`) };
  });
}

const CONTRACT_ATTRS = ['id', 'number', 'status', 'endedAt', 'termEnd', 'organisationId', 'districtId'] as const;
const ORGANISATION = { model: Organisation, as: 'organisation', attributes: ['id', 'name'] };

/**
 * The retention page (#20): the periods form (the stored months, or the submitted ones after a
 * refusal, errors beside each field); the ended contracts with a kind due now or within
 * COMING_DAYS (each kind's day and state); the contracts under a legal hold; and what the job did
 * lately.
 */
export async function retentionPage(
  lang: Lang,
  form: { values: Record<string, unknown>; errors: FieldErrors } | null,
  holdForm: { values: Record<string, unknown>; errors: FieldErrors } | null,
) {
  const day = today();
  const months = await retentionMonths();
  const rules = await RetentionRule.findAll();
  const holds = await RetentionHold.findAll({
    include: [{ model: Contract, as: 'contract', attributes: [...CONTRACT_ATTRS], include: [ORGANISATION] }],
    order: [['placedAt', 'DESC']],
  });
  const placers = new Map(
    (await User.findAll({ where: { id: holds.map((h) => h.placedBy) }, attributes: ['id', 'username', 'displayName'] })).map((u) => [u.id, u]),
  );
  const held = new Set(holds.map((h) => h.contractId));
  const actions = await RetentionAction.findAll();
  const byKey = new Map(actions.map((a) => [`${a.contractId}:${a.kind}`, a]));
  const horizon = addDays(day, COMING_DAYS);
  const ended = await Contract.findAll({
    where: { status: ['completed', 'terminated'] },
    attributes: [...CONTRACT_ATTRS],
    include: [ORGANISATION],
    order: [['id', 'ASC']],
  });
  const row = (c: Contract) => ({
    id: c.id,
    number: c.number,
    href: `/contracts/${c.id}`,
    organisation: c.organisation?.name ?? '',
    endedOn: endedOn(c) ?? '',
    status: lang.t(`contracts.status.${c.status}`),
    cells: cellsOf(c, months, held.has(c.id), byKey, day, lang),
  });
  const due = ended
    .filter((c) => !held.has(c.id))
    .map(row)
    .filter((r) => r.cells.some((k) => (k.state === 'due' || k.state === 'kept' || k.state === 'waiting') && k.dueOn <= horizon))
    .sort((a, b) => Math.min(...a.cells.map((k) => Date.parse(k.dueOn))) - Math.min(...b.cells.map((k) => Date.parse(k.dueOn))));
  const contractsDone = new Map(
    (await Contract.findAll({ where: { id: [...new Set(actions.map((a) => a.contractId))] }, attributes: ['id', 'number'] })).map((c) => [c.id, c]),
  );
  const value = (kind: string, fallback: unknown) => {
    const v = form ? form.values[`${kind}_months`] : fallback;
    return v === null || v === undefined ? '' : String(v);
  };
  return {
    today: day,
    comingDays: COMING_DAYS,
    errors: form?.errors ?? {},
    rules: RETENTION_KINDS.map((kind) => ({
      kind,
      label: lang.t(`retention.kinds.${kind}`),
      what: lang.t(`retention.what.${kind}`),
      months: value(kind, rules.find((r) => r.kind === kind)?.months),
    })),
    hold: {
      values: { contractNumber: String(holdForm?.values.contractNumber ?? ''), reason: String(holdForm?.values.reason ?? '') },
      errors: holdForm?.errors ?? {},
    },
    due,
    held: holds.map((h) => ({
      contractId: h.contractId,
      number: h.contract?.number ?? '',
      href: `/contracts/${h.contractId}`,
      organisation: h.contract?.organisation?.name ?? '',
      endedOn: h.contract ? (endedOn(h.contract) ?? '') : '',
      reason: h.reason,
      placedBy: placers.get(h.placedBy)?.displayName ?? '',
      placedAt: formatDateTime(h.placedAt),
      releaseAction: `${RETENTION_PATH}/holds/${h.contractId}/release`,
    })),
    done: [...actions]
      .sort((a, b) => new Date(b.doneAt).getTime() - new Date(a.doneAt).getTime())
      .slice(0, DONE_SHOWN)
      .map((a) => ({
        number: contractsDone.get(a.contractId)?.number ?? '',
        href: `/contracts/${a.contractId}`,
        kind: lang.t(`retention.kinds.${a.kind}`),
        dueOn: a.dueOn,
        doneAt: formatDateTime(a.doneAt),
        removed: a.removed,
        kept: a.kept,
      })),
  };
}

/**
 * What the contract page says of its personal data (#20): each kind's day of removal and state,
 * once the contract has ended; and, for its organisation, the download of that data (the "return"
 * of art. 21) while any of it is still held.
 */
export async function contractRetention(actor: Actor, contract: Contract, lang: Lang) {
  if (!endedOn(contract)) return null;
  const months = await retentionMonths();
  const held = (await RetentionHold.findByPk(contract.id)) !== null;
  const actions = new Map((await RetentionAction.findAll({ where: { contractId: contract.id } })).map((a) => [`${a.contractId}:${a.kind}`, a]));
  const cells = cellsOf(contract, months, held, actions, today(), lang);
  const canDownload = can(actor, 'download', PERSONAL_DATA_RESOURCE, contract);
  return {
    held,
    cells,
    downloadHref: canDownload && cells.some((c) => c.state !== 'done') ? `/contracts/${contract.id}/personal-data.zip` : null,
  };
}

/** The personal data download's file name: 个人信息-<contract number>.zip. */
export function personalDataFilename(contract: Contract, lang: Lang): string {
  return `${lang.t('retention.download.filename', { number: contract.number })}.zip`;
}

const textEntry = (name: string, text: string): DossierEntry => ({ name, record: null, open: async () => text });
const BOM = '\uFEFF';

/**
 * The personal data of a contract as its organisation gets it back (#20, art. 21): the child
 * workers it engaged (numbers masked, as on every page and export: the organisation never held
 * them in full here), the claims made for them with their amounts, each receipt image still held,
 * and the organisation's contact person; a README says what is inside and when each kind goes.
 */
export async function* personalDataEntries(contract: Contract, store: BlobStore, lang: Lang): AsyncGenerator<DossierEntry> {
  const t = lang.t;
  const months = await retentionMonths();
  const readme = [
    t('retention.download.readme', { number: contract.number, ended: endedOn(contract) ?? '' }),
    ...RETENTION_KINDS.map(
      (k) => `- ${t(`retention.kinds.${k}`)}${t('punct.colon')}${retentionDueOn(contract, months[k]) ?? t('retention.download.whileRunning')}`,
    ),
    '',
  ].join('\n');
  yield textEntry('README.txt', readme);
  const engagements = await Engagement.findAll({
    where: { contractId: contract.id },
    include: [{ model: ChildWorker, as: 'worker' }],
    order: [['id', 'ASC']],
  });
  let csv =
    BOM +
    csvRow([
      t('retention.download.worker'),
      t('retention.download.kind'),
      t('retention.download.idNumber'),
      t('retention.download.phone'),
      t('retention.download.from'),
      t('retention.download.to'),
    ]);
  for (const e of engagements)
    csv += csvRow([
      workerName(e.worker, t),
      e.worker ? t(`workers.kinds.${e.worker.kind}`) : '',
      e.worker?.idNumberMasked,
      e.worker?.phoneMasked,
      e.startsOn,
      e.endsOn,
    ]);
  yield textEntry('engagements.csv', csv);
  const claims = await Claim.findAll({
    where: { contractId: contract.id },
    include: [
      { model: ChildWorker, as: 'worker', attributes: ['id', 'name', 'idNumberMasked'] },
      { model: ClaimLine, as: 'lines' },
    ],
    order: [['id', 'ASC']],
  });
  csv =
    BOM +
    csvRow([
      t('retention.download.claim'),
      t('retention.download.month'),
      t('retention.download.worker'),
      t('retention.download.idNumber'),
      t('retention.download.line'),
      t('retention.download.amount'),
      t('retention.download.receipt'),
    ]);
  const receiptIds: number[] = [];
  for (const c of claims)
    for (const l of c.lines ?? []) {
      csv += csvRow([
        c.id,
        c.month,
        workerName(c.worker, t),
        c.worker?.idNumberMasked,
        `${l.spentOn} ${t(`claims.kind.${l.kind}`)}`,
        formatFen(l.amountFen),
        l.receiptFileId,
      ]);
      receiptIds.push(l.receiptFileId);
    }
  yield textEntry('claims.csv', csv);
  const receipts = await StoredFile.findAll({ where: { id: receiptIds, deletedAt: { [Op.is]: null } }, order: [['id', 'ASC']] });
  for (const f of receipts) {
    if (!(await store.exists(f.storageKey))) continue;
    yield {
      name: `receipts/${f.id}-${f.originalName.replace(/[\\/:*?"<>|]/g, '_').slice(0, 120)}`,
      record: { type: 'stored_file', id: f.id },
      open: () => store.get(f.storageKey),
      store: true,
      storedSha256: f.sha256,
    };
  }
  const org = await Organisation.findByPk(contract.organisationId, { attributes: ['name', 'contactName', 'contactPhone', 'contactEmail'] });
  csv = BOM + csvRow([t('retention.download.organisation'), t('retention.download.contactName'), t('retention.download.phone'), t('retention.download.email')]);
  if (org) csv += csvRow([org.name, org.contactName, org.contactPhone, org.contactEmail]);
  yield textEntry('organisation-contact.csv', csv);
}

/** The manifest closing the download: every file with its size and SHA-256. */
export function personalDataManifest(contract: Contract, rows: { file: string; size: number; sha256: string }[]): DossierEntry[] {
  const text = `${JSON.stringify({ contract: { id: contract.id, number: contract.number }, files: rows.map(({ file, size, sha256 }) => ({ file, size, sha256 })) }, null, 2)}\n`;
  return [textEntry('manifest.json', text)];
}

/** Every download of a contract's personal data is audited (`contract.personal_data`). */
export async function auditPersonalDataDownload(contract: Contract, by: By): Promise<void> {
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'contract.personal_data',
    recordType: 'contract',
    recordId: contract.id,
    districtId: contract.districtId,
    detail: { number: contract.number },
    context: by.context,
  });
}

/** The second look before a legal hold is lifted (#20): what was held and why, and that what is due then goes for good. 404 when the contract holds none. */
export async function holdLiftConfirmation(contractId: number, { t }: Lang): Promise<Confirmation> {
  const hold = await RetentionHold.findByPk(contractId);
  const contract = hold && (await Contract.findByPk(contractId, { attributes: ['id', 'number'] }));
  if (!hold || !contract) throw new NotFoundError();
  const placedBy = await User.findByPk(hold.placedBy, { attributes: ['displayName'] });
  return {
    title: t('retention.held.confirmTitle', { number: contract.number }),
    consequences: [t('retention.held.confirmReason', { reason: hold.reason, placedBy: placedBy?.displayName ?? '' }), t('retention.held.confirmConsequence')],
    back: `${RETENTION_PATH}#held`,
    button: t('retention.held.release'),
  };
}
