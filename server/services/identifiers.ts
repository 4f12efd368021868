import { z } from 'zod';
import { beijingDay, now } from '../clock.js';

/**
 * Identifiers validated by their real rules (SECURITY.md, "Input"): unified social credit codes,
 * resident ID-card numbers, phone numbers and 发票 codes and numbers; their masks; and a scanner
 * that finds personal numbers in free text (DOMAIN.md, "Children's personal information").
 *
 * Every validator trims and normalises what people type (full-width characters from a Chinese
 * input method become ASCII, letters become upper case) and answers a discriminated result, so
 * a caller can tell the reasons apart. Results never echo the input in a reason.
 */

export type Invalid<R extends string> = { ok: false; reason: R };
export type Checked<T, R extends string, Extra extends object = object> = ({ ok: true; value: T } & Extra) | Invalid<R>;

/** Trimmed, NFKC-normalised text: `１２３Ｘ` (full-width, as Chinese IMEs type it) becomes `123X`. */
function folded(input: string): string {
  return input.normalize('NFKC').trim();
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code (统一社会信用代码), GB 32100-2015
// ---------------------------------------------------------------------------------------------

/** GB 32100-2015 table 2: the 31 code characters (no I, O, Z, S, V), in value order 0–30. */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** W_i = 3^(i-1) mod 31, i = 1…17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Registration authorities (登记管理部门代码, character 1) and the organisation types (机构类别代码,
 * character 2) each defines, per GB 32100-2015 table 1 and its amendment (A: the military's
 * establishment office, N: agriculture, for rural collective economic organisations). Every
 * authority keeps `9` (其他, other) open, so that a type added later by an authority does not
 * lock a real organisation out.
 */
const USCC_AUTHORITIES: Record<string, string> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
  '2': '19', // 外交: 外国常驻新闻机构, 其他
  '3': '123459', // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': '19', // 文化: 外国在华文化中心, 其他
  '5': '1239', // 民政: 社会团体, 民办非企业单位 (社会服务机构), 基金会, 其他
  '6': '129', // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地代表机构, 其他
  '7': '129', // 宗教: 宗教活动场所, 宗教院校, 其他
  '8': '19', // 工会: 基层工会, 其他
  '9': '1239', // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社, 其他
  A: '19', // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: '1239', // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '19', // 其他
};

export type UsccReason = 'format' | 'authority' | 'orgType' | 'division' | 'checksum';

function usccSum(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return sum;
}

/**
 * The check character (character 18) of a unified social credit code, GB 32100-2015 clause 5:
 * C18 = 31 − (Σ Ci·Wi mod 31) with Wi = 3^(i−1) mod 31, where 31 is written `0`. Takes the first
 * 17 characters (upper case, from the code alphabet); throws on anything else.
 */
export function usccCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) throw new Error('usccCheckCharacter needs 17 characters of the GB 32100 alphabet');
  return USCC_ALPHABET[(31 - (usccSum(first17) % 31)) % 31];
}

/**
 * Validates a unified social credit code by GB 32100-2015 (法人和其他组织统一社会信用代码编码规则):
 * 18 characters of 0-9 and A-Y without I, O, Z, S, V; character 1 a registration authority,
 * character 2 an organisation type that authority defines, characters 3–8 the registering
 * authority's administrative division code (GB/T 2260, six digits), 9–17 the organisation's
 * body code (GB 11714; its own check character is not re-checked, as some authorities assign
 * bodies outside it), and character 18 the check character. The value is trimmed and upper case.
 */
export function validateUscc(input: string): Checked<string, UsccReason> {
  const code = folded(input).toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return { ok: false, reason: 'format' };
  const types = USCC_AUTHORITIES[code[0]];
  if (!types) return { ok: false, reason: 'authority' };
  if (!types.includes(code[1])) return { ok: false, reason: 'orgType' };
  if (!/^\d{6}$/.test(code.slice(2, 8))) return { ok: false, reason: 'division' };
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) return { ok: false, reason: 'checksum' };
  return { ok: true, value: code };
}

// ---------------------------------------------------------------------------------------------
// Resident ID-card number (公民身份号码), GB 11643-1999
// ---------------------------------------------------------------------------------------------

/** W_i = 2^(18−i) mod 11, i = 1…17 (ISO 7064 MOD 11-2). */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** The check character for Σ Ai·Wi mod 11 = 0…10. */
const ID_CHECK = '10X98765432';

export type IdNumberReason = 'format' | 'checksum' | 'birthDate';

/**
 * The check character (position 18) of a citizen ID number, GB 11643-1999 clause 7 (ISO 7064
 * MOD 11-2): `10X98765432`[Σ Ai·Wi mod 11]. Takes the 17 digits before it; throws on anything else.
 */
