import { expect } from 'chai';
import { setClock } from '../../server/clock.js';
import { paidForm } from '../../server/schemas/payments.js';

const errorsOf = (paidOn: string) => {
  const parsed = paidForm.safeParse({ bankReference: 'ICBC-0001', paidOn });
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe('payments: the paid date is checked against today in Beijing, from the clock', () => {
  afterEach(() => setClock(null));

  it('at 00:30 in Beijing (16:30 UTC the day before), today in Beijing is accepted and tomorrow refused', () => {
    setClock(new Date('2030-06-30T16:30:00Z'));
    expect(errorsOf('2030-07-01')).to.deep.equal([]);
    expect(errorsOf('2030-06-30')).to.deep.equal([]);
    expect(errorsOf('2030-07-02')).to.deep.equal(['payments.validation.paidOnFuture']);
  });

  it('at 23:30 in Beijing (15:30 UTC), the next day is refused', () => {
    setClock(new Date('2030-06-30T15:30:00Z'));
    expect(errorsOf('2030-06-30')).to.deep.equal([]);
    expect(errorsOf('2030-07-01')).to.deep.equal(['payments.validation.paidOnFuture']);
  });
});
