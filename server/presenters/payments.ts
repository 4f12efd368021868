import { choiceTextConditions, contractChoice, organisationChoice } from './choice-filters.js';
import { Op, type Order, QueryTypes, type WhereOptions } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { District, Organisation, User } from '../../models/index.js';
import { Instalment, OPEN_INSTALMENT_STATUSES } from '../../models/Instalment.js';
import { PAYMENT_STATUSES, PAYMENT_TRANSITIONS, Payment, type PaymentStatus } from '../../models/Payment.js';
import { Project } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { today } from '../clock.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { awaitsSecondReviewer, FINANCE_DASHBOARD_RESOURCE, PAYMENT_RESOURCE, paymentScope } from '../policies/payment.js';
import { BANK_STATEMENT_RESOURCE, PAYMENT_RUN_RESOURCE } from '../policies/batch.js';
import { BATCH_KIND_SPECS } from '../commands/batches/batchKinds.js';
import type { QueueFilterQuery } from '../schemas/batches.js';
import type { PaymentFilter, PaymentListQuery, PaymentSortKey } from '../schemas/payments.js';
import { queueBatchFrame, queueFilterChoices } from './batches.js';
import { PAYMENT_SORT_KEYS } from '../schemas/payments.js';
import type { ExportColumn } from '../services/export.js';
import { balances } from '../services/ledger.js';
import { fenToChineseCapitals, fenToInput, formatFen } from '../services/money.js';
import { districtName } from './format.js';
import { formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';
import { instalmentFactsOf, instalmentWaitsFor, milestoneTieOf } from './instalment-steps.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage, sumsOf } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';

export const PAYMENTS_PATH = '/payments';

/** What a row shows beside the payment, loaded in the same query (no N+1). */
const WITH = [
  {
    model: Contract,
    as: 'contract',
    attributes: ['id', 'number', 'projectId', 'valueFen', 'status'],
    include: [{ model: Project, as: 'project', attributes: ['id', 'title'] }],
  },
  { model: Instalment, as: 'instalment', attributes: ['id', 'seq', 'milestone', 'amountFen', 'dueOn'] },
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder', 'singleFinanceReviewer', 'singleFinanceReviewerNote'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name', 'uscc'] },
  { model: User, as: 'requester', attributes: ['id', 'displayName'] },
  { model: User, as: 'approver', attributes: ['id', 'displayName'] },
  { model: User, as: 'payer', attributes: ['id', 'displayName'] },
  { model: User, as: 'rejecter', attributes: ['id', 'displayName'] },
];

const STATUS_CLASS: Record<PaymentStatus, string> = {
  requested: 'text-bg-warning',
  approved: 'text-bg-info',
  paid: 'text-bg-success',
  rejected: 'text-bg-danger',
};

export function paymentListWhere(actor: Actor, filter: PaymentFilter): WhereOptions<Payment> {
  const where: Record<string | symbol, unknown> = { [Op.and]: [paymentScope(actor)] };
  for (const key of ['year', 'districtId', 'status', 'organisationId', 'contractId'] as const) {
    if (filter[key]) where[key] = filter[key];
  }
  (where[Op.and] as unknown[]).push(...choiceTextConditions(filter));
  if (filter.paidTo) (where[Op.and] as unknown[]).push({ paidOn: { [Op.lte]: filter.paidTo } });
  return where as WhereOptions<Payment>;
}

function orderOf(sort: PaymentSortKey, dir: 'asc' | 'desc'): Order {
  const column = { requestedAt: 'requestedAt', amount: 'amountFen', status: 'status', paidOn: 'paidOn', year: 'year', updatedAt: 'updatedAt' } as const;
  return [
    [column[sort], dir.toUpperCase()],
    ['id', 'ASC'],
  ] as Order;
}

