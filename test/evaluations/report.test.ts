import { expect } from 'chai';
import { Organisation } from '../../models/index.js';
import { totalOf, weightedParts } from '../../server/services/evaluation-grades.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { csrf, loginAs } from '../support/agent.js';

/** Full-width punctuation an English page must not show: the CJK block and the full-width forms. */
const FULL_WIDTH = /[\u3000-\u303f\uff00-\uffef]/g;

const hundredths = (text: string) => Math.round(Number(text) * 100);

describe('evaluations: the printed report', () => {
  it('splits the total into weighted scores that add up to it exactly, whatever the truncation', () => {
    const cases = [
      [
        { weight: 20, scoreHundredths: 10_000 },
        { weight: 50, scoreHundredths: 8_537 },
        { weight: 30, scoreHundredths: 9_011 },
      ],
      [
        { weight: 33, scoreHundredths: 8_999 },
        { weight: 33, scoreHundredths: 7_001 },
        { weight: 34, scoreHundredths: 6_667 },
      ],
      [
        { weight: 50, scoreHundredths: 8_000, notApplicableReason: null },
        { weight: 20, scoreHundredths: null, notApplicableReason: '中期内没有到期的服务成果' },
        { weight: 30, scoreHundredths: 7_000, notApplicableReason: null },
      ],
    ];
    for (const scores of cases) {
      const parts = weightedParts(scores);
      const counted = parts.filter((p): p is number => p !== null);
      expect(
        counted.reduce((a, b) => a + b, 0),
        JSON.stringify(scores),
      ).to.equal(totalOf(scores));
      for (const [i, s] of scores.entries()) {
        if (s.scoreHundredths === null) {
          expect(parts[i]).to.equal(null);
          continue;
        }
        const weights = scores.filter((x) => !('notApplicableReason' in x) || !x.notApplicableReason).reduce((a, x) => a + x.weight, 0);
        // Each part is its exact share, at most one hundredth above its truncation.
        expect(parts[i]! - Math.floor((s.weight * s.scoreHundredths) / weights)).to.be.within(0, 1);
      }
    }
    expect(weightedParts([{ weight: 100, scoreHundredths: null }])).to.deep.equal([null]);
  });

  it('prints each indicator’s weighted score beside its weight and score, and the column adds up to the total', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'confirmed', scores: [8_537, 9_011] });
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const report = await officer.get(`/evaluations/${evaluation.id}/report`);
    expect(report.status).to.equal(200);
    expect(report.text).to.contain('加权得分');
    const weighted = [...report.text.matchAll(/data-testid="report-weighted">([^<]*)</g)].map((m) => m[1]);
    // 20 × 100 = 20.00; 50 × 85.37 = 42.685 → 42.68 or 42.69; 30 × 90.11 = 27.033 → 27.03; total 89.71 (truncated)
    expect(weighted.length).to.equal(3);
    const total = /data-testid="report-total">([^<]+)</.exec(report.text)![1];
    expect(total).to.equal('89.71');
    expect(weighted.map(hundredths).reduce((a, b) => a + b, 0)).to.equal(hundredths(total));
    expect(weighted[0]).to.equal('20.00');
  });

  it('in English reads without full-width punctuation: colons, brackets and list marks are English', async () => {
    const { evaluation, built } = await buildEvaluation({ status: 'confirmed', scores: [4_000, 5_000] });
    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
    const { user, password } = await buildUser('org', { organisation });
    const org = await loginAs(user, password);
    const token = await csrf(org, '/');
    await org.post('/lang').type('form').send({ lang: 'en', _csrf: token });
    const report = await org.get(`/evaluations/${evaluation.id}/report`);
    expect(report.status).to.equal(200);
    expect(report.text).to.contain('<html lang="en">');
    // What the page itself says, without the records' own Chinese text (names, comments, items).
    const own = report.text
      .replace(/<[^>]+>/g, '\n')
      .split('\n')
      .map((l) => l.replace(/[\u4e00-\u9fff][^\s:;,()]*/g, ''))
      .join('\n');
    expect(own.match(FULL_WIDTH) ?? []).to.deep.equal([]);
    expect(report.text).to.contain('Consequence: ');
    expect(report.text).to.contain('Weighted score');
  });
});
