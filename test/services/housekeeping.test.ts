import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { LoginAttempt, Session } from '../../models/index.js';
import { housekeeping } from '../../server/housekeeping.js';
import { storeFor } from '../../server/services/storage/index.js';
import { unique } from '../factories/index.js';
import { testConfig } from '../support/hooks.js';

const HOUR = 60 * 60 * 1000;

describe('housekeeping', () => {
  it('removes expired sessions, old sign-in attempts and abandoned upload temps, and nothing else', async () => {
    const config = testConfig();
    const at = Date.now();
    const expired = await Session.create({
      sid: unique('s'),
      userId: null,
      data: '{}',
      expiresAt: new Date(at - 1000),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const live = await Session.create({
      sid: unique('s'),
      userId: null,
      data: '{}',
      expiresAt: new Date(at + HOUR),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const who = unique('hk');
    await LoginAttempt.create({ username: who, ip: '10.0.0.1', outcome: 'failure', at: new Date(at - 25 * HOUR) });
    await LoginAttempt.create({ username: who, ip: '10.0.0.1', outcome: 'locked', at: new Date(at - 10 * 60 * 1000) });

    const store = storeFor(config);
    const kept = await store.put(Readable.from([Buffer.from('a deliverable report')]));
    fs.mkdirSync(config.uploadDir, { recursive: true });
    const oldTemp = path.join(config.uploadDir, `.incoming-${unique()}`);
    const newTemp = path.join(config.uploadDir, `.incoming-${unique()}`);
    fs.writeFileSync(oldTemp, 'half an upload');
    fs.writeFileSync(newTemp, 'an upload being written');
    const twoHoursAgo = new Date(at - 2 * HOUR);
    fs.utimesSync(oldTemp, twoHoursAgo, twoHoursAgo);

    const removed = await housekeeping(config);

    expect(await Session.findByPk(expired.sid)).to.equal(null);
    expect(await Session.findByPk(live.sid)).to.not.equal(null);
    const left = await LoginAttempt.findAll({ where: { username: who } });
    expect(left.map((a) => a.outcome)).to.deep.equal(['locked']);
    expect(fs.existsSync(oldTemp)).to.equal(false);
    expect(fs.existsSync(newTemp)).to.equal(true);
    expect(await store.exists(kept.key)).to.equal(true);
    expect(removed.sessions).to.be.at.least(1);
    expect(removed.loginAttempts).to.be.at.least(1);
    expect(removed.uploadTemps).to.be.at.least(1);
    fs.rmSync(newTemp);
  });
});
