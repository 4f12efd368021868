import { Op, QueryTypes } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Instalment } from '../../models/Instalment.js';
import { Organisation, User } from '../../models/index.js';
import { Payment } from '../../models/Payment.js';
import { PaymentRun, PaymentRunItem } from '../../models/PaymentRun.js';
import { today } from '../clock.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, canMap } from '../policies/index.js';
import { PAYMENT_RUN_RESOURCE } from '../policies/batch.js';
import { keepsMoneyOf } from '../policies/finance.js';
import { paymentScope } from '../policies/payment.js';
import { districtScope } from '../policies/scopes.js';
import type { ExportColumn } from '../services/export.js';
import { fenToChineseCapitals, fenToInput, formatFen } from '../services/money.js';
import { formatDateTime } from './format.js';
import { maskBankAccount } from './organisations.js';

export const PAYMENT_RUNS_PATH = '/payment-runs';

const PAYMENT_WITH = [
  { model: Organisation, as: 'organisation', attributes: ['id', 'name', 'uscc', 'bankName', 'bankAccount'] },
  { model: Contract, as: 'contract', attributes: ['id', 'number'] },
  { model: Instalment, as: 'instalment', attributes: ['id', 'seq', 'milestone'] },
];

/** One line of a run as the page, the printed list and the export show it. */
export type RunLine = {
  paymentId: number;
  paymentHref: string;
  payee: string;
  uscc: string;
  bankName: string;
  bankAccount: string;
  bankAccountMasked: string;
  amountFen: number;
  amount: string;
  purpose: string;
  contractNumber: string;
  fundSource: string;
  budgetLine: string;
  status: string;
  statusLabel: string;
  paid: boolean;
  bankReference: string;
  paidOn: string;
  outcome: string;
  reason: string;
};

/** The budget lines funding each contract (net commitments), one query for all of them. */
async function fundingOf(contractIds: readonly number[], lang: Lang): Promise<Map<number, { fundSource: string; budgetLine: string }>> {
  const out = new Map<number, { fundSource: string; budgetLine: string }>();
  if (contractIds.length === 0) return out;
  const rows = await getSequelize().query<{ contract_id: number; name: string; year: number; fund_source: string }>(
    `SELECT e.record_id AS contract_id, b.name, b.year, b.fund_source FROM budget_lines b
     JOIN allocations a ON a.budget_line_id = b.id
     JOIN (SELECT record_id, account_id, SUM(amount_fen) AS net FROM ledger_entries
           WHERE account_type = 'allocation' AND movement IN ('commit', 'uncommit') AND record_type = 'contract' AND record_id IN (?)
           GROUP BY record_id, account_id) e ON e.account_id = a.id
     WHERE e.net < 0 ORDER BY e.record_id, b.id`,
    { replacements: [[...new Set(contractIds)]], type: QueryTypes.SELECT },
  );
  for (const r of rows) {
    const id = Number(r.contract_id);
    const prev = out.get(id);
    const fundSource = lang.t(`finance.fundSource.${r.fund_source}`);
    const budgetLine = `${r.year} ${r.name}`;
    const sep = lang.t('punct.semicolon');
    out.set(
      id,
      prev
        ? { fundSource: [...new Set([...prev.fundSource.split(sep), fundSource])].join(sep), budgetLine: `${prev.budgetLine}${sep}${budgetLine}` }
        : { fundSource, budgetLine },
    );
  }
  return out;
}

/** Payments as run lines: payee and account, purpose (instalment and milestone, or the claim and its month), funding; three queries for any number. */
async function runLines(payments: Payment[], items: Map<number, PaymentRunItem>, lang: Lang): Promise<RunLine[]> {
  const { t } = lang;
  const claimIds = payments.filter((p) => p.kind === 'claim').map((p) => p.id);
  const [claims, funding] = await Promise.all([
    claimIds.length ? Claim.findAll({ where: { paymentId: { [Op.in]: claimIds } }, attributes: ['id', 'month', 'paymentId'] }) : [],
    fundingOf(
      payments.map((p) => p.contractId),
      lang,
    ),
  ]);
  const claimOf = new Map(claims.map((c) => [c.paymentId!, c]));
  return payments.map((p) => {
    const claim = claimOf.get(p.id);
    const item = items.get(p.id);
    const vars = item?.reasonVars ? (JSON.parse(item.reasonVars) as Record<string, string | number>) : {};
    return {
      paymentId: p.id,
      paymentHref: `/payments/${p.id}`,
      payee: p.organisation?.name ?? '',
      uscc: p.organisation?.uscc ?? '',
      bankName: p.organisation?.bankName ?? '',
      bankAccount: (p.organisation?.bankAccount ?? '').replace(/(\d{4})(?=\d)/g, '$1 '),
      bankAccountMasked: maskBankAccount(p.organisation?.bankAccount),
      amountFen: p.amountFen,
      amount: formatFen(p.amountFen),
      purpose: claim
        ? `${t('payments.form.claimRef', { id: claim.id, month: claim.month })} ${t('paymentRuns.claimPurpose')}`
        : `${t('payments.kind.instalment')} ${p.instalment?.seq ?? ''} · ${p.instalment?.milestone ?? ''}`,
      contractNumber: p.contract?.number ?? '',
      fundSource: funding.get(p.contractId)?.fundSource ?? '',
      budgetLine: funding.get(p.contractId)?.budgetLine ?? '',
      status: p.status,
      statusLabel: t(`payments.status.${p.status}`),
      paid: p.status === 'paid',
      bankReference: p.bankReference ?? '',
      paidOn: p.paidOn ?? '',
      outcome: item?.outcome ?? '',
      reason: item?.reasonKey ? t(item.reasonKey, vars) : '',
    };
  });
}

