import { expect } from 'chai';
import { moneyField, optionalMoneyField, parseMoneyToFen, parsePercentToBp } from '../../server/schemas/money.js';
import { MAX_FEN } from '../../server/services/money.js';

describe('the money parser (schemas/money): every unambiguous way people type yuan, exactly', () => {
  it('takes plain yuan with up to two decimals, on the digits (no floating point)', () => {
    expect(parseMoneyToFen('1234.56')).to.equal(123456);
    expect(parseMoneyToFen('1234.5')).to.equal(123450);
    expect(parseMoneyToFen('1234')).to.equal(123400);
    expect(parseMoneyToFen('0')).to.equal(0);
    expect(parseMoneyToFen('0.01')).to.equal(1);
    expect(parseMoneyToFen('  88.80 ')).to.equal(8880);
    expect(parseMoneyToFen('0.29')).to.equal(29);
    expect(parseMoneyToFen('10000000000')).to.equal(MAX_FEN);
    expect(parseMoneyToFen('10000000000.00')).to.equal(MAX_FEN);
  });

  it('takes what the app itself shows and what a Chinese input method types', () => {
    const accepted: [string, number][] = [
      ['1,200', 120000],
      ['¥1,200.00', 120000],
      ['￥1,200.00', 120000],
      ['¥ 1200', 120000],
      ['1200元', 120000],
      ['1,200 元', 120000],
      ['¥1,200.00元', 120000],
      ['１２００', 120000],
      ['１，２００．５０', 120050],
      ['￥１２００', 120000],
      ['RMB 1,200.5', 120050],
      ['1,234,567.89', 123456789],
      ['10,000,000,000.00', MAX_FEN],
      ['0.5', 50],
    ];
    for (const [text, fen] of accepted) expect(parseMoneyToFen(text), JSON.stringify(text)).to.equal(fen);
  });

  it('refuses what is ambiguous or not money: separators out of place, signs, exponents, three decimals, too large', () => {
    for (const text of [
      '',
      ' ',
      '-1',
      '+1',
      '1,20',
      '12,00',
      '1,2000',
      '1200,',
      ',1200',
      '0,200',
      '1.234',
      '1,234.567',
      '1.005',
      '12.',
      '.5',
      '1e3',
      'abc',
      '0x10',
      '1 000',
      '12元5角',
      '¥-12',
      '$12',
      '10000000000.01',
      '99999999999999',
      '1'.repeat(40),
      'Infinity',
      'NaN',
      '1200。50',
    ]) {
      expect(parseMoneyToFen(text), JSON.stringify(text)).to.equal(null);
    }
  });

  it('takes per cent as basis points, full-width and with % too, up to 100', () => {
    expect(parsePercentToBp('30')).to.equal(3000);
    expect(parsePercentToBp('12.5')).to.equal(1250);
    expect(parsePercentToBp('30%')).to.equal(3000);
    expect(parsePercentToBp('３０％')).to.equal(3000);
    expect(parsePercentToBp('100')).to.equal(10_000);
    for (const text of ['100.01', '101', '-5', '1,000', '12.345', '', '%']) expect(parsePercentToBp(text), text).to.equal(null);
  });

  it('is a form field whose error shows an accepted example (validation.money, or the field’s own)', () => {
    expect(moneyField().parse('1,200.30')).to.equal(120030);
    const bad = moneyField().safeParse('12.345');
    expect(bad.error?.issues[0].message).to.equal('validation.money');
    expect(moneyField().safeParse(undefined).error?.issues[0].message).to.equal('validation.money');
    expect(moneyField({ positive: true, message: 'claims.validation.amount' }).safeParse('0').error?.issues[0].message).to.equal('claims.validation.amount');
    expect(optionalMoneyField().parse('')).to.equal(null);
    expect(optionalMoneyField().parse('￥3,000')).to.equal(300000);
  });
});
