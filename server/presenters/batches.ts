import { Op } from 'sequelize';
import { Batch, BATCH_STATUSES, type BatchKind, BatchItem } from '../../models/Batch.js';
import { Organisation, User } from '../../models/index.js';
import { now } from '../clock.js';
import { BATCH_KIND_SPECS, type Candidate, MAX_BATCH_ITEMS, type QueueFilter } from '../commands/batches/batchKinds.js';
import { BATCH_STALE_MS, batchCounts } from '../commands/batches/batchRunner.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { Confirmation } from '../middleware/confirm.js';
import { type Actor, can } from '../policies/index.js';
import { BATCH_RESOURCE, batchScope } from '../policies/batch.js';
import type { BatchItemsQuery, BatchListQuery } from '../schemas/batches.js';
import { BATCH_SORT_KEYS } from '../schemas/batches.js';
import { formatFen } from '../services/money.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName, formatDateTime } from './format.js';
import { listFrame, pageWindow, withAll } from './list-page.js';

export const BATCHES_PATH = '/batches';

/** The queue page each kind is chosen on (where "back" leads). */
export const QUEUE_OF: Record<BatchKind, string> = {
  'allocation-approve': '/allocations/queue',
  'payment-approve': '/payments/queue',
  'claim-verify': '/claims/queue',
  'claim-approve': '/claims/queue',
};

const RECORD_HREF: Record<string, string> = { claim: '/claims', payment: '/payments', allocation: '/allocations' };
const OUTCOME_CLASS: Record<string, string> = { pending: 'text-bg-secondary', done: 'text-bg-success', refused: 'text-bg-danger' };
const STATUS_CLASS: Record<string, string> = { running: 'text-bg-info', done: 'text-bg-success', interrupted: 'text-bg-warning' };

/** The filter as a query string: kept with the batch (what "all matching" meant) and carried by the queue's forms. */
export function filterText(filter: QueueFilter): string {
  return new URLSearchParams(Object.entries(filter).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();
}

/** The second look before a batch: how many items, their total, and that each is decided on its own by the single action's rules. */
export function batchConfirmation(kind: BatchKind, items: readonly Candidate[], lang: Lang): Confirmation {
  const { t } = lang;
  const total = formatFen(items.reduce((s, i) => s + i.amountFen, 0));
  return {
    title: t(`batches.kinds.${kind}`),
    amount: total,
    consequences: [
      t('batches.confirm.what', {
        count: items.length,
        record: t(`batches.records.${BATCH_KIND_SPECS[kind].recordType}`),
        total,
        action: t(`batches.verbs.${kind}`),
      }),
      t('batches.confirm.each'),
      t('batches.confirm.result'),
    ],
    back: QUEUE_OF[kind],
    button: t('batches.confirm.button', { count: items.length }),
  };
}

/**
 * What a queue page shows for batches of `kind`: how many rows match the filter and their total
 * (one aggregate query), the address the forms post to, and whether the actor may start one.
 */
export async function queueBatchFrame(kind: BatchKind, actor: Actor, filter: QueueFilter, lang: Lang) {
  const spec = BATCH_KIND_SPECS[kind];
  const column = spec.amountColumn === 'totalFen' ? 'total_fen' : 'amount_fen';
  const [row] = (await (spec.model as unknown as typeof Batch).findAll({
    where: spec.where(actor, filter) as never,
    attributes: [
      [getSequelize().fn('COUNT', getSequelize().col('id')), 'n'],
      [getSequelize().fn('SUM', getSequelize().col(column)), 'fen'],
    ],
    raw: true,
  })) as unknown as { n: number | string; fen: number | string | null }[];
  const count = Number(row?.n ?? 0);
  return {
    kind,
    action: `${BATCHES_PATH}/${kind}`,
    can: can(actor, kind, BATCH_RESOURCE),
    count,
    total: formatFen(Number(row?.fen ?? 0)),
    tooMany: count > MAX_BATCH_ITEMS,
    max: MAX_BATCH_ITEMS,
    filter: Object.entries(filter).flatMap(([name, v]) => (v === undefined || v === '' ? [] : [{ name, value: String(v) }])),
    actionLabel: lang.t(`batches.verbs.${kind}`),
  };
}

/** The filter choices of a queue page: districts (city level), and the organisations present in the queue. */
export async function queueFilterChoices(kind: BatchKind, actor: Actor, lang: Lang) {
  const spec = BATCH_KIND_SPECS[kind];
  const present =
    kind === 'allocation-approve'
      ? []
      : ((await (spec.model as unknown as typeof Batch).findAll({
          where: spec.where(actor, {}) as never,
          attributes: [[getSequelize().fn('DISTINCT', getSequelize().col('organisation_id')), 'organisationId']],
          raw: true,
        })) as unknown as { organisationId: number }[]);
  const organisations = present.length
    ? await Organisation.findAll({ where: { id: { [Op.in]: present.map((p) => p.organisationId) } }, attributes: ['id', 'name'], order: [['name', 'ASC']] })
    : [];
  const districts = actor.cityLevel ? await districtsInOrder() : [];
  return {
    districts: districts.length
      ? withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        )
      : [],
    organisations: withAll(
      lang,
      organisations.map((o) => ({ value: o.id, label: o.name })),
    ),
    paymentKinds: withAll(lang, [
      { value: 'instalment', label: lang.t('payments.kind.instalment') },
      { value: 'claim', label: lang.t('payments.kind.claim') },
    ]),
  };
}

