import { expect } from 'chai';
import { allowanceRows, inPostThroughout, monthBounds, rateInForce, trainedThroughout, type WorkerFact } from '../../server/services/allowance-eligibility.js';
import type { TrainingFact } from '../../server/services/training-status.js';

const initial = (trainedOn: string, passed = true): TrainingFact => ({ kind: 'initial', trainedOn, passed });
const refresher = (trainedOn: string, passed = true): TrainingFact => ({ kind: 'refresher', trainedOn, passed });

describe('allowance eligibility rules (#21)', () => {
  it('knows a month by its first and last day, leap February included', () => {
    expect(monthBounds('2024-02')).to.deep.equal({ first: '2024-02-01', last: '2024-02-29' });
    expect(monthBounds('2025-12')).to.deep.equal({ first: '2025-12-01', last: '2025-12-31' });
  });

  it('is in post for a month unless out of post on or before its last day', () => {
    expect(inPostThroughout({ status: 'active', leftPostOn: null }, '2025-06-30')).to.equal(true);
    expect(inPostThroughout({ status: 'inactive', leftPostOn: '2025-07-01' }, '2025-06-30')).to.equal(true);
    expect(inPostThroughout({ status: 'inactive', leftPostOn: '2025-06-30' }, '2025-06-30')).to.equal(false);
    expect(inPostThroughout({ status: 'inactive', leftPostOn: '2025-06-01' }, '2025-06-30')).to.equal(false);
    // Out of post with no day kept (before the day was recorded): out of post for every month.
    expect(inPostThroughout({ status: 'inactive', leftPostOn: null }, '2020-01-31')).to.equal(false);
  });

  it('is trained for a month only when every day of it is covered, from an initial training on or before its first day', () => {
    const [first, last] = ['2025-06-01', '2025-06-30'];
    expect(trainedThroughout([], first, last)).to.deep.equal({ trained: false, reason: 'untrained' });
    expect(trainedThroughout([initial('2025-06-02')], first, last)).to.deep.equal({ trained: false, reason: 'untrained' });
    expect(trainedThroughout([initial('2025-05-01', false)], first, last)).to.deep.equal({ trained: false, reason: 'untrained' });
    expect(trainedThroughout([initial('2025-06-01')], first, last)).to.deep.equal({ trained: true, until: '2026-06-01' });
    // Valid through 2025-06-30 exactly (a training on 2024-06-30): the whole month is covered.
    expect(trainedThroughout([initial('2024-06-30')], first, last)).to.deep.equal({ trained: true, until: '2025-06-30' });
    // Lapses on the 30th: the month is not paid.
    expect(trainedThroughout([initial('2024-06-29')], first, last)).to.deep.equal({ trained: false, reason: 'lapsed' });
    // Renewed before it lapsed: covered; renewed after a gap: not.
    expect(trainedThroughout([initial('2024-06-15'), refresher('2025-06-10')], first, last)).to.deep.equal({ trained: true, until: '2026-06-10' });
    expect(trainedThroughout([initial('2024-06-15'), refresher('2025-06-20')], first, last)).to.deep.equal({ trained: false, reason: 'lapsed' });
    // A failed renewal counts for nothing; a training after the month is not read.
    expect(trainedThroughout([initial('2024-06-15'), refresher('2025-06-10', false)], first, last)).to.deep.equal({ trained: false, reason: 'lapsed' });
    expect(trainedThroughout([initial('2024-01-10'), refresher('2025-07-01')], first, last)).to.deep.equal({ trained: false, reason: 'lapsed' });
  });

  it('takes the rate in force on the first day of the month, the later entry of a month winning', () => {
    const rates = [
      { id: 1, role: 'director' as const, employment: 'full_time' as const, amountFen: 150_000, effectiveFrom: '2025-01-01' },
      { id: 2, role: 'director' as const, employment: 'full_time' as const, amountFen: 180_000, effectiveFrom: '2025-07-01' },
      { id: 3, role: 'director' as const, employment: 'full_time' as const, amountFen: 190_000, effectiveFrom: '2025-07-01' },
      { id: 4, role: 'director' as const, employment: 'part_time' as const, amountFen: 80_000, effectiveFrom: '2025-01-01' },
    ];
    expect(rateInForce(rates, 'director', 'full_time', '2024-12-01')).to.equal(null);
    expect(rateInForce(rates, 'director', 'full_time', '2025-06-01')?.id).to.equal(1);
    expect(rateInForce(rates, 'director', 'full_time', '2025-07-01')?.id).to.equal(3);
    expect(rateInForce(rates, 'director', 'part_time', '2025-07-01')?.id).to.equal(4);
    expect(rateInForce(rates, 'supervisor', 'part_time', '2025-07-01')).to.equal(null);
  });

  it('lists each worker once with the first reason that leaves them out counted', () => {
    const w = (id: number, extra: Partial<WorkerFact> = {}): WorkerFact => ({
      id,
      kind: 'director',
      employment: 'full_time',
      status: 'active',
      leftPostOn: null,
      subDistrictId: null,
      ...extra,
    });
    const trained = [initial('2025-01-01')];
    const trainings: Record<number, TrainingFact[]> = { 1: trained, 2: trained, 3: [], 4: [initial('2024-06-10')], 5: trained, 6: trained };
    const rates = [
      { id: 1, role: 'director' as const, employment: 'full_time' as const, amountFen: 150_000, effectiveFrom: '2025-01-01' },
      { id: 2, role: 'director' as const, employment: 'part_time' as const, amountFen: 0, effectiveFrom: '2025-01-01' },
    ];
    const { listed, leftOut } = allowanceRows(
      '2025-06',
      [w(1), w(2, { status: 'inactive', leftPostOn: '2025-06-15' }), w(3), w(4), w(5), w(6, { employment: 'part_time' })],
      (id) => trainings[id] ?? [],
      rates,
      new Set([5]),
    );
    expect(listed.map((l) => [l.worker.id, l.rate.amountFen])).to.deep.equal([[1, 150_000]]);
    expect(leftOut).to.deep.equal({ outOfPost: 1, untrained: 1, lapsed: 1, listedElsewhere: 1, noRate: 1 });
  });
});
