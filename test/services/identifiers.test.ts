import { expect } from 'chai';
import type { z } from 'zod';
import {
  fapiaoCodeSchema,
  fapiaoKey,
  fapiaoNumberSchema,
  fapiaoSchema,
  findPersonalNumbers,
  idCheckDigit,
  idNumberBirthDate,
  idNumberSchema,
  maskIdNumber,
  maskPhone,
  phoneSchema,
  usccCheckCharacter,
  usccSchema,
  validateFapiao,
  validateIdNumber,
  validatePhone,
  validateUscc,
} from '../../server/services/identifiers.js';

/** A fixed "today" (2026-06-01 in Asia/Shanghai), so birth-date rules do not move with the clock. */
const TODAY = new Date('2026-06-01T12:00:00+08:00');

/** An ID number with a correct check digit: 6-digit address, YYYYMMDD, 3-digit sequence. */
function idNumber(address: string, birth: string, sequence = '123'): string {
  const first17 = address + birth + sequence;
  return first17 + idCheckDigit(first17);
}

/** The first 17 digits of a number whose check digit is X (searched, not hard-coded). */
function idWithX(): string {
  for (let seq = 0; seq < 1000; seq += 1) {
    const first17 = `44030419900101${String(seq).padStart(3, '0')}`;
    if (idCheckDigit(first17) === 'X') return `${first17}X`;
  }
  throw new Error('no sequence gives X');
}

