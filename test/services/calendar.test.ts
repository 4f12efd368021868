import { expect } from 'chai';
import { addDays, addMonths, dayParts, daysBetween } from '../../server/services/calendar.js';

describe('calendar days', () => {
  it('adds days across month and year ends, and back', () => {
    expect(addDays('2026-02-28', 1)).to.equal('2026-03-01');
    expect(addDays('2024-02-28', 1)).to.equal('2024-02-29');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(addDays('2026-01-01', -1)).to.equal('2025-12-31');
  });

  it('adds months with the day clamped to a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2024-02-29', 12)).to.equal('2025-02-28');
    expect(addMonths('2026-03-15', -3)).to.equal('2025-12-15');
  });

  it('counts the days between two days, negative backwards', () => {
    expect(daysBetween('2026-02-27', '2026-03-01')).to.equal(2);
    expect(daysBetween('2026-03-01', '2026-02-27')).to.equal(-2);
    expect(daysBetween('2025-01-01', '2026-01-01')).to.equal(365);
  });

  it('refuses a day not written YYYY-MM-DD', () => {
    expect(dayParts('2026-03-15')).to.deep.equal([2026, 3, 15]);
    expect(() => dayParts('2026/03/15')).to.throw();
    expect(() => addDays('15.03.2026', 1)).to.throw();
  });
});