export function idCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCheckDigit needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** `YYYYMMDD` → `YYYY-MM-DD` when it is a real calendar day from 1900 on (Feb 29 only in leap years). */
function calendarDay(yyyymmdd: string): string | null {
  if (!/^\d{8}$/.test(yyyymmdd)) return null;
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day > days) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * The birth date (出生日期码, positions 7–14, GB 11643-1999 clause 5.2) of an ID number as
 * `YYYY-MM-DD`, or null when those positions are not a real calendar day from 1900 on. It does not
 * check the rest of the number.
 */
export function idNumberBirthDate(id: string): string | null {
  const s = folded(id);
  if (!/^\d{17}[\dXx]$/.test(s)) return null;
  return calendarDay(s.slice(6, 14));
}

/** Upper-cases the check character and folds full-width input: how ID numbers are stored and indexed. */
export function normaliseIdNumber(input: string): string {
  return folded(input).toUpperCase();
}

/**
 * Validates a citizen ID number by GB 11643-1999 (公民身份号码): 17 digits (6 address code, 8 birth
 * date, 3 sequence) and a check character 0–9 or X (a lower-case x is accepted and stored as X).
 * The birth date must be a real day, in 1900 or later, and not after `today` (a day in
 * Asia/Shanghai; tests pass a fixed one).
 */
export function validateIdNumber(input: string, today: Date = now()): Checked<string, IdNumberReason> {
  const id = normaliseIdNumber(input);
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'format' };
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'checksum' };
  const born = calendarDay(id.slice(6, 14));
  if (!born || born > beijingDay(today)) return { ok: false, reason: 'birthDate' };
  return { ok: true, value: id };
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

export type PhoneKind = 'mobile' | 'landline';
export type PhoneReason = 'format';

/** 11 digits, 1 then 3–9 (the mainland mobile number plan, YD/T 2135 / MIIT numbering plan). */
const MOBILE = /^1[3-9]\d{9}$/;
/**
 * A landline with its trunk prefix 0: the area codes 010 and 02x have three digits, every other
 * one (03xx–09xx) four; the local number has 7 or 8 digits.
 */
const LANDLINE = /^(?:0(?:10|2\d)|0[3-9]\d{2})\d{7,8}$/;

/** Drops spaces, hyphens (also full-width and dashes) and brackets around an area code, and a +86 / 0086 prefix. */
export function normalisePhone(input: string): string {
  let s = folded(input).replace(/[\s\-‐‑‒–—―()]/g, '');
  const international = /^(?:\+|00)86/.exec(s);
  if (international) {
    s = s.slice(international[0].length);
    // Dialled from abroad, a landline loses its trunk 0: +86 755 1234 5678.
    if (!MOBILE.test(s) && /^[1-9]/.test(s) && LANDLINE.test(`0${s}`)) s = `0${s}`;
  }
  return s;
}

/**
 * Validates a mainland phone number: a mobile number (11 digits, `1[3-9]…`) or a landline with
 * its area code (`0755-12345678`, `010 1234 5678`, `075512345678`). Spaces, hyphens and a
 * +86 prefix are removed; the value is the digits only, and `kind` says which of the two it is.
 */
export function validatePhone(input: string): Checked<string, PhoneReason, { kind: PhoneKind }> {
  const phone = normalisePhone(input);
  if (MOBILE.test(phone)) return { ok: true, value: phone, kind: 'mobile' };
  if (LANDLINE.test(phone)) return { ok: true, value: phone, kind: 'landline' };
  return { ok: false, reason: 'format' };
}

// ---------------------------------------------------------------------------------------------
// 发票: code (发票代码) and number (发票号码)
// ---------------------------------------------------------------------------------------------

export type FapiaoKind = 'classic' | 'digital';
export type Fapiao = { kind: FapiaoKind; code: string | null; number: string };
/**
 * `codeFormat`: a code that is not 10 or 12 digits; `numberFormat`: a number that is neither 8
 * nor 20 digits; `codeMissing`: an 8-digit number without its code; `codeUnexpected`: a 20-digit
 * fully digitalised number given with a code (those invoices have none).
 */
export type FapiaoReason = 'codeFormat' | 'numberFormat' | 'codeMissing' | 'codeUnexpected';

function fapiaoPart(input: string | null | undefined): string {
  return folded(input ?? '').replace(/\s/g, '');
}

/**
 * Validates a 发票's code and number. Classic invoices (增值税专用/普通发票, 通用机打发票 …) carry a
 * 发票代码 of 10 digits (VAT special invoices) or 12 digits (other invoices) and an 8-digit 发票号码.
 * Fully digitalised e-invoices (全面数字化的电子发票, 全电发票 / 数电票, in use since 2021) have no
 * code and a 20-digit number (2 year, 2 region, 1 channel, 15 sequence). Empty code means none.
 */
