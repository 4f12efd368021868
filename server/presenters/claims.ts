import { choiceTextConditions, contractChoice, organisationChoice, linkedChoice } from './choice-filters.js';
import { literal, Op, type Order, type WhereOptions } from 'sequelize';
import { getSequelize } from '../db.js';
import { previewKindOf } from '../services/storage/download.js';
import { CHILD_WORKER_KINDS, ChildWorker } from '../../models/ChildWorker.js';
import { CLAIM_STATUSES, CLAIM_TRANSITIONS, Claim, ClaimLine, type ClaimStatus } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Payment } from '../../models/Payment.js';
import { AuditEvent, District, Organisation, StoredFile, User } from '../../models/index.js';
import { today } from '../clock.js';
import { capsOf, capsRowsOf, capsVersionOf } from '../commands/claims/claimCaps.js';
import { ceilingFundsOf } from '../commands/claims/claimCeiling.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { CLAIM_RESOURCE, claimScope } from '../policies/claim.js';
import { awaitsSecondReviewer } from '../policies/payment.js';
import { BATCH_KIND_SPECS } from '../commands/batches/batchKinds.js';
import type { QueueFilterQuery } from '../schemas/batches.js';
import type { ClaimFilter, ClaimListQuery, ClaimSortKey } from '../schemas/claims.js';
import { queueBatchFrame, queueFilterChoices } from './batches.js';
import { CLAIM_SORT_KEYS } from '../schemas/claims.js';
import type { ExportColumn } from '../services/export.js';
import { fenToChineseCapitals, fenToInput, formatFen } from '../services/money.js';
import { districtsInOrder } from '../services/reference.js';
import { actionLabel } from './audit.js';
import { districtName, workerName } from './format.js';
import { formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage, sumsOf } from '../services/list-query.js';
import { editFormValues, type FormValues } from './stale-edit.js';

export const CLAIMS_PATH = '/claims';

/** What a row shows beside the claim, loaded in the same query (no N+1). */
const WITH = [
  { model: Contract, as: 'contract', attributes: ['id', 'number', 'valueFen', 'reimbursementCeilingFen', 'status', 'projectId'] },
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder', 'singleFinanceReviewer'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name', 'uscc'] },
  { model: ChildWorker, as: 'worker', attributes: ['id', 'name', 'kind', 'idNumberMasked'] },
  ...(['submitter', 'verifier', 'approver', 'decider'] as const).map((as) => ({ model: User, as, attributes: ['id', 'displayName'] })),
];

export const CLAIM_STATUS_CLASS: Record<ClaimStatus, string> = {
  draft: 'text-bg-secondary',
  submitted: 'text-bg-warning',
  verified: 'text-bg-info',
  approved: 'text-bg-primary',
  paid: 'text-bg-success',
  returned: 'text-bg-warning',
  rejected: 'text-bg-danger',
};

/**
 * The overview's claims figures (#17) as a list: paid within a period (the payment's paid day) and
 * to one kind of worker. Subqueries on the claim's own columns, so the list's count stays on the
 * claims table alone.
 */
function paidWithin(filter: ClaimFilter): WhereOptions<Claim>[] {
  const and: WhereOptions<Claim>[] = [];
  const q = (v: string) => getSequelize().escape(v);
  if (filter.paidFrom || filter.paidTo) {
    const days = [filter.paidFrom ? `paid_on >= ${q(filter.paidFrom)}` : '', filter.paidTo ? `paid_on <= ${q(filter.paidTo)}` : ''].filter(Boolean);
    and.push({ paymentId: { [Op.in]: literal(`(SELECT id FROM payments WHERE ${days.join(' AND ')})`) } });
  }
  if (filter.workerKind) and.push({ childWorkerId: { [Op.in]: literal(`(SELECT id FROM child_workers WHERE kind = ${q(filter.workerKind)})`) } });
  return and;
}

