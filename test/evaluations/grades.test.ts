import { expect } from 'chai';
import { formatScore, gradeOf, parseScore, shareHundredths, totalOf } from '../../server/services/evaluation-grades.js';

describe('evaluations: grades and totals', () => {
  it('grades the boundaries of the 2021 measures: 59, 60, 79, 80, 89, 90', () => {
    const cases: [number, string][] = [
      [0, 'fail'],
      [5900, 'fail'],
      [5999, 'fail'],
      [6000, 'pass'],
      [7900, 'pass'],
      [7999, 'pass'],
      [8000, 'good'],
      [8900, 'good'],
      [8999, 'good'],
      [9000, 'excellent'],
      [10000, 'excellent'],
    ];
    for (const [total, grade] of cases) expect(gradeOf(total), formatScore(total)).to.equal(grade);
  });

  it('truncates the weighted total to hundredths, so 89.995 is 89.99 (良好), never rounded up to 优秀', () => {
    // 50 × 89.99 + 50 × 90.00 = 89.995 points
    const total = totalOf([
      { weight: 50, scoreHundredths: 8999 },
      { weight: 50, scoreHundredths: 9000 },
    ]);
    expect(total).to.equal(8999);
    expect(gradeOf(total!)).to.equal('good');
    // 59.999… stays 不合格; exactly 60 passes
    expect(gradeOf(totalOf([{ weight: 100, scoreHundredths: 5999 }])!)).to.equal('fail');
    expect(
      gradeOf(
        totalOf([
          { weight: 33, scoreHundredths: 6000 },
          { weight: 67, scoreHundredths: 6000 },
        ])!,
      ),
    ).to.equal('pass');
    expect(
      totalOf([
        { weight: 30, scoreHundredths: 10000 },
        { weight: 70, scoreHundredths: 8571 },
      ]),
    ).to.equal(8999);
  });

  it('has no total while an indicator is unscored', () => {
    expect(totalOf([{ weight: 100, scoreHundredths: null }])).to.equal(null);
  });

  it('reads a typed score of 0–100 with at most two decimals, and nothing else', () => {
    expect(parseScore('89.99')).to.equal(8999);
    expect(parseScore('90')).to.equal(9000);
    expect(parseScore('0.5')).to.equal(50);
    expect(parseScore('100')).to.equal(10000);
    for (const bad of ['100.01', '101', '-1', '89.999', '8e1', '', 'abc', '1,5']) expect(parseScore(bad), bad).to.equal(null);
    expect(formatScore(8999)).to.equal('89.99');
    expect(formatScore(905)).to.equal('9.05');
  });

  it('computes shares in truncated hundredths; nothing of nothing is no share', () => {
    expect(shareHundredths(7, 9)).to.equal(7777);
    expect(shareHundredths(2, 3)).to.equal(6666);
    expect(shareHundredths(3, 3)).to.equal(10000);
    expect(shareHundredths(0, 0)).to.equal(null);
  });
});