describe('identifiers', () => {
  describe('unified social credit code (GB 32100-2015)', () => {
    it('accepts published codes, checked by hand against the weights 3^i mod 31', () => {
      // 9·1+1·3+3·9+5·27+0+1·26+0+0+M(21)·20+0+0+0+1·8+0+0+Y(30)·30+4·28 = 1640; 1640 mod 31 = 28; 31−28 = 3
      expect(validateUscc('91350100M000100Y43')).to.deep.equal({ ok: true, value: '91350100M000100Y43' });
      // 华为技术有限公司: Σ = 831, 831 mod 31 = 25, 31−25 = 6
      expect(validateUscc('914403001922038216')).to.deep.equal({ ok: true, value: '914403001922038216' });
      // 深圳市腾讯计算机系统有限公司: Σ = 966, 966 mod 31 = 5, 31−5 = 26 → T
      expect(validateUscc('91440300708461136T')).to.deep.equal({ ok: true, value: '91440300708461136T' });
      expect(usccCheckCharacter('91350100M000100Y4')).to.equal('3');
    });

    it('accepts codes built with the check function, for social organisations of every type', () => {
      for (const first17 of ['51440300500000017', '524403004123456AB', '53440300MA5G0000Y', '12100000400000624', 'Y1440300000000017']) {
        const code = first17 + usccCheckCharacter(first17);
        expect(validateUscc(code), code).to.deep.equal({ ok: true, value: code });
      }
    });

    it('writes a check value of 31 as 0, and letters for 10–30', () => {
      const seen = new Set<string>();
      for (let n = 0; n < 2000; n += 1) {
        const first17 = `524403${String(n).padStart(11, '0')}`;
        const check = usccCheckCharacter(first17);
        seen.add(check);
        expect(validateUscc(first17 + check).ok).to.equal(true);
      }
      expect(seen.has('0')).to.equal(true);
      expect([...seen].every((c) => /^[0-9A-HJ-NPQRTUWXY]$/.test(c))).to.equal(true);
      expect(seen.size).to.equal(31);
    });

    it('refuses a wrong check character', () => {
      expect(validateUscc('91350100M000100Y44')).to.deep.equal({ ok: false, reason: 'checksum' });
      expect(validateUscc('914403001922038217')).to.deep.equal({ ok: false, reason: 'checksum' });
      // Two characters swapped keep the length and alphabet but break the sum.
      expect(validateUscc('91350100M000100Y34')).to.deep.equal({ ok: false, reason: 'checksum' });
    });

    it('refuses the letters I, O, Z, S and V, other lengths and other characters', () => {
      for (const letter of ['I', 'O', 'Z', 'S', 'V']) {
        expect(validateUscc(`91350100M000100${letter}43`), letter).to.deep.equal({ ok: false, reason: 'format' });
      }
      expect(validateUscc('91350100M000100Y4')).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateUscc('91350100M000100Y433')).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateUscc('91350100M000-00Y43')).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateUscc('')).to.deep.equal({ ok: false, reason: 'format' });
    });

    it('refuses an undefined registration authority, organisation type or division code', () => {
      const withCheck = (first17: string) => first17 + usccCheckCharacter(first17);
      expect(validateUscc(withCheck('B1440300MA5FXXXX1'))).to.deep.equal({ ok: false, reason: 'authority' });
      expect(validateUscc(withCheck('0144030050000001X'))).to.deep.equal({ ok: false, reason: 'authority' });
      expect(validateUscc(withCheck('5544030050000001X'))).to.deep.equal({ ok: false, reason: 'orgType' });
      expect(validateUscc(withCheck('94440300500000011'))).to.deep.equal({ ok: false, reason: 'orgType' });
      expect(validateUscc(withCheck('5144A30050000001X'))).to.deep.equal({ ok: false, reason: 'division' });
    });

    it('trims and upper-cases, also full-width input', () => {
      expect(validateUscc('  91350100m000100y43\t')).to.deep.equal({ ok: true, value: '91350100M000100Y43' });
      expect(validateUscc('９１３５０１００Ｍ０００１００Ｙ４３')).to.deep.equal({ ok: true, value: '91350100M000100Y43' });
    });

    it('refuses a check character request for a wrong body', () => {
      expect(() => usccCheckCharacter('9135010')).to.throw();
      expect(() => usccCheckCharacter('91350100M000100O4')).to.throw();
    });
  });

  describe('citizen ID number (GB 11643-1999)', () => {
    it('accepts a number with the right check digit, and the standard example with X', () => {
      const id = idNumber('440304', '19900101');
      expect(validateIdNumber(id, TODAY)).to.deep.equal({ ok: true, value: id });
      // GB 11643-1999's own example: Σ = 167, 167 mod 11 = 2 → X.
      expect(validateIdNumber('11010519491231002X', TODAY)).to.deep.equal({ ok: true, value: '11010519491231002X' });
      expect(idCheckDigit('11010519491231002')).to.equal('X');
    });

    it('refuses a wrong check digit', () => {
      const id = idNumber('440304', '19900101');
      const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
      expect(validateIdNumber(wrong, TODAY)).to.deep.equal({ ok: false, reason: 'checksum' });
      expect(validateIdNumber('110105194912310021', TODAY)).to.deep.equal({ ok: false, reason: 'checksum' });
    });

    it('takes X as a check digit, and a lower-case x as X', () => {
      const id = idWithX();
      expect(validateIdNumber(id, TODAY)).to.deep.equal({ ok: true, value: id });
      expect(validateIdNumber(id.toLowerCase(), TODAY)).to.deep.equal({ ok: true, value: id });
      expect(validateIdNumber(` ${id.slice(0, 17)}ｘ `, TODAY)).to.deep.equal({ ok: true, value: id });
      // X only as the check character
      expect(validateIdNumber(`X${id.slice(1)}`, TODAY)).to.deep.equal({ ok: false, reason: 'format' });
    });

    it('knows Feb 29: valid in 2000, not in 1900 or 2023', () => {
      expect(validateIdNumber(idNumber('440304', '20000229'), TODAY).ok).to.equal(true);
      expect(validateIdNumber(idNumber('440304', '19000229'), TODAY)).to.deep.equal({ ok: false, reason: 'birthDate' });
      expect(validateIdNumber(idNumber('440304', '20230229'), TODAY)).to.deep.equal({ ok: false, reason: 'birthDate' });
      expect(validateIdNumber(idNumber('440304', '20240229'), TODAY).ok).to.equal(true);
    });

    it('refuses impossible dates and years before 1900', () => {
      for (const birth of ['19901301', '19900001', '19900100', '19900431', '18991231']) {
        expect(validateIdNumber(idNumber('440304', birth), TODAY), birth).to.deep.equal({ ok: false, reason: 'birthDate' });
      }
      // GB 11643's other example (born 1880) has a valid check digit but is out of our range.
      expect(idCheckDigit('44052418800101001')).to.equal('4');
      expect(validateIdNumber('440524188001010014', TODAY)).to.deep.equal({ ok: false, reason: 'birthDate' });
      expect(validateIdNumber(idNumber('440304', '19000101'), TODAY).ok).to.equal(true);
    });

    it('refuses a birth date in the future, a day in Asia/Shanghai', () => {
      expect(validateIdNumber(idNumber('440304', '20260602'), TODAY)).to.deep.equal({ ok: false, reason: 'birthDate' });
      expect(validateIdNumber(idNumber('440304', '20260601'), TODAY).ok).to.equal(true);
      // 00:30 on 1 June in Shenzhen is still 31 May in UTC
      const justAfterMidnight = new Date('2026-05-31T16:30:00Z');
      expect(validateIdNumber(idNumber('440304', '20260601'), justAfterMidnight).ok).to.equal(true);
      // and the default is now
      expect(validateIdNumber(idNumber('440304', '29991231')).ok).to.equal(false);
      expect(validateIdNumber(idNumber('440304', '19900101')).ok).to.equal(true);
    });

    it('refuses 17 and 19 characters, letters and separators', () => {
      const id = idNumber('440304', '19900101');
      expect(validateIdNumber(id.slice(0, 17), TODAY)).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateIdNumber(`${id}0`, TODAY)).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateIdNumber(`${id.slice(0, 6)} ${id.slice(6)}`, TODAY)).to.deep.equal({ ok: false, reason: 'format' });
      expect(validateIdNumber('', TODAY)).to.deep.equal({ ok: false, reason: 'format' });
    });

    it('reads the birth date', () => {
      expect(idNumberBirthDate(idNumber('440304', '19900101'))).to.equal('1990-01-01');
      expect(idNumberBirthDate('11010519491231002x')).to.equal('1949-12-31');
      expect(idNumberBirthDate(idNumber('440304', '20230229'))).to.equal(null);
      expect(idNumberBirthDate('1234')).to.equal(null);
      expect(() => idCheckDigit('1234')).to.throw();
    });
  });

  describe('phone numbers', () => {
    it('accepts mobile numbers 1[3-9] with 11 digits, with spaces, hyphens or +86', () => {
      for (const input of [
        '13812345678',
        '138 1234 5678',
        '138-1234-5678',
        '+86 138 1234 5678',
        '+8619912345678',
        '008615012345678',
        '１３８１２３４５６７８',
      ]) {
        const checked = validatePhone(input);
        expect(checked.ok, input).to.equal(true);
        if (checked.ok) expect(checked.kind).to.equal('mobile');
      }
      expect(validatePhone('+86 138 1234 5678')).to.deep.equal({ ok: true, value: '13812345678', kind: 'mobile' });
    });

    it('refuses other mobile-like numbers', () => {
      for (const input of ['12812345678', '1381234567', '138123456789', '23812345678', '1381234567a', '', '+1 138 1234 5678']) {
        expect(validatePhone(input), input).to.deep.equal({ ok: false, reason: 'format' });
      }
    });

    it('accepts landlines with their area code', () => {
      expect(validatePhone('0755-12345678')).to.deep.equal({ ok: true, value: '075512345678', kind: 'landline' });
      expect(validatePhone('075512345678')).to.deep.equal({ ok: true, value: '075512345678', kind: 'landline' });
      expect(validatePhone('010 1234 5678')).to.deep.equal({ ok: true, value: '01012345678', kind: 'landline' });
      expect(validatePhone('(020) 8765-4321')).to.deep.equal({ ok: true, value: '02087654321', kind: 'landline' });
      expect(validatePhone('0660-1234567')).to.deep.equal({ ok: true, value: '06601234567', kind: 'landline' });
      expect(validatePhone('+86 755 1234 5678')).to.deep.equal({ ok: true, value: '075512345678', kind: 'landline' });
    });

    it('refuses landlines without area code or with wrong lengths', () => {
      for (const input of ['12345678', '0755-123456', '0755-123456789', '00755-12345678', '0755-1234567a']) {
        expect(validatePhone(input), input).to.deep.equal({ ok: false, reason: 'format' });
      }
    });
  });

  describe('发票', () => {
    it('accepts a classic one: code of 10 or 12 digits and an 8-digit number', () => {
      expect(validateFapiao({ code: '4403201130', number: '01234567' })).to.deep.equal({
        ok: true,
        value: { kind: 'classic', code: '4403201130', number: '01234567' },
      });
      expect(validateFapiao({ code: ' 044031900111 ', number: '12345678' })).to.deep.equal({
        ok: true,
        value: { kind: 'classic', code: '044031900111', number: '12345678' },
      });
    });

    it('accepts a fully digitalised one: no code and a 20-digit number', () => {
      const number = '24442000000123456789';
      const expected = { ok: true, value: { kind: 'digital', code: null, number } };
      expect(validateFapiao({ number })).to.deep.equal(expected);
      expect(validateFapiao({ code: '', number })).to.deep.equal(expected);
      expect(validateFapiao({ code: null, number })).to.deep.equal(expected);
    });

    it('refuses bad lengths and mixed forms', () => {
      expect(validateFapiao({ code: '440320113', number: '01234567' })).to.deep.equal({ ok: false, reason: 'codeFormat' });
      expect(validateFapiao({ code: '44032011300', number: '01234567' })).to.deep.equal({ ok: false, reason: 'codeFormat' });
      expect(validateFapiao({ code: '4403201130', number: '0123456' })).to.deep.equal({ ok: false, reason: 'numberFormat' });
      expect(validateFapiao({ code: '4403201130', number: '012345678' })).to.deep.equal({ ok: false, reason: 'numberFormat' });
      expect(validateFapiao({ number: '2444200000012345678' })).to.deep.equal({ ok: false, reason: 'numberFormat' });
      expect(validateFapiao({ number: '01234567' })).to.deep.equal({ ok: false, reason: 'codeMissing' });
      expect(validateFapiao({ code: '4403201130', number: '24442000000123456789' })).to.deep.equal({
        ok: false,
        reason: 'codeUnexpected',
      });
      expect(validateFapiao({ code: '44032O1130', number: '01234567' })).to.deep.equal({ ok: false, reason: 'codeFormat' });
    });

    it('gives one canonical key per 发票, however it was typed', () => {
      expect(fapiaoKey('4403201130', '01234567')).to.equal('4403201130:01234567');
      expect(fapiaoKey(' 4403201130', '01234567 ')).to.equal('4403201130:01234567');
      expect(fapiaoKey(null, '24442000000123456789')).to.equal('e:24442000000123456789');
      expect(fapiaoKey('', '24442000000123456789')).to.equal('e:24442000000123456789');
      expect(fapiaoKey('4403201130', '01234567')).not.to.equal(fapiaoKey('440320113000', '01234567'));
      expect(() => fapiaoKey(null, '01234567'))
        .to.throw()
        .with.property('message')
        .that.does.not.contain('01234567');
    });
  });

  describe('masks', () => {
    it('shows an ID number as 4403**********1234', () => {
      expect(maskIdNumber('440304199001011234')).to.equal('4403**********1234');
      expect(maskIdNumber('11010519491231002x')).to.equal('1101**********002X');
      expect(maskIdNumber('1234567')).to.equal('*******');
    });

    it('shows a mobile as 138****5678 and a landline with its area code', () => {
      expect(maskPhone('13812345678')).to.equal('138****5678');
      expect(maskPhone('+86 138-1234-5678')).to.equal('138****5678');
      expect(maskPhone('0755-12345678')).to.equal('0755-****5678');
      expect(maskPhone('01012345678')).to.equal('010-****5678');
      expect(maskPhone('0660-1234567')).to.equal('0660-***4567');
      expect(maskPhone('not a phone 987654321')).to.not.contain('9876');
      expect(maskPhone('12345')).to.equal('*****');
    });
  });

  describe('scanner for personal numbers', () => {
    it('finds an ID number and a mobile number in Chinese text, with their offsets', () => {
      const id = idNumber('440304', '20150607', '042');
      const text = `个案记录：儿童王某，身份证号${id}，监护人电话13812345678，已转介。`;
      const found = findPersonalNumbers(text, TODAY);
      expect(found).to.have.length(2);
      // 个案记录：儿童王某，身份证号 is 14 characters; ，监护人电话 another 6
      expect(found[0]).to.deep.equal({ kind: 'idNumber', start: 14, end: 32, masked: maskIdNumber(id) });
      expect(text.slice(14, 32)).to.equal(id);
      expect(found[1]).to.deep.equal({ kind: 'phone', start: 38, end: 49, masked: '138****5678' });
      expect(text.slice(38, 49)).to.equal('13812345678');
    });

    it('ignores an 18-digit number with a wrong check digit, a 12-digit run and an 18-digit run with an impossible date', () => {
      const id = idNumber('440304', '19900101');
      const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
      const badDate = idNumber('440304', '19901332');
      const text = `订单号${wrong}，卡号138123456789，流水${badDate}，编号913812345678，x13812345678901`;
      expect(findPersonalNumbers(text, TODAY)).to.deep.equal([]);
    });

    it('finds written-out forms: x check digit, +86, 3-4-4 groups, full-width digits, a CSV cell', () => {
      const id = idWithX().toLowerCase();
      const text = `甲${id}乙 +86 139-1234-5678；丙１３７００００１１１１`;
      const found = findPersonalNumbers(text, TODAY);
      expect(found.map((f) => [f.kind, text.slice(f.start, f.end), f.masked])).to.deep.equal([
        ['idNumber', id, maskIdNumber(id)],
        ['phone', '+86 139-1234-5678', '139****5678'],
        ['phone', '１３７００００１１１１', '137****1111'],
      ]);
      const cell = '13912345678';
      expect(findPersonalNumbers(cell, TODAY)).to.deep.equal([{ kind: 'phone', start: 0, end: 11, masked: '139****5678' }]);
    });

    it('finds nothing in text without personal numbers', () => {
      expect(findPersonalNumbers('本月家庭探访 600 户，热线接听 1234 次，12355 转介 8 宗。', TODAY)).to.deep.equal([]);
      expect(findPersonalNumbers('', TODAY)).to.deep.equal([]);
      // A request id or stored file name whose hex groups happen to read 3-4-4 digits.
      expect(findPersonalNumbers('请求 7f3ac131-4567-5630-8d2e-0a1b2c3d4e5f 已记录', TODAY)).to.deep.equal([]);
      expect(findPersonalNumbers('7f3ac131-4567-5630-8d2e-0a1b2c3d4e5f 139-1234-5678', TODAY).map((f) => f.masked)).to.deep.equal(['139****5678']);
      // A file's SHA-256 whose hex happens to hold eleven digits in a row.
      const sha = `ab${'15312342445'}cd${'0'.repeat(51)}`;
      expect(findPersonalNumbers(`发票.pdf,${sha},ok`, TODAY)).to.deep.equal([]);
    });
  });

  describe('form schemas', () => {
    it('parse to the normalised value', () => {
      expect(usccSchema.parse(' 91350100m000100y43 ')).to.equal('91350100M000100Y43');
      expect(idNumberSchema.parse('11010519491231002x')).to.equal('11010519491231002X');
      expect(phoneSchema.parse('0755-12345678')).to.equal('075512345678');
      expect(fapiaoCodeSchema.parse(' 4403201130')).to.equal('4403201130');
      expect(fapiaoNumberSchema.parse('24442000000123456789')).to.equal('24442000000123456789');
      expect(fapiaoSchema.parse({ code: '', number: '24442000000123456789' })).to.deep.equal({
        kind: 'digital',
        code: null,
        number: '24442000000123456789',
      });
    });

    it('give locale keys as messages, one per reason', () => {
      const message = (schema: z.ZodType, v: unknown) => schema.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message]);
      expect(message(usccSchema, '91350100M000100Y44')).to.deep.equal([['', 'validation.usccInvalid']]);
      expect(message(idNumberSchema, '1101051949123100')).to.deep.equal([['', 'validation.idNumberFormat']]);
      expect(message(idNumberSchema, '110105194912310021')).to.deep.equal([['', 'validation.idNumberChecksum']]);
      expect(message(idNumberSchema, idNumber('440304', '20230229'))).to.deep.equal([['', 'validation.idNumberBirthDate']]);
      expect(message(phoneSchema, '12345')).to.deep.equal([['', 'validation.phoneInvalid']]);
      expect(message(fapiaoCodeSchema, '123')).to.deep.equal([['', 'validation.fapiaoCodeInvalid']]);
      expect(message(fapiaoNumberSchema, '123')).to.deep.equal([['', 'validation.fapiaoNumberInvalid']]);
      expect(message(fapiaoSchema, { code: '4403201130', number: '123' })).to.deep.equal([['number', 'validation.fapiaoNumberInvalid']]);
      expect(message(fapiaoSchema, { number: '01234567' })).to.deep.equal([['code', 'validation.fapiaoCodeMissing']]);
      expect(message(fapiaoSchema, { code: '4403201130', number: '24442000000123456789' })).to.deep.equal([['code', 'validation.fapiaoCodeUnexpected']]);
      expect(message(usccSchema, 'x'.repeat(1000))).to.deep.equal([['', 'validation.usccInvalid']]);
    });
  });
});