export function validateFapiao(input: { code?: string | null; number: string }): Checked<Fapiao, FapiaoReason> {
  const code = fapiaoPart(input.code);
  const number = fapiaoPart(input.number);
  if (code && !/^(?:\d{10}|\d{12})$/.test(code)) return { ok: false, reason: 'codeFormat' };
  if (/^\d{20}$/.test(number)) {
    if (code) return { ok: false, reason: 'codeUnexpected' };
    return { ok: true, value: { kind: 'digital', code: null, number } };
  }
  if (!/^\d{8}$/.test(number)) return { ok: false, reason: 'numberFormat' };
  if (!code) return { ok: false, reason: 'codeMissing' };
  return { ok: true, value: { kind: 'classic', code, number } };
}

/**
 * The canonical key of a 发票, unique across the whole system, for the rule that no 发票 is
 * reimbursed twice anywhere: `<code>:<number>` for a classic one, `e:<number>` for a fully
 * digitalised one. Throws (without echoing the input) when the pair is not valid.
 */
export function fapiaoKey(code: string | null | undefined, number: string): string {
  const checked = validateFapiao({ code, number });
  if (!checked.ok) throw new Error(`fapiaoKey: not a valid 发票 code and number (${checked.reason})`);
  const f = checked.value;
  return f.kind === 'digital' ? `e:${f.number}` : `${f.code}:${f.number}`;
}

// ---------------------------------------------------------------------------------------------
// Masks
// ---------------------------------------------------------------------------------------------

/** Keeps `head` leading and `tail` trailing characters and stars the rest; all stars when too short to keep any. */
function masked(s: string, head: number, tail: number): string {
  if (s.length <= head + tail) return '*'.repeat(s.length);
  return s.slice(0, head) + '*'.repeat(s.length - head - tail) + s.slice(s.length - tail);
}

/** An ID number as every page, export and log shows it: `4403**********1234` (first 4, last 4). */
export function maskIdNumber(id: string): string {
  return masked(normaliseIdNumber(id), 4, 4);
}

/**
 * A phone number as shown: mobile `138****5678`; a landline keeps its area code and last 4,
 * `0755-****5678`. Anything unrecognised keeps at most its last 4 characters.
 */
export function maskPhone(phone: string): string {
  const checked = validatePhone(phone);
  if (!checked.ok) {
    const s = folded(phone);
    return s.length > 8 ? masked(s, 0, 4) : '*'.repeat(s.length);
  }
  const p = checked.value;
  if (checked.kind === 'mobile') return masked(p, 3, 4);
  const area = /^0(?:10|2\d)/.test(p) ? 3 : 4;
  return `${p.slice(0, area)}-${masked(p.slice(area), 0, 4)}`;
}

// ---------------------------------------------------------------------------------------------
// Scanner for personal numbers in free text and spreadsheet cells
// ---------------------------------------------------------------------------------------------

export type PersonalNumberKind = 'idNumber' | 'phone';
export type PersonalNumberFound = { kind: PersonalNumberKind; start: number; end: number; masked: string };

/**
 * Full-width digits, X, plus, hyphen and the ideographic space become ASCII one code unit for
 * one, so that offsets into the folded text are offsets into the original.
 */
function foldSameLength(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF38\uFF58\uFF0B\uFF0D\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** 18 characters not inside a longer run of digits. */
const ID_CANDIDATE = /(?<!\d)\d{17}[\dXx](?![\dXx])/g;
/** 11 digits `1[3-9]…`, optionally written 3-4-4 with spaces or hyphens, optionally after +86, not inside a longer run of digits. */
const MOBILE_CANDIDATE = /(?<![\d+])(?:\+86[ -]?)?(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})(?!\d)/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HEX_HASH = /(?<![0-9a-f])[0-9a-f]{32,}(?![0-9a-f])/gi;

/**
 * Finds citizen ID numbers and mobile numbers in free text or a cell value, to warn before
 * something that may identify a child is saved (DOMAIN.md: no child-identifying data). An
 * 18-character run counts only with a valid GB 11643 check character and a real birth date, which
 * keeps arbitrary long numbers (order numbers, 发票 numbers) out; a mobile number counts only when
 * it is not part of a longer run of digits. Offsets are UTF-16 code units, as `String#slice`
 * takes them (`end` exclusive); `masked` is safe to show or log.
 */
