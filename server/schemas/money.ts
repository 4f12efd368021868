import { z } from 'zod';
import { MAX_FEN } from '../services/money.js';

/**
 * The one parser of amounts people type (SECURITY.md "Input"; issue #13): every unambiguous way
 * of writing yuan is taken exactly, on the digits (never through a floating-point number):
 *
 * - full-width characters from a Chinese input method become ASCII (`１２００．５０` → `1200.50`);
 * - an optional currency mark before (`¥`, `￥`, `RMB`, `CNY`) and/or `元` after;
 * - thousands separators only where they belong (`1,200`, `1,234,567.8`; not `1,20` or `12,00`);
 * - at most two decimals, from 0 to 10^12 fen.
 *
 * Anything else — signs, exponents, `1.234` (three decimals, or a European thousands mark),
 * `12.`, `.5`, spaces inside the digits, 角/分 — is refused, and the form shows an accepted example.
 */
const MONEY_TEXT = /^(?:¥|RMB|CNY)?\s*([1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(?:元)?$/i;

/** NFKC folds full-width digits, `，`, `．` and `￥` into their ASCII forms; then trimmed. */
function folded(text: string): string {
  return text.normalize('NFKC').trim();
}

/** An amount typed in yuan as integer fen, or `null` when it is not one (see above). */
export function parseMoneyToFen(text: string): number | null {
  const m = MONEY_TEXT.exec(folded(text));
  if (!m) return null;
  const digits = m[1].replaceAll(',', '');
  if (digits.length > 14) return null;
  const fen = BigInt(digits) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  if (fen > BigInt(MAX_FEN)) return null;
  return Number(fen);
}

const PERCENT_TEXT = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/;

/** A share typed in per cent (`30`, `12.5`, `30%`, `３０％`) as basis points (3000), at most 100 %; else `null`. */
export function parsePercentToBp(text: string): number | null {
  const m = PERCENT_TEXT.exec(folded(text));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp > 10_000 ? null : bp;
}

type MoneyOptions = { message?: string; positive?: boolean };

/**
 * A form field holding an amount in yuan, parsed to integer fen. `positive` refuses 0; the error
 * (default `validation.money`, whose text shows accepted examples) is `message`.
 */
export const moneyField = ({ message = 'validation.money', positive = false }: MoneyOptions = {}) =>
  z.string({ message }).transform((text, ctx) => {
    const fen = parseMoneyToFen(text);
    if (fen === null || (positive && fen === 0)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return fen;
  });

/** An optional amount in yuan: empty (or absent) is `null`, anything else must parse. */
export const optionalMoneyField = ({ message = 'validation.money' }: MoneyOptions = {}) =>
  z
    .string({ message })
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return null;
      const fen = parseMoneyToFen(text);
      if (fen === null) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return fen;
    });

/** An optional share in per cent: empty is `null`, else basis points; the error is `validation.percent`. */
export const optionalPercentField = () =>
  z
    .string({ message: 'validation.percent' })
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return null;
      const bp = parsePercentToBp(text);
      if (bp === null) {
        ctx.addIssue({ code: 'custom', message: 'validation.percent' });
        return z.NEVER;
      }
      return bp;
    });