export function claimListWhere(actor: Actor, filter: ClaimFilter): WhereOptions<Claim> {
  const where: Record<string | symbol, unknown> = { [Op.and]: [claimScope(actor)] };
  for (const key of ['status', 'month', 'districtId', 'organisationId', 'contractId', 'childWorkerId'] as const) {
    if (filter[key]) where[key] = filter[key];
  }
  (where[Op.and] as unknown[]).push(...choiceTextConditions(filter), ...paidWithin(filter));
  return where as WhereOptions<Claim>;
}

function orderOf(sort: ClaimSortKey, dir: 'asc' | 'desc'): Order {
  const column = { month: 'month', total: 'totalFen', status: 'status', updatedAt: 'updatedAt' } as const;
  return [
    [column[sort], dir.toUpperCase()],
    ['id', 'ASC'],
  ] as Order;
}

/** A claim as every page shows it: money as ¥ and in capitals, names, the worker's masked number. */
export function claimSummary(c: Claim, lang: Lang) {
  const { t } = lang;
  return {
    id: c.id,
    href: `${CLAIMS_PATH}/${c.id}`,
    formHref: `${CLAIMS_PATH}/${c.id}/form`,
    month: c.month,
    contractNumber: c.contract?.number ?? '',
    contractHref: `/contracts/${c.contractId}`,
    organisationName: c.organisation?.name ?? '',
    districtName: districtName(c.district, lang),
    workerName: workerName(c.worker, t),
    workerKind: c.worker ? t(`workers.kinds.${c.worker.kind}`) : '',
    workerIdMasked: c.worker?.idNumberMasked ?? '',
    workerHref: `/workers/${c.childWorkerId}`,
    total: formatFen(c.totalFen),
    totalCapitals: fenToChineseCapitals(c.totalFen),
    // What was claimed, shown beside the total when a line was lowered (partial sanction).
    claimed: formatFen(c.claimedFen),
    lowered: c.claimedFen !== c.totalFen,
    status: c.status,
    statusLabel: t(`claims.status.${c.status}`),
    statusClass: CLAIM_STATUS_CLASS[c.status as ClaimStatus],
    submitter: c.submitter?.displayName ?? '',
    submittedAt: formatDateTime(c.submittedAt),
    verifier: c.verifier?.displayName ?? '',
    verifiedAt: formatDateTime(c.verifiedAt),
    approver: c.approver?.displayName ?? '',
    approvedAt: formatDateTime(c.approvedAt),
    decider: c.decider?.displayName ?? '',
    decidedAt: formatDateTime(c.decidedAt),
    reason: c.reason ?? '',
    paymentHref: c.paymentId ? `/payments/${c.paymentId}` : '',
    paymentLabel: c.paymentId ? t('claims.paymentLink', { id: c.paymentId }) : '',
  };
}