/** A payment as every page shows it: money as ¥ and in capitals, dates in Asia/Shanghai, names. */
export function paymentSummary(p: Payment, lang: Lang) {
  const { t } = lang;
  return {
    id: p.id,
    href: `${PAYMENTS_PATH}/${p.id}`,
    formHref: `${PAYMENTS_PATH}/${p.id}/form`,
    year: p.year,
    kindLabel: t(`payments.kind.${p.kind}`),
    districtName: districtName(p.district, lang),
    contractNumber: p.contract?.number ?? '',
    contractHref: `/contracts/${p.contractId}`,
    contractValue: p.contract ? formatFen(p.contract.valueFen) : '',
    instalmentsHref: `${PAYMENTS_PATH}/contracts/${p.contractId}`,
    projectTitle: p.contract?.project?.title ?? '',
    organisationName: p.organisation?.name ?? '',
    organisationUscc: p.organisation?.uscc ?? '',
    instalmentSeq: p.instalment?.seq ?? '',
    milestone: p.instalment?.milestone ?? '',
    amount: formatFen(p.amountFen),
    amountCapitals: fenToChineseCapitals(p.amountFen),
    status: p.status,
    statusLabel: t(`payments.status.${p.status}`),
    statusClass: STATUS_CLASS[p.status as PaymentStatus],
    requester: p.requester?.displayName ?? '',
    requestedAt: formatDateTime(p.requestedAt),
    approver: p.approver?.displayName ?? '',
    approvedAt: formatDateTime(p.approvedAt),
    payer: p.payer?.displayName ?? '',
    paidAt: formatDateTime(p.paidAt),
    paidOn: p.paidOn ?? '',
    bankReference: p.bankReference ?? '',
    rejecter: p.rejecter?.displayName ?? '',
    rejectedAt: formatDateTime(p.rejectedAt),
    rejectionReason: p.rejectionReason ?? '',
  };
}

