import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../server/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger(stream, 'info') };
}

describe('logs', () => {
  it('are JSON lines with passwords, cookies, tokens and personal numbers redacted', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2-hunter2',
        body: { newPassword: 'new-secret-phrase', _csrf: 'token-value' },
        headers: { cookie: 'careprocure.sid=abc' },
        worker: { idNumber: '440304199001011234', phone: '13812345678' },
        sid: 'session-id-value',
        path: '/login',
      },
      'something happened',
    );
    expect(lines).to.have.length(1);
    const entry = JSON.parse(lines[0]);
    expect(entry.msg).to.equal('something happened');
    expect(entry.path).to.equal('/login');
    for (const secret of ['hunter2', 'new-secret-phrase', 'token-value', 'careprocure.sid=abc', '440304199001011234', '13812345678', 'session-id-value']) {
      expect(lines[0]).to.not.contain(secret);
    }
  });
});