/** Approved payments the actor may gather (districts whose money they keep), not in a run yet, oldest approval first. */
export async function gatherablePayments(actor: Actor): Promise<Payment[]> {
  const payments = await Payment.findAll({
    where: {
      [Op.and]: [
        paymentScope(actor),
        { status: 'approved' },
        getSequelize().literal('NOT EXISTS (SELECT 1 FROM payment_run_items i WHERE i.payment_id = `Payment`.`id`)'),
      ],
    },
    include: PAYMENT_WITH,
    order: [
      ['approvedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: 500,
  });
  return payments.filter((p) => keepsMoneyOf(actor, p.districtId));
}

/** The page where finance gathers a run: approved payments not in a run, to tick. */
export async function newRunPage(actor: Actor, lang: Lang) {
  const payments = await gatherablePayments(actor);
  const lines = await runLines(payments, new Map(), lang);
  return { lines, total: formatFen(lines.reduce((s, l) => s + l.amountFen, 0)) };
}

/** Loads a run the actor may see (their district's; city level: all), else 404. */
export async function loadPaymentRun(actor: Actor, id: number): Promise<PaymentRun> {
  const run = await PaymentRun.findOne({
    where: { [Op.and]: [districtScope(actor), { id }] },
    include: [
      { model: User, as: 'creator', attributes: ['id', 'displayName'] },
      { model: User, as: 'payer', attributes: ['id', 'displayName'] },
    ],
  });
  if (!run) throw new NotFoundError();
  return run;
}

/** A run's lines (in the order gathered) with their payments' current state. */
export async function linesOfRun(run: PaymentRun, lang: Lang): Promise<RunLine[]> {
  const items = await PaymentRunItem.findAll({ where: { paymentRunId: run.id }, order: [['id', 'ASC']] });
  const payments = await Payment.findAll({ where: { id: { [Op.in]: items.map((i) => i.paymentId) } }, include: PAYMENT_WITH });
  const byId = new Map(payments.map((p) => [p.id, p]));
  return runLines(items.map((i) => byId.get(i.paymentId)!).filter(Boolean), new Map(items.map((i) => [i.paymentId, i])), lang);
}

/** A run's page: its facts, the lines (accounts masked on screen), the total in capitals, and the form recording it paid. */
export async function paymentRunPage(actor: Actor, run: PaymentRun, lang: Lang) {
  const lines = await linesOfRun(run, lang);
  return {
    run: runFacts(run, lang),
    lines,
    unpaid: lines.filter((l) => !l.paid),
    can: canMap(actor, PAYMENT_RUN_RESOURCE, ['pay', 'print', 'export'], run),
    today: today(),
  };
}

function runFacts(run: PaymentRun, lang: Lang) {
  return {
    id: run.id,
    href: `${PAYMENT_RUNS_PATH}/${run.id}`,
    printHref: `${PAYMENT_RUNS_PATH}/${run.id}/print`,
    csvHref: `${PAYMENT_RUNS_PATH}/${run.id}?format=csv`,
    xlsxHref: `${PAYMENT_RUNS_PATH}/${run.id}?format=xlsx`,
    count: run.itemCount,
    total: formatFen(run.totalFen),
    totalCapitals: fenToChineseCapitals(run.totalFen),
    status: run.status,
    statusLabel: lang.t(`paymentRuns.status.${run.status}`),
    statusClass: run.status === 'paid' ? 'text-bg-success' : 'text-bg-info',
    creator: run.creator?.displayName ?? '',
    createdAt: formatDateTime(run.createdAt),
    payer: run.payer?.displayName ?? '',
    paidOn: run.paidOn ?? '',
  };
}

/** The printed list (拨付清单) for the bank: full accounts, the total in figures and in Chinese capitals. */
export async function paymentRunPrintPage(run: PaymentRun, lang: Lang) {
  return { run: runFacts(run, lang), lines: await linesOfRun(run, lang), printedOn: today() };
}

/** The export of a run for the bank's payment file: full accounts, as printed. */
export function paymentRunExportColumns(lang: Lang): ExportColumn<RunLine>[] {
  const f = (k: string) => lang.t(`paymentRuns.fields.${k}`);
  return [
    { header: f('paymentId'), value: (l) => l.paymentId },
    { header: f('paymentRef'), value: (l) => `CP-${l.paymentId}` },
    { header: f('payee'), value: (l) => l.payee },
    { header: f('bankName'), value: (l) => l.bankName },
    { header: f('bankAccount'), value: (l) => l.bankAccount.replace(/\s/g, '') },
    { header: f('amountYuan'), value: (l) => fenToInput(l.amountFen) },
    { header: f('purpose'), value: (l) => l.purpose },
    { header: f('fundSource'), value: (l) => l.fundSource },
    { header: f('budgetLine'), value: (l) => l.budgetLine },
    { header: f('contract'), value: (l) => l.contractNumber },
    { header: f('bankReference'), value: (l) => l.bankReference },
  ];
}

/** The runs of the actor's district, newest first. */
export async function paymentRunListPage(actor: Actor, lang: Lang) {
  const runs = await PaymentRun.findAll({
    where: districtScope(actor),
    include: [{ model: User, as: 'creator', attributes: ['id', 'displayName'] }],
    order: [['id', 'DESC']],
    limit: 200,
  });
  return { rows: runs.map((r) => runFacts(r, lang)), can: { create: can(actor, 'create', PAYMENT_RUN_RESOURCE) } };
}
