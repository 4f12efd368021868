import { expect } from 'chai';
import { progressPercent } from '../../server/presenters/deliverables.js';

describe('progress against a target as a percentage', () => {
  it('rounds as people expect: 40 of 150 is 27 %', () => {
    expect(progressPercent(40, 150)).to.equal(27);
    expect(progressPercent(30, 600)).to.equal(5);
    expect(progressPercent(1, 8)).to.equal(13);
  });

  it('says 100 % only when the target is met, and not 0 % once something is done', () => {
    expect(progressPercent(299, 300)).to.equal(99);
    expect(progressPercent(300, 300)).to.equal(100);
    expect(progressPercent(400, 300)).to.equal(100);
    expect(progressPercent(1, 1000)).to.equal(1);
    expect(progressPercent(0, 1000)).to.equal(0);
  });
});
