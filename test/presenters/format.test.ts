import { expect } from 'chai';
import { formatDate, formatDateTime } from '../../server/presenters/format.js';

/** Dates and times as read in the bureaus (Asia/Shanghai, 24-hour), made without Intl per call (#15). */
describe('format: dates and times in Asia/Shanghai', () => {
  const reference = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const viaIntl = (d: Date) => {
    const p = Object.fromEntries(reference.formatToParts(d).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };

  it('gives the Shanghai wall clock of instants across days, months, years and leap days', () => {
    const instants = [
      '2026-11-29T06:05:09.123Z',
      '2026-12-31T15:59:59.999Z',
      '2026-12-31T16:00:00.000Z',
      '2024-02-28T16:00:00Z',
      '2024-02-29T15:59:59Z',
      '1992-01-01T00:00:00Z',
      '2038-01-19T03:14:08Z',
    ].map((s) => new Date(s));
    for (let i = 0; i < 200; i++) instants.push(new Date(Date.UTC(1992, 0, 1) + Math.floor(((i * 7919) % 200) * 86_400_000 * 91.3) + i * 3_599_777));
    for (const d of instants) {
      expect(formatDateTime(d), d.toISOString()).to.equal(viaIntl(d));
      expect(formatDate(d), d.toISOString()).to.equal(viaIntl(d).slice(0, 10));
      expect(formatDateTime(d.toISOString())).to.equal(viaIntl(d));
    }
    expect(formatDateTime(new Date('2026-11-29T06:05:09Z'))).to.equal('2026-11-29 14:05:09');
    expect(formatDate('2026-11-29')).to.equal('2026-11-29');
  });

  it('still follows summer time before 1992, and is empty for none', () => {
    const summer1988 = new Date('1988-07-01T00:00:00Z');
    expect(formatDateTime(summer1988)).to.equal(viaIntl(summer1988));
    expect(formatDateTime(null)).to.equal('');
    expect(formatDate(undefined)).to.equal('');
  });
});
