import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { LoginAttempt, Session } from '../../models/index.js';
import { setClock } from '../../server/clock.js';
import { claimJob, HOUSEKEEPING_INTERVAL_MS, housekeeping, housekeepingRound, startHousekeeping } from '../../server/housekeeping.js';
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

  describe('once per interval across servers (job_leases)', () => {
    afterEach(() => setClock(null));

    it('a job is claimed by exactly one of several servers asking at once, and again once the interval has passed', async () => {
      const job = unique('job');
      const start = Date.now();
      setClock(new Date(start));
      const servers = ['server-a', 'server-b', 'server-c'];
      const first = await Promise.all(servers.map((s) => claimJob(job, 60_000, s)));
      expect(first.filter(Boolean)).to.have.length(1);
      // The same interval: nobody, however often they ask.
      expect((await Promise.all(servers.map((s) => claimJob(job, 60_000, s)))).filter(Boolean)).to.have.length(0);
      setClock(new Date(start + 59_999));
      expect((await Promise.all(servers.map((s) => claimJob(job, 60_000, s)))).filter(Boolean)).to.have.length(0);
      setClock(new Date(start + 60_000));
      expect((await Promise.all(servers.map((s) => claimJob(job, 60_000, s)))).filter(Boolean)).to.have.length(1);
    });

    it('two servers tidy the shared database once per housekeeping interval; each still sweeps its own upload temps', async () => {
      // Past any lease an earlier start against this database took.
      const at = Date.now() + HOUSEKEEPING_INTERVAL_MS + 1000;
      setClock(new Date(at));
      const config = testConfig();
      const who = unique('hk');
      await LoginAttempt.create({ username: who, ip: '10.0.0.2', outcome: 'failure', at: new Date(at - 25 * HOUR) });
      const rounds = await Promise.all([housekeepingRound(config, 'server-a'), housekeepingRound(config, 'server-b')]);
      expect(rounds.map((r) => r.database).sort()).to.deep.equal([false, true]);
      for (const r of rounds) expect(r.uploadTemps).to.be.a('number');
      expect(rounds.find((r) => r.database)!.loginAttempts).to.be.at.least(1);
      expect(await LoginAttempt.count({ where: { username: who } })).to.equal(0);

      // Their timers fire again within the interval: nothing runs twice.
      setClock(new Date(at + HOUSEKEEPING_INTERVAL_MS - 1));
      const again = await Promise.all([housekeepingRound(config, 'server-b'), housekeepingRound(config, 'server-a')]);
      expect(again.map((r) => r.database)).to.deep.equal([false, false]);

      setClock(new Date(at + HOUSEKEEPING_INTERVAL_MS));
      const next = await Promise.all([housekeepingRound(config, 'server-b'), housekeepingRound(config, 'server-a')]);
      expect(next.filter((r) => r.database)).to.have.length(1);
    });
  });

  it('stop() waits for the round in progress, so a shutdown never closes the pool under it', async () => {
    // A temp file of a process of this machine that is gone: every round removes it at once.
    const dir = fs.mkdtempSync(path.join(testConfig().uploadDir, 'housekeeping-stop-'));
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';
    const leftover = path.join(dir, `.incoming-${host}.${deadPid}.${unique()}`);
    fs.writeFileSync(leftover, 'half an upload');
    const running = startHousekeeping({ uploadDir: dir });
    await running.stop();
    // The first round ran to its end before stop() resolved.
    expect(fs.existsSync(leftover)).to.equal(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