/** One page of payments in the actor's scope: two queries (page with its parents, districts) whatever the size. */
export async function paymentListPage(actor: Actor, query: PaymentListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  // The count on the payments alone, up to its cap, and the page's ids from the order's index (#15).
  const where = paymentListWhere(actor, query);
  const [{ rows, ...count }, districts, sum] = await Promise.all([
    findListPage(Payment, {
      where,
      include: WITH,
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsInOrder(),
    sumsOf(Payment, where, { amount: 'amountFen' }),
  ]);
  return {
    show,
    rows: rows.map((p) => paymentSummary(p, lang)),
    ...listFrame(
      PAYMENTS_PATH,
      query,
      count,
      PAYMENT_SORT_KEYS,
      ['year', 'districtId', 'status', 'organisationId', 'contractId', 'contractText', 'organisationText', 'paidTo'],
      [{ key: 'amount', label: t('payments.fields.amount'), value: formatFen(sum.amount) }],
    ),
    choices: {
      contract: await contractChoice(actor, lang, PAYMENTS_PATH, query, show.organisation),
      organisation: await organisationChoice(actor, lang, PAYMENTS_PATH, query, show.organisation),
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
        PAYMENT_STATUSES.map((s) => ({ value: s, label: t(`payments.status.${s}`) })),
      ),
    },
    can: {
      ...canMap(actor, PAYMENT_RESOURCE, ['export', 'queue']),
      ...canMap(actor, FINANCE_DASHBOARD_RESOURCE, ['view']),
      // Where finance pays from: the payment runs for the bank and the bank's statements (#18).
      runs: can(actor, 'list', PAYMENT_RUN_RESOURCE),
      statements: can(actor, 'list', BANK_STATEMENT_RESOURCE),
    },
  };
}

/** Finance's approval queue: requested payments of their district (not their own requests), oldest first, narrowed by the filter, with the batch bar. */
export async function paymentQueuePage(actor: Actor, filter: QueueFilterQuery, lang: Lang) {
  const [rows, batch, choices] = await Promise.all([
    Payment.findAll({
      where: BATCH_KIND_SPECS['payment-approve'].where(actor, filter),
      include: WITH,
      order: [
        ['requestedAt', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: 200,
    }),
    queueBatchFrame('payment-approve', actor, filter, lang),
    queueFilterChoices('payment-approve', actor, lang),
  ]);
  return {
    rows: rows.map((p) => ({ ...paymentSummary(p, lang), amountFen: p.amountFen })),
    batch,
    choices,
    filters: {
      paymentKind: filter.paymentKind ?? '',
      organisationId: filter.organisationId ? String(filter.organisationId) : '',
      districtId: filter.districtId ? String(filter.districtId) : '',
    },
    show: scopeShow(actor),
  };
}

export function paymentExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Payment>[] {
  const { t } = lang;
  const f = (k: string) => t(`payments.fields.${k}`);
  return scopedColumns(
    [
      { header: f('id'), value: (p) => p.id },
      { header: f('year'), value: (p) => p.year },
      { header: f('district'), value: (p) => districtName(p.district, lang), scope: 'district' },
      { header: f('contract'), value: (p) => p.contract?.number ?? '' },
      { header: f('organisation'), value: (p) => p.organisation?.name ?? '', scope: 'organisation' },
      { header: f('kind'), value: (p) => t(`payments.kind.${p.kind}`) },
      { header: f('instalment'), value: (p) => p.instalment?.seq ?? '' },
      { header: f('amountYuan'), value: (p) => fenToInput(p.amountFen) },
      { header: f('status'), value: (p) => t(`payments.status.${p.status}`) },
      { header: f('requester'), value: (p) => p.requester?.displayName ?? '' },
      { header: f('requestedAt'), value: (p) => formatDateTime(p.requestedAt) },
      { header: f('approver'), value: (p) => p.approver?.displayName ?? '' },
      { header: f('approvedAt'), value: (p) => formatDateTime(p.approvedAt) },
      { header: f('bankReference'), value: (p) => p.bankReference ?? '' },
      { header: f('paidOn'), value: (p) => p.paidOn ?? '' },
      { header: f('rejectionReason'), value: (p) => p.rejectionReason ?? '' },
    ],
    show,
  );
}

export function paymentExportQuery(actor: Actor, filter: PaymentFilter) {
  return { where: paymentListWhere(actor, filter), include: WITH };
}

/** Loads a payment the actor may see; anything else is a 404. */
export async function loadPayment(actor: Actor, id: number): Promise<Payment> {
  const p = await Payment.findOne({ where: { [Op.and]: [paymentScope(actor), { id }] }, include: WITH });
  if (!p) throw new NotFoundError();
  return p;
}

/** A payment's page: its facts, why it was rejected (when it was), and the buttons the policy and its state allow. */
export function paymentDetailPage(actor: Actor, p: Payment, lang: Lang) {
  const moves = movesOf(actor, PAYMENT_RESOURCE, PAYMENT_TRANSITIONS, p);
  // A claim's payment is settled through its claim, never rejected on its own (paymentDecision).
  const may = { ...moves, reject: moves.reject && p.kind !== 'claim', form: can(actor, 'form', PAYMENT_RESOURCE, p) };
  const payment = paymentSummary(p, lang);
  const rejection = p.status === 'rejected' ? { reason: payment.rejectionReason, rejecter: payment.rejecter, at: payment.rejectedAt } : null;
  // Approving and paying are separate duties: the approver is told who records the payment.
  const secondReviewer = p.status === 'approved' && awaitsSecondReviewer(actor, p);
  return { payment, rejection, can: may, secondReviewer, today: today() };
}

/** Loads a contract the actor may see (for its instalments page); anything else is a 404. */
export async function loadPaymentContract(actor: Actor, id: number): Promise<Contract> {
  const c = await Contract.findOne({
    where: { [Op.and]: [paymentScope(actor), { id }] },
    include: [
      { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
      { model: Project, as: 'project', attributes: ['id', 'title'] },
    ],
  });
  if (!c) throw new NotFoundError();
  return c;
}

/**
 * A contract's instalments with their payments and what the ledger holds for it (committed and
 * paid), and for each instalment the buttons its state allows (mark the milestone met, request).
 */
export async function contractPaymentsPage(actor: Actor, contract: Contract, lang: Lang) {
  const [instalments, payments, committed, paid, facts] = await Promise.all([
    Instalment.findAll({
      where: { contractId: contract.id },
      order: [
        ['seq', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
    Payment.findAll({ where: { contractId: contract.id }, include: WITH, order: [['id', 'ASC']] }),
    balances('contract_committed', [contract.id]),
    balances('paid', [contract.id]),
    instalmentFactsOf(contract),
  ]);
  const may = canMap(actor, PAYMENT_RESOURCE, ['request', 'milestone'], contract);
  const active = contract.status === 'active';
  return {
    contract: {
      id: contract.id,
      number: contract.number,
      href: `/contracts/${contract.id}`,
      status: contract.status,
      organisationName: contract.organisation?.name ?? '',
      projectTitle: contract.project?.title ?? '',
      value: formatFen(contract.valueFen),
      committed: formatFen(committed.get(contract.id) ?? 0),
      paid: formatFen(paid.get(contract.id) ?? 0),
    },
    instalments: instalments.map((i) => {
      // What the instalment still waits for ('' when nothing): said where a button is missing (#12).
      const waits = instalmentWaitsFor(i, facts, lang);
      return {
        id: i.id,
        seq: i.seq,
        milestone: i.milestone,
        dueOn: i.dueOn ?? '',
        amount: formatFen(i.amountFen),
        status: i.status,
        statusLabel: lang.t(`payments.instalmentStatus.${i.status}`),
        finalEvaluation: i.requiresFinalEvaluation,
        tie: milestoneTieOf(i, lang),
        waits,
        can: {
          milestone: may.milestone && active && i.status === 'scheduled' && i.milestoneKind === 'manual',
          request: may.request && active && i.status === 'due' && !waits,
          // The request the officer cannot make yet: shown disabled beside what it waits for (#12).
          requestBlocked: may.request && OPEN_INSTALMENT_STATUSES.includes(i.status) && !!waits,
        },
      };
    }),
    payments: payments.map((p) => paymentSummary(p, lang)),
  };
}

/** The printable approval form (支付审批表): the payment with both forms of its amount. */
export async function paymentFormPage(p: Payment, lang: Lang) {
  const { t } = lang;
  const [organisation, lines, claim] = await Promise.all([
    Organisation.findByPk(p.organisationId, { attributes: ['id', 'bankName', 'bankAccount'] }),
    fundingLinesOf(p.contractId),
    p.kind === 'claim' ? Claim.findOne({ where: { paymentId: p.id }, attributes: ['id', 'month', 'claimedFen', 'totalFen'] }) : null,
  ]);
  const payment = paymentSummary(p, lang);
  return {
    payment: {
      ...payment,
      // A claim's payment has no instalment: its line names the claim and its month instead.
      instalmentText: claim ? t('payments.form.claimRef', { id: claim.id, month: claim.month }) : `${payment.kindLabel} ${payment.instalmentSeq}`,
      milestone: claim ? t('payments.form.claimMilestone') : payment.milestone,
      claimHref: claim ? `/claims/${claim.id}` : '',
      // A claim lowered at verification or approval: what was claimed beside what is paid.
      claimLowered:
        claim && claim.claimedFen !== claim.totalFen
          ? t('claims.sanction.lowered', { claimed: formatFen(claim.claimedFen), total: formatFen(claim.totalFen) })
          : '',
    },
    // The printed form carries the payee's full account (lists mask it).
    payee: { bankName: organisation?.bankName ?? '', bankAccount: groupedAccount(organisation?.bankAccount ?? '') },
    funding: lines.map((l) => ({ line: l.name, year: l.year, fundSource: t(`finance.fundSource.${l.fundSource}`) })),
    // The district's recorded exception, when the approver also recorded the payment.
    singleReviewer:
      p.approvedBy !== null && p.approvedBy === p.paidBy ? (p.district?.singleFinanceReviewerNote ?? t('payments.form.singleReviewerNoNote')) : null,
    printedOn: today(),
  };
}

/** An account number in groups of four, as banks print it. */
function groupedAccount(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The budget lines whose allocations hold money committed to the contract (net of what was given back), oldest first. */
async function fundingLinesOf(contractId: number): Promise<{ name: string; year: number; fundSource: string }[]> {
  const rows = await getSequelize().query<{ name: string; year: number; fund_source: string }>(
    `SELECT b.name, b.year, b.fund_source FROM budget_lines b
     JOIN allocations a ON a.budget_line_id = b.id
     JOIN (SELECT account_id, SUM(amount_fen) AS net, MIN(id) AS first FROM ledger_entries
           WHERE account_type = 'allocation' AND movement IN ('commit', 'uncommit') AND record_type = 'contract' AND record_id = ?
           GROUP BY account_id) e ON e.account_id = a.id
     WHERE e.net < 0
     GROUP BY b.id, b.name, b.year, b.fund_source ORDER BY MIN(e.first)`,
    { replacements: [contractId], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ name: r.name, year: Number(r.year), fundSource: r.fund_source }));
}
