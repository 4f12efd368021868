import { expect } from 'chai';
import { AuditEvent, LoginAttempt } from '../../models/index.js';
import { IP_FAILURE_LIMIT, USERNAME_FAILURE_LIMIT } from '../../server/auth/signin.js';
import { buildUser, unique } from '../factories/index.js';
import { anonymous, csrf, csrfFrom, loginThroughForm, sessionCookie } from '../support/agent.js';

async function tryPassword(username: string, password: string) {
  const agent = anonymous();
  const token = await csrf(agent, '/login');
  return agent.post('/login').type('form').send({ username, password, _csrf: token });
}

describe('sign-in', () => {
  it('signs in with the right password and shows the dashboard', async () => {
    const { user, password } = await buildUser('officer');
    const agent = await loginThroughForm(user, password);
    const res = await agent.get('/');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="dashboard-heading"');
    const event = await AuditEvent.findOne({ where: { action: 'auth.sign_in', actorId: user.id } });
    expect(event, 'sign-in is audited').to.not.equal(null);
  });

  it('refuses a wrong password with the same message as an unknown user, keeping the username', async () => {
    const { user } = await buildUser('finance');
    const wrong = await tryPassword(user.username, 'not the password at all');
    const unknown = await tryPassword('nobody-by-this-name', 'not the password at all');
    expect(wrong.status).to.equal(422);
    expect(unknown.status).to.equal(422);
    expect(wrong.text).to.contain('用户名或密码不正确');
    expect(unknown.text).to.contain('用户名或密码不正确');
    expect(wrong.text).to.contain(`value="${user.username}"`);
    expect(wrong.text).to.not.contain('not the password at all');
    const failed = await AuditEvent.count({ where: { action: 'auth.sign_in_failed', recordId: String(user.id) } });
    expect(failed).to.equal(1);
  });

  it('locks a username after 10 failures in 15 minutes, and leaves another user alone', async () => {
    const { user, password } = await buildUser('officer');
    const other = await buildUser('officer');
    for (let i = 0; i < USERNAME_FAILURE_LIMIT - 1; i++) {
      expect((await tryPassword(user.username, `wrong password ${i}`)).status).to.equal(422);
    }
    const tenth = await tryPassword(user.username, 'wrong password 10');
    expect(tenth.status).to.equal(429);
    expect(tenth.text).to.contain('锁定');
    // Even the right password is refused while locked.
    const right = await tryPassword(user.username, password);
    expect(right.status).to.equal(429);
    // Another user of the same office (same IP) signs in as usual.
    const res = await tryPassword(other.user.username, other.password);
    expect(res.status).to.equal(302);
  });

  it('lifts the lock 15 minutes after it was set', async () => {
    const { user, password } = await buildUser('officer');
    for (let i = 0; i < USERNAME_FAILURE_LIMIT; i++) await tryPassword(user.username, `wrong password ${i}`);
    expect((await tryPassword(user.username, password)).status).to.equal(429);
    // Move the attempts 16 minutes into the past, as if the time had passed.
    const rows = await LoginAttempt.findAll({ where: { username: user.username } });
    for (const r of rows) await r.update({ at: new Date(r.at.getTime() - 16 * 60 * 1000) });
    expect((await tryPassword(user.username, password)).status).to.equal(302);
  });

  it('gives a new session id at sign-in, also over a session the browser already holds', async () => {
    const { user, password } = await buildUser('inspector');
    const other = await buildUser('officer');
    const agent = anonymous();
    const page = await agent.get('/login');
    // A visitor holds no session at all (no row, no cookie) until the sign-in succeeds.
    expect(sessionCookie(page), 'the sign-in form starts no session').to.equal(undefined);
    const first = await agent
      .post('/login')
      .type('form')
      .send({ username: other.user.username, password: other.password, _csrf: csrfFrom(page.text) });
    expect(first.status).to.equal(302);
    const before = sessionCookie(first);
    expect(before).to.be.a('string');
    // Signing in again over that session (a shared office computer) must not keep its id.
    const token = await csrf(agent, '/');
    const res = await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token });
    expect(res.status).to.equal(302);
    const after = sessionCookie(res);
    expect(after).to.be.a('string');
    expect(after).to.not.equal(before);
  });

  it('accepts a 64-character Chinese pass-phrase in full', async () => {
    const phrase = '春眠不觉晓处处闻啼鸟夜来风雨声花落知多少'.repeat(4).slice(0, 64);
    expect([...phrase].length).to.equal(64);
    const { user } = await buildUser('evaluator', { password: phrase });
    expect((await tryPassword(user.username, phrase)).status).to.equal(302);
    // Only the last character differs: no truncation.
    expect((await tryPassword(user.username, phrase.slice(0, 63) + '好')).status).to.equal(422);
  });

  it('throttles an address after 100 failures in 15 minutes, far looser than the per-user lock', async () => {
    const { user, password } = await buildUser('officer');
    const probe = unique('probe.');
    await tryPassword(probe, 'wrong password');
    const ip = (await LoginAttempt.findOne({ where: { username: probe } }))!.ip;
    const marker = unique('flood.');
    const at = new Date();
    const rows = Array.from({ length: IP_FAILURE_LIMIT }, (_, i) => ({ username: `${marker}${i}`, ip, outcome: 'failure' as const, at }));
    await LoginAttempt.bulkCreate(rows);
    try {
      const res = await tryPassword(user.username, password);
      expect(res.status).to.equal(429);
      expect(res.text).to.contain('来自您所在网络的登录尝试过多');
    } finally {
      // The suite shares one address: remove the flood so other tests can sign in.
      await LoginAttempt.destroy({ where: { ip, at } });
    }
    expect((await tryPassword(user.username, password)).status).to.equal(302);
  });
});