/** Loads a batch the actor may see (their district's; city level: all), else 404. */
export async function loadBatch(actor: Actor, id: number): Promise<Batch> {
  const batch = await Batch.findOne({
    where: { [Op.and]: [batchScope(actor), { id }] },
    include: [{ model: User, as: 'creator', attributes: ['id', 'displayName'] }],
  });
  if (!batch) throw new NotFoundError();
  return batch;
}

/** A batch whose runner stopped: interrupted by a fault, or running with no heartbeat for a while (its process died). */
function stopped(b: Batch): boolean {
  if (b.status === 'interrupted') return true;
  return b.status === 'running' && b.heartbeatAt !== null && now().getTime() - new Date(b.heartbeatAt).getTime() > BATCH_STALE_MS;
}

/** How far a batch is: counts per outcome and the share decided (what the page polls). */
export async function batchProgress(b: Batch) {
  const counts = await batchCounts(b.id);
  const decided = counts.done + counts.refused;
  return {
    status: stopped(b) ? 'interrupted' : b.status,
    total: b.itemCount,
    done: counts.done,
    refused: counts.refused,
    pending: counts.pending,
    decided,
    percent: b.itemCount ? Math.floor((decided * 100) / b.itemCount) : 100,
    doneAmount: formatFen(counts.doneFen),
  };
}

function reasonText(item: BatchItem, lang: Lang): string {
  if (!item.reasonKey) return '';
  const vars = item.reasonVars ? (JSON.parse(item.reasonVars) as Record<string, string | number>) : {};
  const text = lang.t(item.reasonKey, vars);
  return text === item.reasonKey ? lang.t('batches.refusedUnknown') : text;
}

/** A batch's page: who started it and when, its progress and outcome, and its items a page at a time (by outcome). */
export async function batchPage(actor: Actor, b: Batch, query: BatchItemsQuery, lang: Lang) {
  const { t } = lang;
  const path = `${BATCHES_PATH}/${b.id}`;
  const where = { batchId: b.id, ...(query.outcome ? { outcome: query.outcome } : {}) };
  const [progress, { rows, count }] = await Promise.all([batchProgress(b), BatchItem.findAndCountAll({ where, order: [['id', 'ASC']], ...pageWindow(query) })]);
  const recordType = BATCH_KIND_SPECS[b.kind].recordType;
  return {
    batch: {
      id: b.id,
      href: path,
      progressHref: `${path}/progress`,
      kindLabel: t(`batches.kinds.${b.kind}`),
      creator: b.creator?.displayName ?? '',
      createdAt: formatDateTime(b.createdAt),
      finishedAt: formatDateTime(b.finishedAt),
      total: formatFen(b.totalFen),
      count: b.itemCount,
      statusLabel: t(`batches.status.${progress.status}`),
      statusClass: STATUS_CLASS[progress.status],
      running: progress.status === 'running',
      queueHref: QUEUE_OF[b.kind],
      filter: b.filter ?? '',
    },
    progress,
    items: rows.map((i) => ({
      id: i.id,
      recordLabel: t(`batches.recordRef.${recordType}`, { id: i.recordId }),
      recordHref: `${RECORD_HREF[i.recordType]}/${i.recordId}`,
      amount: formatFen(i.amountFen),
      outcome: i.outcome,
      outcomeLabel: t(`batches.outcome.${i.outcome}`),
      outcomeClass: OUTCOME_CLASS[i.outcome],
      reason: reasonText(i, lang),
      decidedAt: formatDateTime(i.decidedAt),
    })),
    ...listFrame(path, query, count, ['id'] as const, ['outcome']),
    outcomes: withAll(
      lang,
      (['done', 'refused', 'pending'] as const).map((o) => ({ value: o, label: t(`batches.outcome.${o}`) })),
    ),
    can: { resume: stopped(b) && can(actor, 'resume', BATCH_RESOURCE, b) },
  };
}

/** The batches of the actor's district (city level: all), newest first, by status. */
export async function batchListPage(actor: Actor, query: BatchListQuery, lang: Lang) {
  const { t } = lang;
  const where = { [Op.and]: [batchScope(actor), query.status ? { status: query.status } : {}] };
  const { rows, count } = await Batch.findAndCountAll({
    where,
    include: [{ model: User, as: 'creator', attributes: ['id', 'displayName'] }],
    order: [
      ['createdAt', query.dir.toUpperCase()],
      ['id', query.dir.toUpperCase()],
    ],
    ...pageWindow(query),
  });
  return {
    rows: rows.map((b) => ({
      id: b.id,
      href: `${BATCHES_PATH}/${b.id}`,
      kindLabel: t(`batches.kinds.${b.kind}`),
      creator: b.creator?.displayName ?? '',
      createdAt: formatDateTime(b.createdAt),
      count: b.itemCount,
      total: formatFen(b.totalFen),
      statusLabel: t(`batches.status.${stopped(b) ? 'interrupted' : b.status}`),
      statusClass: STATUS_CLASS[stopped(b) ? 'interrupted' : b.status],
    })),
    ...listFrame(BATCHES_PATH, query, count, BATCH_SORT_KEYS, ['status']),
    statuses: withAll(
      lang,
      BATCH_STATUSES.map((s) => ({ value: s, label: t(`batches.status.${s}`) })),
    ),
  };
}
