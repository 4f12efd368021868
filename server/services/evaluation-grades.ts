import type { Grade } from '../../models/Evaluation.js';

/*
 * Scores are integers end to end, so a grade boundary never depends on float rounding:
 * - a weight is whole points (a template's weights sum to 100);
 * - an indicator's score is hundredths of a point, 0–10000 (= 0–100.00);
 * - the total is Σ weight × score / 100 hundredths, TRUNCATED (never rounded up): 89.995 is 89.99,
 *   良好, not 90.00. Since the boundaries are whole points, truncation decides exactly as the
 *   exact sum would (Σ ≥ 900000 ⇔ ⌊Σ / 100⌋ ≥ 9000).
 */

/** The lowest total (hundredths) of each grade, best first (Shenzhen's 2021 measures). */
export const GRADE_FLOORS: readonly [Grade, number][] = [
  ['excellent', 9000],
  ['good', 8000],
  ['pass', 6000],
  ['fail', 0],
];

/** The grade of a total in hundredths of a point: 优秀 ≥ 90, 良好 80–89.99, 合格 60–79.99, 不合格 < 60. */
export function gradeOf(totalHundredths: number): Grade {
  for (const [grade, floor] of GRADE_FLOORS) if (totalHundredths >= floor) return grade;
  return 'fail';
}

/**
 * The weighted total in hundredths of a point, truncated; null while any indicator is unscored.
 * An indicator marked not applicable (with its reason) leaves the total and the other weights are
 * scaled to 100 (DOMAIN.md, "An indicator with nothing to judge"): Σ w × s / Σ w over the rest,
 * which is Σ w × s / 100 when nothing is left out.
 */
export function totalOf(scores: readonly { weight: number; scoreHundredths: number | null; notApplicableReason?: string | null }[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const s of scores) {
    if (s.notApplicableReason) continue;
    if (s.scoreHundredths === null || s.scoreHundredths === undefined) return null;
    sum += s.weight * s.scoreHundredths;
    weights += s.weight;
  }
  return weights > 0 ? Math.floor(sum / weights) : null;
}

/**
 * Each indicator's part of the total (its weighted score), in hundredths, so the printed report's
 * column adds up to the total exactly: w × s / Σw each, truncated, with the hundredths the
 * truncation of the total leaves over given to the largest remainders (ties: the earlier
 * indicator). Not applicable → null; all null while any applicable indicator is unscored.
 */
export function weightedParts(scores: readonly { weight: number; scoreHundredths: number | null; notApplicableReason?: string | null }[]): (number | null)[] {
  const total = totalOf(scores);
  if (total === null) return scores.map(() => null);
  const weights = scores.reduce((a, s) => a + (s.notApplicableReason ? 0 : s.weight), 0);
  const parts = scores.map((s, i) =>
    s.notApplicableReason
      ? null
      : { i, part: Math.floor((s.weight * (s.scoreHundredths ?? 0)) / weights), rest: (s.weight * (s.scoreHundredths ?? 0)) % weights },
  );
  const counted = parts.filter((p): p is { i: number; part: number; rest: number } => p !== null);
  let left = total - counted.reduce((a, p) => a + p.part, 0);
  for (const p of [...counted].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
    if (left <= 0) break;
    p.part += 1;
    left -= 1;
  }
  return parts.map((p) => (p === null ? null : p.part));
}

/** A weight as it counts once some indicators are not applicable: scaled so the applicable ones sum to 100 ("42.86"). */
export function scaledWeight(weight: number, applicableWeights: number): string {
  if (applicableWeights <= 0 || applicableWeights === 100) return String(weight);
  return formatScore(Math.floor((weight * 10000) / applicableWeights));
}

/** A score typed by an evaluator, 0–100 with at most two decimals, as hundredths; null when it is not one. */
export function parseScore(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return value <= 10000 ? value : null;
}

/** Hundredths as a score people read: 8999 → "89.99", 9000 → "90.00". */
export function formatScore(hundredths: number | null | undefined): string {
  if (hundredths === null || hundredths === undefined) return '';
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** A share as hundredths of a point, truncated: 7 of 9 → 7777 (77.77). Zero of zero is not a share: null. */
export function shareHundredths(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.floor((Math.min(part, whole) * 10000) / whole);
}