export function findPersonalNumbers(text: string, today: Date = now()): PersonalNumberFound[] {
  const s = foldSameLength(text);
  const found: PersonalNumberFound[] = [];
  // A UUID (a request id, a stored file's name) can hold a 3-4-4 run of digits between its hyphens,
  // and a hash written in hex (a file's SHA-256) eleven digits in a row: neither is a person's number.
  const tokens = [...s.matchAll(UUID), ...s.matchAll(HEX_HASH)].map((m) => [m.index, m.index + m[0].length] as const);
  const inUuid = (start: number) => tokens.some(([from, to]) => start >= from && start < to);
  for (const m of s.matchAll(ID_CANDIDATE)) {
    if (inUuid(m.index)) continue;
    const checked = validateIdNumber(m[0], today);
    if (checked.ok) found.push({ kind: 'idNumber', start: m.index, end: m.index + m[0].length, masked: maskIdNumber(checked.value) });
  }
  for (const m of s.matchAll(MOBILE_CANDIDATE)) {
    if (inUuid(m.index)) continue;
    const digits = m[1] + m[3] + m[4];
    found.push({ kind: 'phone', start: m.index, end: m.index + m[0].length, masked: maskPhone(digits) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Whether text typed into a search may be a phone or ID number: eleven digits or more in a row (a
 * mobile number, a landline with its area code, an ID number, also one with a wrong check digit),
 * or seventeen and an X, once full-width digits are folded and spaces and hyphens dropped. Such a
 * search is kept out of addresses (#13); a long number that is not personal (a 发票 number) loses
 * nothing but a shorter address. A date, a month, a year or a valid credit code never counts.
 */
export function looksLikePersonalNumber(text: string): boolean {
  // An organisation's unified social credit code is public, not personal.
  if (validateUscc(text.trim()).ok) return false;
  return /\d{11,}|\d{17}[Xx]/.test(foldSameLength(text).replace(/[\s-]/g, ''));
}

// ---------------------------------------------------------------------------------------------
// Form schemas: their messages are locale keys
// ---------------------------------------------------------------------------------------------

/** A form field for a unified social credit code; parses to the normalised code. */
export const usccSchema = z
  .string()
  .max(64, 'validation.usccInvalid')
  .transform((v, ctx) => {
    const checked = validateUscc(v);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: 'validation.usccInvalid' });
    return z.NEVER;
  });

const ID_NUMBER_MESSAGES: Record<IdNumberReason, string> = {
  format: 'validation.idNumberFormat',
  checksum: 'validation.idNumberChecksum',
  birthDate: 'validation.idNumberBirthDate',
};

/** A form field for a citizen ID number; parses to the normalised number (upper-case X). */
export const idNumberSchema = z
  .string()
  .max(64, 'validation.idNumberFormat')
  .transform((v, ctx) => {
    const checked = validateIdNumber(v);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: ID_NUMBER_MESSAGES[checked.reason] });
    return z.NEVER;
  });

/** A form field for a phone number (mobile or landline); parses to its digits. */
export const phoneSchema = z
  .string()
  .max(64, 'validation.phoneInvalid')
  .transform((v, ctx) => {
    const checked = validatePhone(v);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: 'validation.phoneInvalid' });
    return z.NEVER;
  });

/** A 发票代码 on its own: 10 or 12 digits. */
export const fapiaoCodeSchema = z
  .string()
  .transform((v) => fapiaoPart(v))
  .refine((v) => /^(?:\d{10}|\d{12})$/.test(v), 'validation.fapiaoCodeInvalid');

/** A 发票号码 on its own: 8 digits (classic) or 20 (fully digitalised). */
export const fapiaoNumberSchema = z
  .string()
  .transform((v) => fapiaoPart(v))
  .refine((v) => /^(?:\d{8}|\d{20})$/.test(v), 'validation.fapiaoNumberInvalid');

const FAPIAO_FIELDS: Record<FapiaoReason, { path: 'code' | 'number'; message: string }> = {
  codeFormat: { path: 'code', message: 'validation.fapiaoCodeInvalid' },
  codeMissing: { path: 'code', message: 'validation.fapiaoCodeMissing' },
  codeUnexpected: { path: 'code', message: 'validation.fapiaoCodeUnexpected' },
  numberFormat: { path: 'number', message: 'validation.fapiaoNumberInvalid' },
};

/**
 * A 发票 as a pair of fields `code` (may be empty for a fully digitalised one) and `number`;
 * parses to `{ kind, code, number }`, the error on the field that is wrong.
 */
export const fapiaoSchema = z.object({ code: z.string().max(64).optional(), number: z.string().max(64) }).transform((v, ctx) => {
  const checked = validateFapiao(v);
  if (checked.ok) return checked.value;
  const field = FAPIAO_FIELDS[checked.reason];
  ctx.addIssue({ code: 'custom', path: [field.path], message: field.message });
  return z.NEVER;
});
