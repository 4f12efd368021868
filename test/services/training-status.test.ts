import { expect } from 'chai';
import { addMonths } from '../../server/services/calendar.js';
import {
  earliestValidTrainingDay,
  latestLapsingTrainingDay,
  statusFromSummary,
  summariseTrainings,
  type TrainingFact,
  trainingStatus,
} from '../../server/services/training-status.js';

const initial = (trainedOn: string, passed = true): TrainingFact => ({ kind: 'initial', trainedOn, passed });
const refresher = (trainedOn: string, passed = true): TrainingFact => ({ kind: 'refresher', trainedOn, passed });

describe('training status (section 二: trained from a passed initial training, renewed yearly)', () => {
  it('is untrained without any passed initial training', () => {
    expect(trainingStatus([], '2026-03-15')).to.deep.equal({ trained: false, since: null, lapsesOn: null, lapsingSoon: false });
    expect(trainingStatus([initial('2026-01-10', false)], '2026-03-15').trained).to.equal(false);
    // A refresher alone does not make anyone trained.
    expect(trainingStatus([refresher('2026-01-10')], '2026-03-15').trained).to.equal(false);
  });

  it('stays trained through the same day 12 months later, and lapses the day after', () => {
    const records = [initial('2025-03-15')];
    expect(trainingStatus(records, '2025-03-15')).to.deep.equal({ trained: true, since: '2025-03-15', lapsesOn: '2026-03-16', lapsingSoon: false });
    expect(trainingStatus(records, '2026-03-15').trained).to.equal(true);
    expect(trainingStatus(records, '2026-03-16')).to.deep.equal({ trained: false, since: null, lapsesOn: '2026-03-16', lapsingSoon: false });
  });

  it('does not count a training after the day asked about', () => {
    expect(trainingStatus([initial('2025-03-15')], '2025-03-14').trained).to.equal(false);
    expect(trainingStatus([initial('2024-03-15'), refresher('2025-04-01')], '2025-03-20').trained).to.equal(false);
  });

  it('counts an initial training failed and later passed from the day it was passed', () => {
    const records = [initial('2025-01-10', false), initial('2025-02-20')];
    expect(trainingStatus(records, '2025-02-19').trained).to.equal(false);
    expect(trainingStatus(records, '2025-02-20')).to.include({ trained: true, since: '2025-02-20', lapsesOn: '2026-02-21' });
  });

  it('keeps a worker trained with a passed refresher, but not with a failed one', () => {
    const records = [initial('2024-05-01'), refresher('2025-04-20')];
    expect(trainingStatus(records, '2026-04-20')).to.include({ trained: true, since: '2024-05-01', lapsesOn: '2026-04-21' });
    expect(trainingStatus(records, '2026-04-21').trained).to.equal(false);
    expect(trainingStatus([initial('2024-05-01'), refresher('2025-04-20', false)], '2025-05-02').trained).to.equal(false);
  });

  it('warns from 30 days before the lapse: lapsesOn ≤ on + 30', () => {
    const records = [initial('2025-03-15')];
    // lapses on 2026-03-16: 30 days before is 2026-02-14.
    expect(trainingStatus(records, '2026-02-13').lapsingSoon).to.equal(false);
    expect(trainingStatus(records, '2026-02-14').lapsingSoon).to.equal(true);
    expect(trainingStatus(records, '2026-03-15').lapsingSoon).to.equal(true);
    expect(trainingStatus(records, '2026-03-16').lapsingSoon).to.equal(false);
  });

  it('adds 12 months to 29 February as 28 February', () => {
    expect(addMonths('2024-02-29', 12)).to.equal('2025-02-28');
    expect(trainingStatus([initial('2024-02-29')], '2025-02-28').trained).to.equal(true);
    expect(trainingStatus([initial('2024-02-29')], '2025-03-01')).to.include({ trained: false, lapsesOn: '2025-03-01' });
  });

  it('gives the list the same answer as the rule, on every day of a leap-year span', () => {
    const start = Date.UTC(2023, 11, 1);
    for (let i = 0; i < 500; i += 3) {
      const on = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      const earliest = earliestValidTrainingDay(on);
      const latest = latestLapsingTrainingDay(on);
      for (const offset of [-2, -1, 0, 1, 2]) {
        for (const bound of [earliest, latest]) {
          const day = new Date(Date.parse(`${bound}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
          const status = statusFromSummary({ trainingPassedOn: '2020-01-01', lastTrainingPassedOn: day }, on);
          expect(status.trained, `${day} on ${on}`).to.equal(day >= earliest);
          expect(status.lapsingSoon, `${day} on ${on}`).to.equal(day >= earliest && day <= latest);
        }
      }
    }
  });

  it('summarises records into the two days the registry keeps', () => {
    const summary = summariseTrainings([refresher('2025-06-01'), initial('2024-01-01', false), initial('2024-03-01'), refresher('2025-07-01', false)]);
    expect(summary).to.deep.equal({ trainingPassedOn: '2024-03-01', lastTrainingPassedOn: '2025-06-01' });
  });

  it('refuses a day that is not YYYY-MM-DD (today in Asia/Shanghai comes from the clock: test/clock)', () => {
    expect(() => trainingStatus([], '2026/03/15')).to.throw();
  });
});
