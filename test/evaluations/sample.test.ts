import { expect } from 'chai';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationSample } from '../../models/EvaluationSample.js';
import { runsLongerThanAYear, sampleDrawer } from '../../server/commands/evaluations/sampleDrawer.js';
import { ConflictError, type ValidationError } from '../../server/errors.js';
import { drawSample, mulberry32, requiredSampleSize } from '../../server/services/evaluation-sample.js';
import { buildSampleContract, buildTemplate, by } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

let years = 2400;
/** A pair of years of its own for each test, so samples (one per district and year) never meet. */
const freshYears = () => {
  years += 3;
  return years;
};

describe('evaluations: the yearly spot-check sample', () => {
  it('mulberry32 is the documented generator: the same seed, the same sequence', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = range(5).map(() => a());
    expect(range(5).map(() => b())).to.deep.equal(first);
    // Known values of mulberry32(42) (reference implementation), so a change of the generator shows.
    expect(first[0]).to.be.closeTo(0.6011037519201636, 1e-15);
    expect(first[1]).to.be.closeTo(0.44829055899754167, 1e-15);
    expect(mulberry32(43)()).to.not.equal(first[0]);
  });

  it('asks for ⌈30 %⌉ of the eligible contracts', () => {
    expect([0, 1, 3, 4, 10, 11, 20, 21].map(requiredSampleSize)).to.deep.equal([0, 1, 1, 2, 3, 4, 6, 7]);
  });

  it('draws reproducibly from the recorded seed, whatever order the ids come in', () => {
    const eligibleIds = range(20, 101);
    const one = drawSample({ seed: 123456, eligibleIds, excludedIds: [], manualIds: [] });
    const again = drawSample({ seed: 123456, eligibleIds: [...eligibleIds].reverse(), excludedIds: [], manualIds: [] });
    expect(one.drawn).to.have.length(6);
    expect(again.drawn).to.deep.equal(one.drawn);
    expect(new Set(one.drawn).size).to.equal(6);
    const other = drawSample({ seed: 654321, eligibleIds, excludedIds: [], manualIds: [] });
    expect(other.drawn).to.not.deep.equal(one.drawn);
  });

  it('never draws last year’s contracts, counts the hand-chosen ones first, and says what it could not find', () => {
    const eligibleIds = range(10, 1);
    const excludedIds = [1, 2, 3, 4, 5, 6, 7, 8];
    const draw = drawSample({ seed: 7, eligibleIds, excludedIds, manualIds: [] });
    expect(draw.required).to.equal(3);
    expect(draw.drawn).to.deep.equal([9, 10]);
    expect(draw.shortfall).to.equal(1);
    const withHand = drawSample({ seed: 7, eligibleIds, excludedIds, manualIds: [1] });
    expect(withHand.drawn).to.deep.equal([9, 10]);
    expect(withHand.shortfall).to.equal(0);
    for (let seed = 0; seed < 50; seed += 1) {
      const d = drawSample({ seed, eligibleIds: range(30, 1), excludedIds: range(10, 1), manualIds: [2] });
      expect(
        d.drawn.some((id) => id <= 10),
        `seed ${seed}`,
      ).to.equal(false);
      expect(d.drawn).to.have.length(8);
    }
  });

  it('counts only contracts running longer than a year', () => {
    expect(runsLongerThanAYear({ termStart: '2026-01-01', termEnd: '2026-12-31' })).to.equal(false);
    expect(runsLongerThanAYear({ termStart: '2026-01-01', termEnd: '2027-01-01' })).to.equal(true);
    expect(runsLongerThanAYear({ termStart: '2026-03-15', termEnd: '2028-03-14' })).to.equal(true);
  });

  it('records the seed and inputs, schedules a spot check per sampled contract, and re-running the draw gives the same sample; next year leaves them out', async () => {
    const base = await buildPaymentContract();
    const year = freshYears();
    const template = await buildTemplate(base.officer);
    const eligible = [];
    for (let i = 0; i < 10; i += 1) eligible.push(await buildSampleContract(base.contract, { termStart: `${year}-01-01`, termEnd: `${year + 1}-12-31` }));
    await buildSampleContract(base.contract, { termStart: `${year}-01-01`, termEnd: `${year}-12-31` }); // one year: not eligible
    await buildSampleContract(base.contract, { termStart: `${year}-01-01`, termEnd: `${year + 1}-12-31`, status: 'draft' }); // not running
    const sample = await sampleDrawer(
      { districtId: base.contract.districtId, year, seed: 2026, templateId: template.id, dueOn: `${year}-12-31`, manualContractIds: [] },
      by(base.officer),
    );
    expect(sample.seed).to.equal(2026);
    expect(sample.eligibleIds).to.deep.equal(eligible.map((c) => c.id));
    expect(sample.requiredCount).to.equal(3);
    expect(sample.drawnIds).to.have.length(3);
    const replay = drawSample({ seed: sample.seed, eligibleIds: sample.eligibleIds, excludedIds: sample.excludedIds, manualIds: sample.manualIds });
    expect(replay.drawn).to.deep.equal(sample.drawnIds);
    const checks = await Evaluation.findAll({ where: { sampleId: sample.id }, order: [['contractId', 'ASC']] });
    expect(checks.map((e) => [e.contractId, e.kind, e.status, e.periodStart, e.periodEnd])).to.deep.equal(
      sample.drawnIds.map((id) => [id, 'spot_check', 'scheduled', `${year}-01-01`, `${year}-12-31`]),
    );
    expect(
      await errorOf(
        sampleDrawer(
          { districtId: base.contract.districtId, year, seed: 1, templateId: template.id, dueOn: `${year}-12-31`, manualContractIds: [] },
          by(base.officer),
        ),
      ),
    ).to.be.instanceOf(ConflictError);

    // The next year: last year's three are never drawn again, unless chosen by hand.
    const next = await sampleDrawer(
      {
        districtId: base.contract.districtId,
        year: year + 1,
        seed: 2026,
        templateId: template.id,
        dueOn: `${year + 1}-12-31`,
        manualContractIds: [sample.drawnIds[0]],
      },
      by(base.officer),
    );
    expect(next.excludedIds).to.deep.equal(sample.drawnIds);
    expect(next.manualIds).to.deep.equal([sample.drawnIds[0]]);
    expect(next.drawnIds.filter((id) => sample.drawnIds.includes(id))).to.deep.equal([]);
    expect(next.drawnIds.length + next.manualIds.length).to.equal(3);
    expect(await Evaluation.count({ where: { sampleId: next.id } })).to.equal(3);
  });

  it('draws a fresh random seed when none is given, and refuses hand-chosen contracts that are not eligible', async () => {
    const base = await buildPaymentContract();
    const year = freshYears();
    const template = await buildTemplate(base.officer);
    for (let i = 0; i < 4; i += 1) await buildSampleContract(base.contract, { termStart: `${year}-01-01`, termEnd: `${year + 2}-06-30` });
    const bad = await errorOf(
      sampleDrawer(
        { districtId: base.contract.districtId, year, seed: null, templateId: template.id, dueOn: `${year}-12-31`, manualContractIds: [base.contract.id] },
        by(base.officer),
      ),
    );
    expect((bad as ValidationError).fieldErrors.manualContracts).to.equal('evaluations.validation.manualNotEligible');
    const sample = await sampleDrawer(
      { districtId: base.contract.districtId, year, seed: null, templateId: template.id, dueOn: `${year}-12-31`, manualContractIds: [] },
      by(base.officer),
    );
    expect(sample.seed).to.be.within(0, 2 ** 32 - 1);
    expect(sample.drawnIds).to.have.length(2);
    expect((await EvaluationSample.findByPk(sample.id))!.drawnIds).to.deep.equal(sample.drawnIds);
  });

  it('draws once however many draws race for one district and year (one succeeds, the others 409)', async () => {
    const base = await buildPaymentContract();
    const year = freshYears();
    const template = await buildTemplate(base.officer);
    for (let i = 0; i < 4; i += 1) await buildSampleContract(base.contract, { termStart: `${year}-01-01`, termEnd: `${year + 1}-12-31` });
    const form = { districtId: base.contract.districtId, year, seed: null, templateId: template.id, dueOn: `${year}-12-31`, manualContractIds: [] };
    const results = await Promise.all([1, 2, 3].map(() => errorOf(sampleDrawer(form, by(base.officer)))));
    expect(results.filter((r) => r === null)).to.have.length(1);
    expect(results.filter((r) => r instanceof ConflictError)).to.have.length(2);
    const samples = await EvaluationSample.findAll({ where: { districtId: base.contract.districtId, year } });
    expect(samples).to.have.length(1);
    expect(await Evaluation.count({ where: { sampleId: samples[0].id } })).to.equal(2);
  });
});