/** One page of claims in the actor's scope: two queries (page with its parents, districts) whatever the size. */
export async function claimListPage(actor: Actor, query: ClaimListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  // The count on the claims alone, up to its cap, and the page's ids from the order's index (#15).
  const where = claimListWhere(actor, query);
  const [{ rows, ...count }, districts, sum] = await Promise.all([
    findListPage(Claim, {
      where,
      include: WITH,
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsInOrder(),
    // What the whole filter adds up to, and how many workers it pays (the overview's "directors paid", #17).
    sumsOf(Claim, where, { amount: 'totalFen', workers: { distinct: 'childWorkerId' } }),
  ]);
  const workers = query.workerKind === 'director' ? 'claims.listSums.directors' : 'claims.listSums.workers';
  return {
    show,
    rows: rows.map((c) => claimSummary(c, lang)),
    ...listFrame(
      CLAIMS_PATH,
      query,
      count,
      CLAIM_SORT_KEYS,
      [
        'status',
        'month',
        'districtId',
        'contractId',
        'childWorkerId',
        'organisationId',
        'contractText',
        'organisationText',
        'paidFrom',
        'paidTo',
        'workerKind',
      ],
      [
        { key: 'amount', label: t('claims.listSums.amount'), value: formatFen(sum.amount) },
        { key: 'workers', label: '', value: String(sum.workers), text: t(workers, { count: sum.workers }) },
      ],
    ),
    choices: {
      contract: await contractChoice(actor, lang, CLAIMS_PATH, query, show.organisation),
      organisation: await organisationChoice(actor, lang, CLAIMS_PATH, query, show.organisation),
      worker: linkedChoice(
        'childWorkerId',
        t('claims.fields.worker'),
        rows[0]?.worker ? workerName(rows[0].worker, t) : t('list.chosenRecord'),
        CLAIMS_PATH,
        query,
      ),
    },
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      statuses: withAll(
        lang,
        CLAIM_STATUSES.map((s) => ({ value: s, label: t(`claims.status.${s}`) })),
      ),
      workerKinds: withAll(
        lang,
        CHILD_WORKER_KINDS.map((k) => ({ value: k, label: t(`workers.kinds.${k}`) })),
      ),
    },
    can: canMap(actor, CLAIM_RESOURCE, ['export', 'queue', 'totals', 'create']),
  };
}

/**
 * The actor's queue: submitted claims for an officer, verified ones for finance, never their own;
 * oldest first, narrowed by the queue's filter, with the batch bar (tick many, or all matching).
 */
export async function claimQueuePage(actor: Actor, filter: QueueFilterQuery, lang: Lang) {
  const kind = actor.role === 'finance' ? 'claim-approve' : 'claim-verify';
  const [rows, batch, choices] = await Promise.all([
    Claim.findAll({
      where: BATCH_KIND_SPECS[kind].where(actor, filter),
      include: WITH,
      order: [
        ['updatedAt', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: 200,
    }),
    queueBatchFrame(kind, actor, filter, lang),
    queueFilterChoices(kind, actor, lang),
  ]);
  return {
    rows: rows.map((c) => ({ ...claimSummary(c, lang), totalFen: c.totalFen })),
    batch,
    choices,
    filters: {
      month: filter.month ?? '',
      organisationId: filter.organisationId ? String(filter.organisationId) : '',
      districtId: filter.districtId ? String(filter.districtId) : '',
    },
    show: scopeShow(actor),
  };
}

export function claimExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Claim>[] {
  const { t } = lang;
  const f = (k: string) => t(`claims.fields.${k}`);
  return scopedColumns(
    [
      { header: f('id'), value: (c) => c.id },
      { header: f('month'), value: (c) => c.month },
      { header: f('district'), value: (c) => districtName(c.district, lang), scope: 'district' },
      { header: f('contract'), value: (c) => c.contract?.number ?? '' },
      { header: f('organisation'), value: (c) => c.organisation?.name ?? '', scope: 'organisation' },
      { header: f('worker'), value: (c) => workerName(c.worker, t) },
      { header: f('idNumber'), value: (c) => c.worker?.idNumberMasked ?? '' },
      { header: f('claimedYuan'), value: (c) => fenToInput(c.claimedFen) },
      { header: f('totalYuan'), value: (c) => fenToInput(c.totalFen) },
      { header: f('status'), value: (c) => t(`claims.status.${c.status}`) },
      { header: f('submittedAt'), value: (c) => formatDateTime(c.submittedAt) },
      { header: f('verifier'), value: (c) => c.verifier?.displayName ?? '' },
      { header: f('approver'), value: (c) => c.approver?.displayName ?? '' },
      { header: f('reason'), value: (c) => c.reason ?? '' },
    ],
    show,
  );
}

export function claimExportQuery(actor: Actor, filter: ClaimFilter) {
  return { where: claimListWhere(actor, filter), include: WITH };
}

/** Loads a claim the actor may see; anything else (another organisation's, another district's) is a 404. */
export async function loadClaim(actor: Actor, id: number): Promise<Claim> {
  const c = await Claim.findOne({ where: { [Op.and]: [claimScope(actor), { id }] }, include: WITH });
  if (!c) throw new NotFoundError();
  return c;
}

/**
 * What the claim's line forms (adding one, removing one, lowering one: partial sanction) were
 * opened on: the claim's version and its lines as stored (day, what for, amount, and what a line
 * was lowered to), so a stale save's notice shows the lines another save added, removed or
 * lowered (routes/kit.ts staleEdit).
 */
export async function claimFormValuesOf(c: Claim): Promise<FormValues> {
  const lines = await ClaimLine.findAll({
    where: { claimId: c.id },
    attributes: ['spentOn', 'description', 'amountFen', 'sanctionedFen'],
    order: [
      ['spentOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const lowered = (l: ClaimLine) => (l.sanctionedFen === null || l.sanctionedFen === undefined ? '' : ` → ${formatFen(l.sanctionedFen)}`);
  return editFormValues(c, { lines: lines.map((l) => `${l.spentOn} ${l.description} ${formatFen(l.amountFen)}${lowered(l)}`) });
}

/** How a stale caps save's notice labels the two caps, as the form does. */
export const CAPS_LABELS = { area: 'claims', keys: { transport: 'claims.fields.capTransport', communication: 'claims.fields.capCommunication' } };

/**
 * The caps form's values (the city default's, `contractId` null, or a contract's: its own, else
 * the default it follows) under the version of the set it saves (`capsVersionOf`).
 */
export async function capsFormValuesOf(contractId: number | null): Promise<FormValues> {
  const [caps, rows] = await Promise.all([capsOf(contractId ?? 0), capsRowsOf(contractId)]);
  return editFormValues({ lockVersion: capsVersionOf(rows) }, { transport: fenToInput(caps.transport), communication: fenToInput(caps.communication) });
}

/** The claim's lines with their receipts and who lowered them (one query). */
async function linesOf(claimId: number) {
  return ClaimLine.findAll({
    where: { claimId },
    include: [
      { model: StoredFile, as: 'receipt', attributes: ['id', 'originalName', 'mimeType', 'size', 'deletedAt'] },
      { model: User, as: 'sanctioner', attributes: ['id', 'displayName'] },
    ],
    order: [
      ['spentOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}

/** A line's partial sanction as the pages and the printed form show it ('' when the amount claimed stands). */
function sanctionOf(l: ClaimLine) {
  return {
    counted: formatFen(l.countedFen),
    sanctioned: l.sanctionedFen === null ? '' : formatFen(l.sanctionedFen),
    sanctionReason: l.sanctionReason ?? '',
    sanctioner: l.sanctioner?.displayName ?? '',
    sanctionedAt: formatDateTime(l.sanctionedAt),
  };
}

/**
 * A claim's page: its facts, lines with receipts, history (its audit events), the contract's
 * ceiling and caps, and the buttons the policy and its state allow.
 */
export async function claimDetailPage(actor: Actor, c: Claim, lang: Lang) {
  const { t } = lang;
  const [lines, events, caps, funds] = await Promise.all([
    linesOf(c.id),
    AuditEvent.findAll({ where: { recordType: 'claim', recordId: String(c.id) }, order: [['seq', 'ASC']] }),
    capsOf(c.contractId),
    c.contract ? ceilingFundsOf(c.contract) : { ceilingFen: 0, fundedFen: 0, reservedFen: 0, leftFen: 0 },
  ]);
  const moves = movesOf(actor, CLAIM_RESOURCE, CLAIM_TRANSITIONS, c);
  // A claim is paid through its payment, which approval wrote.
  const may = { ...moves, pay: moves.pay && Boolean(c.paymentId), form: can(actor, 'form', CLAIM_RESOURCE, c) };
  const secondReviewer = c.status === 'approved' && awaitsSecondReviewer(actor, c);
  return {
    claim: claimSummary(c, lang),
    // Why it was last returned or rejected, while it stays so.
    decision:
      c.reason && (c.status === 'returned' || c.status === 'rejected')
        ? { reason: c.reason, decider: c.decider?.displayName ?? '', at: formatDateTime(c.decidedAt) }
        : null,
    submitLabelKey: c.status === 'returned' ? 'claims.actions.resubmit' : 'claims.actions.submit',
    lines: lines.map((l) => ({
      id: l.id,
      spentOn: l.spentOn,
      kindLabel: t(`claims.kind.${l.kind}`),
      description: l.description,
      amount: formatFen(l.amountFen),
      ...sanctionOf(l),
      fapiaoCode: l.fapiaoCode ?? '',
      fapiaoNumber: l.fapiaoNumber,
      fapiaoDigitalNumber: l.fapiaoDigitalNumber ?? '',
      receiptName: l.receipt?.originalName ?? '',
      receiptHref: `${CLAIMS_PATH}/${c.id}/receipts/${l.receiptFileId}`,
      // The receipt beside its line for whoever checks it: a photo in the page, a PDF in a frame.
      // Removed after its retention period (#20): the line stays, the image is gone.
      receiptDeleted: Boolean(l.receipt?.deletedAt),
      receiptPreview: l.receipt?.deletedAt ? null : previewKindOf(l.receipt?.mimeType),
      receiptPreviewHref: `${CLAIMS_PATH}/${c.id}/receipts/${l.receiptFileId}?inline=1`,
      removeHref: `${CLAIMS_PATH}/${c.id}/lines/${l.id}/delete`,
    })),
    history: events.map((e) => ({
      at: formatDateTime(e.at),
      who: e.actorName ?? '',
      what: actionLabel(e.action, t),
      reason: (JSON.parse(e.detail ?? '{}') as { reason?: string }).reason ?? '',
    })),
    money: { ceiling: formatFen(funds.ceilingFen), funded: formatFen(funds.fundedFen), reserved: formatFen(funds.reservedFen), left: formatFen(funds.leftFen) },
    caps: {
      transport: formatFen(caps.transport),
      communication: formatFen(caps.communication),
      source: t(caps.own ? 'claims.caps.contract' : 'claims.caps.city'),
    },
    // The lines the verifier or approver may lower, with what counts now.
    sanctionChoices: lines.map((l) => ({ value: l.id, label: `${l.spentOn} ${t(`claims.kind.${l.kind}`)} ${formatFen(l.countedFen)}` })),
    kinds: [
      { value: 'transport', label: t('claims.kind.transport') },
      { value: 'communication', label: t('claims.kind.communication') },
    ],
    can: may,
    secondReviewer,
    today: today(),
  };
}

/** The printable claim form (报销单): facts, lines, the total in figures and in Chinese capitals, who did what. */
export async function claimFormPage(c: Claim, lang: Lang) {
  const [lines, payment] = await Promise.all([
    linesOf(c.id),
    c.paymentId
      ? Payment.findByPk(c.paymentId, {
          attributes: ['id', 'paidOn', 'bankReference', 'paidAt'],
          include: [{ model: User, as: 'payer', attributes: ['id', 'displayName'] }],
        })
      : null,
  ]);
  return {
    claim: claimSummary(c, lang),
    // Once paid: the day the money left, the bank's reference and who recorded it.
    paid: payment?.paidOn
      ? { paidOn: payment.paidOn, bankReference: payment.bankReference ?? '', payer: payment.payer?.displayName ?? '', at: formatDateTime(payment.paidAt) }
      : null,
    printedOn: today(),
    lines: lines.map((l) => ({
      spentOn: l.spentOn,
      kindLabel: lang.t(`claims.kind.${l.kind}`),
      description: l.description,
      amount: formatFen(l.amountFen),
      ...sanctionOf(l),
      fapiao: [l.fapiaoCode, l.fapiaoNumber].filter(Boolean).join(' / ') + (l.fapiaoDigitalNumber ? ` (${l.fapiaoDigitalNumber})` : ''),
    })),
  };
}

/** Loads a contract for the claims pages through the actor's scope (organisation: their own; staff: their district), else 404. */
export async function loadClaimsContract(actor: Actor, id: number): Promise<Contract> {
  const c = await Contract.findOne({ where: { [Op.and]: [claimScope(actor), { id }] } });
  if (!c) throw new NotFoundError();
  return c;
}
