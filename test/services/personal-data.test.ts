import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { PersonalDataCipher, PersonalDataError, blindIndex, decryptPersonal, encryptPersonal } from '../../server/services/personal-data.js';
import { testConfig } from '../support/hooks.js';

const ID = '11010519491231002X';
const PHONE = '13812345678';

/** Flips one bit of one base64url part of a token and returns the token. */
function tampered(token: string, part: 1 | 2 | 3): string {
  const parts = token.split(':');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('personal data at rest', () => {
  const key = randomBytes(32);
  const otherKey = randomBytes(32);

  describe('encryption (AES-256-GCM)', () => {
    it('round-trips ID numbers, phones, Chinese text and the empty string', () => {
      for (const plain of [ID, PHONE, '深圳市福田区华富街道', '']) {
        expect(decryptPersonal(encryptPersonal(plain, key), key)).to.equal(plain);
      }
    });

    it('gives a compact versioned token with a 12-byte IV and a 16-byte tag, never the value', () => {
      const token = encryptPersonal(ID, key);
      expect(token).to.match(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
      const [, iv, tag, ciphertext] = token.split(':');
      expect(Buffer.from(iv, 'base64url')).to.have.length(12);
      expect(Buffer.from(tag, 'base64url')).to.have.length(16);
      expect(Buffer.from(ciphertext, 'base64url')).to.have.length(Buffer.byteLength(ID));
      expect(token).not.to.contain(ID);
      expect(token.length).to.be.below(100);
    });

    it('encrypts the same value differently every time (a random IV each)', () => {
      const a = encryptPersonal(ID, key);
      const b = encryptPersonal(ID, key);
      expect(a).not.to.equal(b);
      expect(a.split(':')[1]).not.to.equal(b.split(':')[1]);
      expect(decryptPersonal(a, key)).to.equal(decryptPersonal(b, key));
    });

    it('refuses a tampered ciphertext, IV or tag, with a message that names no value', () => {
      const token = encryptPersonal(ID, key);
      for (const part of [1, 2, 3] as const) {
        const error = thrown(() => decryptPersonal(tampered(token, part), key));
        expect(error).to.be.instanceOf(PersonalDataError);
        expect(error.message).to.match(/altered or sealed under another key/);
        expect(error.message).not.to.contain(ID);
      }
    });

    it('refuses the wrong key', () => {
      const token = encryptPersonal(ID, key);
      const error = thrown(() => decryptPersonal(token, otherKey));
      expect(error).to.be.instanceOf(PersonalDataError);
      expect(error.message).to.match(/another key/);
      expect(error.message).not.to.contain(ID);
    });

    it('refuses malformed tokens: other versions, missing or extra parts, bad encoding, a cut tag', () => {
      const token = encryptPersonal(ID, key);
      const [, iv, tag, ciphertext] = token.split(':');
      for (const bad of [
        ID,
        '',
        `v2:${iv}:${tag}:${ciphertext}`,
        `v1:${iv}:${tag}`,
        `${token}:x`,
        `v1:${iv}:${tag.slice(0, 12)}:${ciphertext}`,
        `v1:${iv}=:${tag}:${ciphertext}`,
        `v1:${iv}:${tag}:${ciphertext}!`,
        `v1:${iv.slice(0, 10)}:${tag}:${ciphertext}`,
      ]) {
        expect(() => decryptPersonal(bad, key), bad).to.throw(PersonalDataError, /Not an encrypted personal-data token/);
      }
    });

    it('refuses a key that is not 32 bytes', () => {
      expect(() => encryptPersonal(ID, Buffer.alloc(16))).to.throw(PersonalDataError, /32 bytes/);
      expect(() => blindIndex(ID, Buffer.alloc(31), 'idNumber')).to.throw(PersonalDataError, /32 bytes/);
    });
  });

  describe('blind index (HMAC-SHA256)', () => {
    it('is deterministic for the same value', () => {
      expect(blindIndex(ID, key, 'idNumber')).to.equal(blindIndex(ID, key, 'idNumber'));
      expect(blindIndex(ID, key, 'idNumber')).to.match(/^[0-9a-f]{64}$/);
    });

    it('differs across values, keys and purposes', () => {
      const base = blindIndex(ID, key, 'idNumber');
      expect(blindIndex('110105194912310038', key, 'idNumber')).not.to.equal(base);
      expect(blindIndex(ID, otherKey, 'idNumber')).not.to.equal(base);
      expect(blindIndex(ID, key, 'phone')).not.to.equal(base);
      expect(blindIndex(ID, key, 'idNumber.v2')).not.to.equal(base);
    });

    it('uses derived sub-keys: neither the data key itself nor the same key for both purposes', () => {
      expect(blindIndex(ID, key, 'idNumber')).not.to.equal(createHmac('sha256', key).update(ID).digest('hex'));
      expect(blindIndex(ID, key, 'idNumber')).not.to.equal(createHmac('sha256', key).update(`idNumber${ID}`).digest('hex'));
      // The data key itself does not open a token either: encryption uses its own sub-key.
      const [, iv, tag, ciphertext] = encryptPersonal(ID, key).split(':');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from('v1'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      expect(() => Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()])).to.throw();
    });

    it('refuses an empty or odd purpose', () => {
      expect(() => blindIndex(ID, key, '')).to.throw(PersonalDataError);
      expect(() => blindIndex(ID, key, 'id number')).to.throw(PersonalDataError);
    });
  });

  describe('PersonalDataCipher', () => {
    it('is built from config.dataKey and agrees with the functions', () => {
      const dataKey = testConfig().dataKey;
      const cipher = new PersonalDataCipher(dataKey);
      const token = cipher.encrypt(ID);
      expect(cipher.decrypt(token)).to.equal(ID);
      expect(decryptPersonal(token, dataKey)).to.equal(ID);
      expect(cipher.decrypt(encryptPersonal(PHONE, dataKey))).to.equal(PHONE);
      expect(cipher.index('idNumber', ID)).to.equal(blindIndex(ID, dataKey, 'idNumber'));
      expect(cipher.index('phone', PHONE)).to.equal(blindIndex(PHONE, dataKey, 'phone'));
    });

    it('normalises before indexing, so a lookup finds the number however it was typed', () => {
      const cipher = new PersonalDataCipher(key);
      expect(cipher.index('idNumber', ' 11010519491231002x ')).to.equal(cipher.index('idNumber', ID));
      expect(cipher.index('phone', '+86 138-1234-5678')).to.equal(cipher.index('phone', PHONE));
      expect(cipher.index('phone', PHONE)).not.to.equal(cipher.index('idNumber', PHONE));
    });

    it('refuses what another key sealed and indexes differently under another key', () => {
      const a = new PersonalDataCipher(key);
      const b = new PersonalDataCipher(otherKey);
      expect(() => b.decrypt(a.encrypt(ID))).to.throw(PersonalDataError);
      expect(a.index('idNumber', ID)).not.to.equal(b.index('idNumber', ID));
    });

    it('shows no key material when logged or serialised', () => {
      const cipher = new PersonalDataCipher(key);
      const shown = `${inspect(cipher, { showHidden: true, depth: 5 })} ${JSON.stringify({ cipher })}`;
      expect(shown).not.to.contain(key.toString('hex'));
      expect(shown).not.to.match(/[0-9a-f]{32}/);
      expect(shown).not.to.contain('Buffer');
    });
  });
});
