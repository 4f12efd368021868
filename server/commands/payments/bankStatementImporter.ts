import { Op, QueryTypes } from 'sequelize';
import { BankStatement, BankStatementLine, type StatementLineStatus } from '../../../models/BankStatement.js';
import { Organisation } from '../../../models/index.js';
import { Payment } from '../../../models/Payment.js';
import { getSequelize, withTransaction } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { BANK_STATEMENT_RESOURCE } from '../../policies/batch.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import { paymentScope } from '../../policies/payment.js';
import type { StatementLine, StatementRead } from '../../schemas/bank-statement.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** Our payment reference as the payment run prints it for the bank (`CP-<payment id>`), found in a line's reference or remark. */
export const PAYMENT_REFERENCE = /\bCP-?(\d{1,10})\b/i;
/** A bank reference the payment's record accepts (paidForm's rule). */
const BANK_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-/_.]{0,63}$/;

type Candidate = { id: number; amountFen: number; account: string; status: string; bankReference: string | null };

/**
 * Matches each line to a payment: a paid payment holding the line's bank reference means the line
 * is already recorded; our payment reference in the line (with its amount) is a match; otherwise
 * the approved payments to the line's account for its amount: one is a match, several are
 * ambiguous, none unmatched. A payment two lines match makes both ambiguous (never paid twice).
 */
function matchLines(lines: StatementLine[], candidates: Candidate[], seenKeys: Set<string>) {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const paidByRef = new Map(candidates.filter((c) => c.status === 'paid' && c.bankReference).map((c) => [c.bankReference!.toUpperCase(), c]));
  const keys = new Set(seenKeys);
  const out = lines.map((l) => {
    const base = { line: l, paymentId: null as number | null, candidateCount: 0, reasonKey: null as string | null };
    if (keys.has(l.key)) return { ...base, status: 'duplicate' as StatementLineStatus };
    keys.add(l.key);
    const recorded = l.reference ? paidByRef.get(l.reference.toUpperCase()) : undefined;
    if (recorded) return { ...base, status: 'recorded' as StatementLineStatus, paymentId: recorded.id, candidateCount: 1 };
    if (!BANK_REFERENCE.test(l.reference)) return { ...base, status: 'unmatched' as StatementLineStatus, reasonKey: 'bankStatements.reasons.noReference' };
    const ours = PAYMENT_REFERENCE.exec(`${l.remark} ${l.reference}`);
    const named = ours ? byId.get(Number(ours[1])) : undefined;
    if (named && named.status === 'approved' && named.amountFen === l.amountFen)
      return { ...base, status: 'matched' as StatementLineStatus, paymentId: named.id, candidateCount: 1 };
    const found = candidates.filter((c) => c.status === 'approved' && c.amountFen === l.amountFen && c.account !== '' && c.account === l.payeeAccount);
    if (found.length === 1) return { ...base, status: 'matched' as StatementLineStatus, paymentId: found[0].id, candidateCount: 1 };
    if (found.length > 1)
      return { ...base, status: 'ambiguous' as StatementLineStatus, candidateCount: found.length, reasonKey: 'bankStatements.reasons.several' };
    return { ...base, status: 'unmatched' as StatementLineStatus, reasonKey: 'bankStatements.reasons.none' };
  });
  const uses = new Map<number, number>();
  for (const m of out) if (m.status === 'matched' && m.paymentId) uses.set(m.paymentId, (uses.get(m.paymentId) ?? 0) + 1);
  return out.map((m) =>
    m.status === 'matched' && m.paymentId && (uses.get(m.paymentId) ?? 0) > 1
      ? {
          ...m,
          status: 'ambiguous' as StatementLineStatus,
          paymentId: null,
          candidateCount: uses.get(m.paymentId)!,
          reasonKey: 'bankStatements.reasons.samePayment',
        }
      : m,
  );
}

/**
 * Imports a statement read from a file: the same file (its SHA-256) imported again in the
 * district returns the statement already there and changes nothing; otherwise the statement and
 * its outgoing lines, each matched (matchLines) against the payments of the districts whose money
 * the actor keeps, and a line whose key an earlier statement holds is a duplicate. Nothing is paid
 * here: confirming records the matched payments paid. Audited.
 */
export async function bankStatementImporter(
  read: StatementRead,
  file: { sha256: string; originalName: string },
  by: By,
): Promise<{ statement: BankStatement; again: boolean }> {
  if (!can(by.actor, 'import', BANK_STATEMENT_RESOURCE)) throw new ForbiddenError();
  const existing = await BankStatement.findOne({ where: { districtId: by.actor.districtId, sha256: file.sha256 } });
  if (existing) return { statement: existing, again: true };
  const payments = await Payment.findAll({
    where: { [Op.and]: [paymentScope(by.actor), { status: { [Op.in]: ['approved', 'paid'] } }] },
    attributes: ['id', 'amountFen', 'status', 'bankReference', 'districtId', 'organisationId'],
    include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'bankAccount'] }],
  });
  const candidates = payments
    .filter((p) => keepsMoneyOf(by.actor, p.districtId))
    .map((p) => ({
      id: p.id,
      amountFen: p.amountFen,
      status: p.status,
      bankReference: p.bankReference,
      account: (p.organisation?.bankAccount ?? '').replace(/\D/g, ''),
    }));
  const keys = read.lines.length
    ? await getSequelize().query<{ line_key: string }>('SELECT DISTINCT line_key FROM bank_statement_lines WHERE line_key IN (?)', {
        replacements: [read.lines.map((l) => l.key)],
        type: QueryTypes.SELECT,
      })
    : [];
  const matched = matchLines(read.lines, candidates, new Set(keys.map((k) => k.line_key)));
  return withTransaction(async (transaction) => {
    const statement = await BankStatement.create(
      {
        districtId: by.actor.districtId,
        sha256: file.sha256,
        originalName: file.originalName.slice(0, 255),
        lineCount: matched.length,
        importedBy: by.actor.id,
      },
      { transaction },
    );
    await BankStatementLine.bulkCreate(
      matched.map((m) => ({
        bankStatementId: statement.id,
        lineNo: m.line.line,
        lineKey: m.line.key,
        valueDate: m.line.valueDate,
        reference: m.line.reference.slice(0, 64),
        payeeName: m.line.payeeName.slice(0, 200),
        payeeAccount: m.line.payeeAccount.slice(0, 32),
        amountFen: m.line.amountFen,
        remark: m.line.remark.slice(0, 500),
        status: m.status,
        paymentId: m.paymentId,
        candidateCount: m.candidateCount,
        reasonKey: m.reasonKey,
      })),
      { transaction },
    );
    const counts: Record<string, number> = {};
    for (const m of matched) counts[m.status] = (counts[m.status] ?? 0) + 1;
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'bank_statement.import',
      recordType: 'bank_statement',
      recordId: statement.id,
      districtId: statement.districtId,
      detail: { file: statement.originalName, sha256: file.sha256, lines: matched.length, skipped: read.skipped, problems: read.problems.length, ...counts },
      context: by.context,
    });
    return { statement, again: false };
  });
}
