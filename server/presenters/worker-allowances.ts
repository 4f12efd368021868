import { AllowanceList } from '../../models/AllowanceList.js';
import { AllowanceListRow } from '../../models/AllowanceListRow.js';
import type { Lang } from '../i18n/index.js';
import { ALLOWANCE_LIST_RESOURCE } from '../policies/allowance.js';
import { type Actor, can } from '../policies/index.js';
import { formatFen } from '../services/money.js';
import { allowanceListHref } from './allowances.js';

/** How many months of allowances a worker's page shows (the newest). */
const SHOWN = 24;

/**
 * A worker's allowance history for their page (#21): the months they were listed, newest first,
 * with the amount, the role and employment it was paid for, and where the list stands (a rejected
 * list's rows are not money: they are shown struck through as such). Null when the reader may not
 * read allowance lists.
 */
export async function workerAllowancesSection(actor: Actor, worker: { id: number; districtId: number }, lang: Lang) {
  if (!can(actor, 'list', ALLOWANCE_LIST_RESOURCE, { districtId: worker.districtId })) return null;
  const { t } = lang;
  const rows = await AllowanceListRow.findAll({
    where: { childWorkerId: worker.id },
    include: [{ model: AllowanceList, as: 'list', attributes: ['id', 'status', 'paidOn', 'districtId'] }],
    order: [
      ['month', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: SHOWN,
  });
  const paidFen = rows.filter((r) => r.list?.status === 'paid').reduce((s, r) => s + r.amountFen, 0);
  return {
    rows: rows.map((r) => ({
      month: r.month,
      amount: formatFen(r.amountFen),
      label: `${t(`workers.kinds.${r.role}`)} · ${t(`workers.employments.${r.employment}`)}`,
      statusLabel: r.list ? t(`allowances.statuses.${r.list.status}`) : '',
      settled: r.list?.status === 'paid' || r.list?.status === 'approved',
      paidOn: r.list?.paidOn ?? '',
      href: r.list && can(actor, 'read', ALLOWANCE_LIST_RESOURCE, r.list) ? allowanceListHref(r.list.id) : null,
    })),
    paidTotal: formatFen(paidFen),
  };
}
