import type { Translate } from '../i18n/index.js';
import { answerRate, type CallLogFileError, type CallLogResult, type CallLogRowError, closureRate } from '../services/call-log.js';
import { REFERRAL_DEPARTMENTS } from '../services/hotline.js';
import type { Lang } from '../i18n/index.js';

/** A rate 0–1 as `87.5%`, or `—` when there is nothing to divide by. */
function percent(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** One row error in the user's language: line, column and what is wrong (a personal number only masked). */
export function describeCallLogError(error: CallLogRowError, t: Translate): string {
  const vars = error.vars ?? {};
  const message = t(error.message, vars);
  if (!error.column) return t('callLog.rowErrorNoColumn', { line: error.line, message });
  const column =
    'field' in error.column
      ? t(`callLog.columns.${error.column.field}`)
      : t('callLog.columnOther', { index: error.column.index + 1, header: error.column.header });
  return t('callLog.rowError', { line: error.line, column, message });
}

/** Why a file as a whole could not be read, in the user's language. */
export function describeCallLogFileError(error: CallLogFileError, t: Translate): string {
  const vars = { ...error.vars };
  if (error.reason === 'missingColumns')
    vars.columns = String(vars.columns ?? '')
      .split(',')
      .map((f) => t(`callLog.columns.${f}`))
      .join(t('callLog.listSeparator'));
  return t(`callLog.file.${error.reason}`, vars);
}

/**
 * What a call-log preview shows: the metrics as the deliverable would report them, with the two
 * rates, the referrals per department in the departments' order, the row counts and the first
 * errors in the user's language.
 */
export function presentCallLogResult(result: CallLogResult, lang: Lang) {
  const { metrics: m } = result;
  return {
    metrics: {
      callsReceived: m.callsReceived,
      callsAnswered: m.callsAnswered,
      answerRate: percent(answerRate(m)),
      averageAnswerSeconds: m.averageAnswerSeconds,
      casesClosed: m.casesClosed,
      closureRate: percent(closureRate(m)),
      referrals: REFERRAL_DEPARTMENTS.filter((d) => (m.referrals[d.code] ?? 0) > 0).map((d) => ({
        code: d.code,
        name: lang.locale === 'en' ? d.nameEn : d.name,
        count: m.referrals[d.code] ?? 0,
      })),
    },
    rows: result.rows,
    countedRows: result.countedRows,
    errorRows: result.errorRows,
    errorCount: result.errorCount,
    unlistedErrors: result.errorCount - result.errors.length,
    errors: result.errors.map((e) => ({ line: e.line, text: describeCallLogError(e, lang.t) })),
  };
}
