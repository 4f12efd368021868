/*
 * The yearly spot-check sample (抽查, DOMAIN.md "Evaluation"): at least 30 % of the contracts
 * running longer than a year, drawn at random but reproducibly. The draw is a pure function of
 * its recorded inputs: the seed, the eligible contracts in ascending id order, those excluded
 * (sampled the year before) and those chosen by hand. Re-running it with the same inputs gives
 * the same sample (test/evaluations/sample.test.ts).
 */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a small, well-distributed PRNG whose whole
 * state is one 32-bit integer, so a recorded seed reproduces every draw. Returns a generator of
 * floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The share the policy asks for: ⌈30 % × n⌉, in integers. */
export function requiredSampleSize(eligible: number): number {
  return Math.floor((3 * eligible + 9) / 10);
}

export type SampleDraw = {
  /** ⌈30 % × eligible⌉ */
  required: number;
  /** Drawn at random (ascending id order), beside the ones chosen by hand. */
  drawn: number[];
  /** How many the draw could not find (too few contracts left once last year's were excluded). */
  shortfall: number;
};

/**
 * Draws the sample: the hand-chosen contracts count first; the rest of the required number is
 * drawn from the eligible contracts that are neither chosen by hand nor excluded, by a partial
 * Fisher–Yates shuffle of that pool (ascending id order) driven by mulberry32(seed).
 */
export function drawSample(input: { seed: number; eligibleIds: readonly number[]; excludedIds: readonly number[]; manualIds: readonly number[] }): SampleDraw {
  const eligible = [...new Set(input.eligibleIds)].sort((a, b) => a - b);
  const manual = new Set(input.manualIds);
  const excluded = new Set(input.excludedIds);
  const required = requiredSampleSize(eligible.length);
  const pool = eligible.filter((id) => !manual.has(id) && !excluded.has(id));
  const wanted = Math.max(0, required - eligible.filter((id) => manual.has(id)).length);
  const take = Math.min(wanted, pool.length);
  const random = mulberry32(input.seed);
  for (let i = 0; i < take; i += 1) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return { required, drawn: pool.slice(0, take).sort((a, b) => a - b), shortfall: wanted - take };
}
