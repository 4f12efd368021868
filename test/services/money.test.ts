import { expect } from 'chai';
import { parseMoneyToFen } from '../../server/schemas/money.js';
import { fenToChineseCapitals, fenToInput, formatFen, MAX_FEN } from '../../server/services/money.js';

describe('money: integer fen as people read it', () => {
  it('formats fen as ¥ with thousands separators and two decimals', () => {
    expect(formatFen(123456)).to.equal('¥1,234.56');
    expect(formatFen(0)).to.equal('¥0.00');
    expect(formatFen(5)).to.equal('¥0.05');
    expect(formatFen(100)).to.equal('¥1.00');
    expect(formatFen(MAX_FEN)).to.equal('¥10,000,000,000.00');
    expect(formatFen(-123456)).to.equal('-¥1,234.56');
    expect(formatFen(12_345_678_901n)).to.equal('¥123,456,789.01');
  });

  it('shows fen again in a form field as plain yuan, which parses back to the same fen', () => {
    for (const fen of [0, 1, 10, 99, 100, 123456, MAX_FEN]) {
      expect(parseMoneyToFen(fenToInput(fen))).to.equal(fen);
    }
    expect(fenToInput(123450)).to.equal('1234.50');
    expect(fenToInput(null)).to.equal('');
  });

  it('writes fen in Chinese capitals as payment forms do', () => {
    const cases: [number, string][] = [
      [123456, '壹仟贰佰叁拾肆元伍角陆分'],
      [0, '零元整'],
      [5, '伍分'],
      [50, '伍角'],
      [105, '壹元零伍分'],
      [1050, '壹拾元伍角'],
      [10000, '壹佰元整'],
      [100500, '壹仟零伍元整'],
      [105000, '壹仟零伍拾元整'],
      [10_000_000, '壹拾万元整'],
      [12_003_400, '壹拾贰万零叁拾肆元整'],
      [100_000_100, '壹佰万零壹元整'],
      [10_000_000_100, '壹亿零壹元整'],
      [10_010_000_000, '壹亿零壹拾万元整'],
      [10_100_000_000, '壹亿零壹佰万元整'],
      [MAX_FEN, '壹佰亿元整'],
      [-1234, '负壹拾贰元叁角肆分'],
    ];
    for (const [fen, text] of cases) expect(fenToChineseCapitals(fen), String(fen)).to.equal(text);
  });
});
