import { Op } from 'sequelize';
import { BankStatement, BankStatementLine, STATEMENT_LINE_STATUSES } from '../../models/BankStatement.js';
import { User } from '../../models/index.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { Confirmation } from '../middleware/confirm.js';
import { type Actor, can, canMap } from '../policies/index.js';
import { BANK_STATEMENT_RESOURCE } from '../policies/batch.js';
import { districtScope } from '../policies/scopes.js';
import { formatFen } from '../services/money.js';
import { formatDateTime } from './format.js';
import { maskBankAccount } from './organisations.js';
import { withAll } from './list-page.js';

export const BANK_STATEMENTS_PATH = '/bank-statements';

const STATUS_CLASS: Record<string, string> = {
  matched: 'text-bg-primary',
  recorded: 'text-bg-success',
  ambiguous: 'text-bg-warning',
  unmatched: 'text-bg-secondary',
  duplicate: 'text-bg-light border',
};

/** Loads a statement the actor may see (their district's; city level: all), else 404. */
export async function loadBankStatement(actor: Actor, id: number): Promise<BankStatement> {
  const s = await BankStatement.findOne({
    where: { [Op.and]: [districtScope(actor), { id }] },
    include: [{ model: User, as: 'importer', attributes: ['id', 'displayName'] }],
  });
  if (!s) throw new NotFoundError();
  return s;
}

/** Lines per status and the amount of each, in one grouped query. */
async function countsOf(statementId: number) {
  const rows = (await BankStatementLine.findAll({
    attributes: ['status', [getSequelize().fn('COUNT', getSequelize().col('id')), 'n'], [getSequelize().fn('SUM', getSequelize().col('amount_fen')), 'fen']],
    where: { bankStatementId: statementId },
    group: ['status'],
    raw: true,
  })) as unknown as { status: string; n: number | string; fen: number | string }[];
  const counts = Object.fromEntries(STATEMENT_LINE_STATUSES.map((s) => [s, { count: 0, fenNum: 0, amount: formatFen(0) }]));
  for (const r of rows) counts[r.status] = { count: Number(r.n), fenNum: Number(r.fen), amount: formatFen(Number(r.fen)) };
  return counts;
}

/** The statements page: the import form and the statements of the actor's district, newest first. */
export async function bankStatementListPage(actor: Actor) {
  const rows = await BankStatement.findAll({
    where: districtScope(actor),
    include: [{ model: User, as: 'importer', attributes: ['id', 'displayName'] }],
    order: [['id', 'DESC']],
    limit: 100,
  });
  return {
    rows: rows.map((s) => ({
      id: s.id,
      href: `${BANK_STATEMENTS_PATH}/${s.id}`,
      name: s.originalName,
      lines: s.lineCount,
      importer: s.importer?.displayName ?? '',
      at: formatDateTime(s.createdAt),
    })),
    can: { import: can(actor, 'import', BANK_STATEMENT_RESOURCE) },
  };
}

/** A statement's page: counts per status, its lines (by status), each with its payment and why it did or did not match. */
export async function bankStatementPage(actor: Actor, s: BankStatement, status: string | undefined, lang: Lang) {
  const { t } = lang;
  const [counts, lines] = await Promise.all([
    countsOf(s.id),
    BankStatementLine.findAll({ where: { bankStatementId: s.id, ...(status ? { status } : {}) }, order: [['id', 'ASC']], limit: 1000 }),
  ]);
  return {
    statement: {
      id: s.id,
      href: `${BANK_STATEMENTS_PATH}/${s.id}`,
      name: s.originalName,
      importer: s.importer?.displayName ?? '',
      at: formatDateTime(s.createdAt),
      lines: s.lineCount,
    },
    counts,
    matchedAmount: counts.matched.amount,
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.lineNo,
      valueDate: l.valueDate,
      reference: l.reference,
      payeeName: l.payeeName,
      payeeAccount: maskBankAccount(l.payeeAccount),
      amount: formatFen(l.amountFen),
      remark: l.remark,
      status: l.status,
      statusLabel: t(`bankStatements.status.${l.status}`),
      statusClass: STATUS_CLASS[l.status],
      paymentHref: l.paymentId ? `/payments/${l.paymentId}` : '',
      paymentLabel: l.paymentId ? t('batches.recordRef.payment', { id: l.paymentId }) : '',
      reason: l.reasonKey ? t(l.reasonKey, l.reasonVars ? (JSON.parse(l.reasonVars) as Record<string, string>) : { count: l.candidateCount }) : '',
    })),
    statuses: withAll(
      lang,
      STATEMENT_LINE_STATUSES.map((x) => ({ value: x, label: t(`bankStatements.status.${x}`) })),
    ),
    status: status ?? '',
    can: {
      ...canMap(actor, BANK_STATEMENT_RESOURCE, ['reconcile'], s),
      confirm: can(actor, 'reconcile', BANK_STATEMENT_RESOURCE, s) && counts.matched.count > 0,
    },
  };
}

/** The second look before the matched payments are recorded paid. */
export async function reconcileConfirmation(s: BankStatement, { t }: Lang): Promise<Confirmation> {
  const counts = await countsOf(s.id);
  return {
    title: t('bankStatements.confirm.title', { id: s.id }),
    amount: counts.matched.amount,
    consequences: [
      t('bankStatements.confirm.moves', { count: counts.matched.count, amount: counts.matched.amount }),
      t('bankStatements.confirm.each'),
      t('confirm.pay.final'),
    ],
    back: `${BANK_STATEMENTS_PATH}/${s.id}`,
    button: t('bankStatements.confirm.button'),
  };
}
