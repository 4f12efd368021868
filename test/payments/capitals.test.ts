import { expect } from 'chai';
import { fenToChineseCapitals, MAX_FEN } from '../../server/services/money.js';

/** Amounts in Chinese capitals as 支付结算办法 (中国人民银行) prescribes them for payment forms. */
const CASES: [number, string][] = [
  [0, '零元整'],
  [1, '壹分'],
  [5, '伍分'],
  [10, '壹角'],
  [50, '伍角'],
  [55, '伍角伍分'],
  [100, '壹元整'],
  [105, '壹元零伍分'],
  [110, '壹元壹角'],
  [1000, '壹拾元整'],
  [1005, '壹拾元零伍分'],
  [1010, '壹拾元壹角'],
  [10000, '壹佰元整'],
  [10100, '壹佰零壹元整'],
  [11000, '壹佰壹拾元整'],
  [101000, '壹仟零壹拾元整'],
  [100100, '壹仟零壹元整'],
  [100000, '壹仟元整'],
  [123456, '壹仟贰佰叁拾肆元伍角陆分'],
  [1234567, '壹万贰仟叁佰肆拾伍元陆角柒分'],
  [1000000, '壹万元整'],
  [1000100, '壹万零壹元整'],
  [1010000, '壹万零壹佰元整'],
  [1100000, '壹万壹仟元整'],
  [100000000, '壹佰万元整'],
  [100100000, '壹佰万壹仟元整'],
  [100010000, '壹佰万零壹佰元整'],
  [1000000000, '壹仟万元整'],
  [1001000000, '壹仟零壹万元整'],
  [10000000000, '壹亿元整'],
  [10000000101, '壹亿零壹元零壹分'],
  [10001000000, '壹亿零壹万元整'],
  [10100000000, '壹亿零壹佰万元整'],
  [11000000000, '壹亿壹仟万元整'],
  [12345678901, '壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分'],
  [100000000000, '壹拾亿元整'],
  [MAX_FEN, '壹佰亿元整'],
  [MAX_FEN + 99, '壹佰亿元玖角玖分'],
];

describe('payments: amounts in Chinese capitals (大写金额)', () => {
  for (const [fen, text] of CASES) {
    it(`${fen} fen → ${text}`, () => {
      expect(fenToChineseCapitals(fen)).to.equal(text);
    });
  }

  it('refuses what is not a safe integer of fen', () => {
    expect(() => fenToChineseCapitals(1.5)).to.throw(RangeError);
    expect(() => fenToChineseCapitals(Number.NaN)).to.throw(RangeError);
  });

  it('never writes two 零 in a row, nor ends an amount with 零', () => {
    for (let fen = 0; fen < 2_000_000; fen += 997) {
      const text = fenToChineseCapitals(fen * 101);
      expect(text, String(fen * 101)).not.to.match(/零零|零$/);
      if (fen * 101 >= 100) expect(text).to.match(/元/);
    }
  });
});
