import { z } from 'zod';

/** The largest amount the system accepts: 10^12 fen (¥10,000,000,000.00). */
export const MAX_FEN = 1_000_000_000_000;

const MONEY_TEXT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount typed in yuan (`1234.56`, `1234.5`, `1234`) into integer fen by a strict rule
 * (SECURITY.md "Input"): digits, an optional point with one or two decimals, from 0 to 10^12 fen.
 * No signs, exponents, separators or currency symbols; the arithmetic is on the digits, never on
 * a floating-point number. Anything else is `null`.
 */
export function parseMoneyToFen(text: string): number | null {
  const m = MONEY_TEXT.exec(text.trim());
  if (!m) return null;
  const fen = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  if (fen > BigInt(MAX_FEN)) return null;
  return Number(fen);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Integer fen as people read money: `¥1,234.56` (negative amounts `-¥1,234.56`). */
export function formatFen(fen: number | bigint): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = groupThousands((abs / 100n).toString());
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}

/** Integer fen as a form field shows it again: `1234.56`, no symbol or separators. */
export function fenToInput(fen: number | bigint | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${(abs / 100n).toString()}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A form field holding an amount in yuan, parsed to integer fen; the error is `validation.money`. */
export const moneyField = () =>
  z
    .string({ message: 'validation.money' })
    .transform((text, ctx) => {
      const fen = parseMoneyToFen(text);
      if (fen === null) {
        ctx.addIssue({ code: 'custom', message: 'validation.money' });
        return z.NEVER;
      }
      return fen;
    });
