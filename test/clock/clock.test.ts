import { expect } from 'chai';
import { BEIJING_OFFSET_MS, beijingDay, beijingDayStart, setClock, thisYear, today } from '../../server/clock.js';

describe('clock: the Beijing day', () => {
  afterEach(() => setClock(null));

  it('names the Beijing day of an instant: 00:30 in Beijing is already the next day in UTC+8', () => {
    expect(beijingDay(new Date('2026-03-15T16:30:00Z'))).to.equal('2026-03-16');
    expect(beijingDay(new Date('2026-03-15T15:59:59Z'))).to.equal('2026-03-15');
    expect(beijingDay(new Date('2026-12-31T16:00:00Z'))).to.equal('2027-01-01');
  });

  it('gives the instant a Beijing day begins, and a day later the next one', () => {
    expect(beijingDayStart('2026-03-16').toISOString()).to.equal('2026-03-15T16:00:00.000Z');
    expect(beijingDayStart('2026-03-01').toISOString()).to.equal('2026-02-28T16:00:00.000Z');
    expect(beijingDay(beijingDayStart('2026-03-16'))).to.equal('2026-03-16');
    expect(beijingDay(new Date(beijingDayStart('2026-03-16').getTime() - 1))).to.equal('2026-03-15');
    expect(BEIJING_OFFSET_MS).to.equal(8 * 3600_000);
  });

  it('reads today from the one clock, which tests may stop at 00:30 Beijing time', () => {
    setClock(new Date('2026-06-30T16:30:00Z'));
    expect(today()).to.equal('2026-07-01');
    setClock(new Date('2026-06-30T15:30:00Z'));
    expect(today()).to.equal('2026-06-30');
  });

  it('reads this year in Beijing: at 00:30 on 1 January it is the new year, though UTC still says 31 December', () => {
    setClock(new Date('2026-12-31T16:30:00Z'));
    expect(thisYear()).to.equal(2027);
    setClock(new Date('2026-12-31T15:30:00Z'));
    expect(thisYear()).to.equal(2026);
  });
});
