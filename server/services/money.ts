/** The largest amount the system accepts: 10^12 fen (¥10,000,000,000.00). */
export const MAX_FEN = 1_000_000_000_000;

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

const CAPITAL_DIGITS = '零壹贰叁肆伍陆柒捌玖';
const CAPITAL_PLACES = ['', '拾', '佰', '仟'];

/** 0–9999 in capitals, zeros inside collapsed to one 零 and trailing zeros dropped (1050 → 壹仟零伍拾). */
function capitalGroup(n: number): string {
  let out = '';
  let zero = false;
  for (let place = 3; place >= 0; place -= 1) {
    const d = Math.floor(n / 10 ** place) % 10;
    if (d === 0) {
      zero = out !== '';
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += CAPITAL_DIGITS[d] + CAPITAL_PLACES[place];
  }
  return out;
}

/**
 * Integer fen in Chinese capitals as payment forms write them (支付结算办法: 壹仟贰佰叁拾肆元伍角陆分;
 * an amount in whole yuan ends with 整; a missing 角 between 元 and 分 is written 零).
 */
export function fenToChineseCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be a safe integer');
  if (fen < 0) return `负${fenToChineseCapitals(-fen)}`;
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let out = '';
  let gap = false;
  for (const [value, unit] of [
    [Math.floor(yuan / 1e8), '亿'],
    [Math.floor(yuan / 1e4) % 1e4, '万'],
    [yuan % 1e4, ''],
  ] as const) {
    if (value === 0) {
      gap = out !== '';
      continue;
    }
    if (out !== '' && (gap || value < 1000)) out += '零';
    gap = false;
    out += capitalGroup(value) + unit;
  }
  if (yuan > 0) out += '元';
  if (jiao === 0 && cents === 0) return `${yuan > 0 ? out : '零元'}整`;
  if (jiao > 0) out += `${CAPITAL_DIGITS[jiao]}角`;
  else if (yuan > 0) out += '零';
  if (cents > 0) out += `${CAPITAL_DIGITS[cents]}分`;
  return out;
}
