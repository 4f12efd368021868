import { expect } from 'chai';
import request from 'supertest';
import { Session, User } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { buildUser } from '../factories/index.js';
import { DatabaseSessionStore, IDLE_MS, TOUCH_EVERY_MS } from '../../server/auth/session-store.js';
import { csrf, loginThroughForm, postForm, sessionCookie } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

async function signInAndKeepCookie(role: 'officer' | 'org' | 'inspector') {
  const { user, password } = await buildUser(role);
  const agent = await loginThroughForm(user, password);
  const res = await agent.get('/');
  expect(res.status).to.equal(200);
  const sessions = await Session.findAll({ where: { userId: user.id } });
  expect(sessions, 'the session row carries the user id').to.have.length(1);
  return { user, password, agent, sid: sessions[0].sid };
}

describe('sessions', () => {
  it('ends the old session at sign-out: replaying its cookie finds nobody', async () => {
    const { user, password } = await buildUser('officer');
    const agent = await loginThroughForm(user, password);
    const page = await agent.get('/');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const cookieBefore = (await Session.findOne({ where: { userId: user.id } }))!.sid;
    const res = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/login');
    expect(await Session.findByPk(cookieBefore), 'the old session row is gone').to.equal(null);
    expect(await Session.count({ where: { userId: user.id } })).to.equal(0);
    expect((await agent.get('/')).headers.location).to.match(/^\/login/);
  });

  it('ends the session of a user who is disabled, at their next request', async () => {
    const { user, agent } = await signInAndKeepCookie('org');
    await User.update({ status: 'disabled' }, { where: { id: user.id } });
    const res = await agent.get('/');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('reads the user afresh with each request: a new name, role or forced password change applies at once (#15)', async () => {
    const { user, agent } = await signInAndKeepCookie('officer');
    await User.update({ displayName: 'Renamed Officer' }, { where: { id: user.id } });
    expect((await agent.get('/contracts')).text).to.contain('Renamed Officer');
    // An officer made inspector may no longer open the form of a new catalogue item.
    expect((await agent.get('/catalogue/new')).status).to.equal(200);
    await User.update({ role: 'inspector' }, { where: { id: user.id } });
    expect((await agent.get('/catalogue/new')).status).to.equal(403);
    await User.update({ mustChangePassword: true }, { where: { id: user.id } });
    expect((await agent.get('/contracts')).headers.location).to.equal('/account/password');
  });

  it('ends a session left idle for 30 minutes', async () => {
    const { agent, sid } = await signInAndKeepCookie('inspector');
    await Session.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { sid } });
    const res = await agent.get('/');
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('reads pages without writing the session row while its expiry is fresh (#15)', async () => {
    const { agent, sid } = await signInAndKeepCookie('officer');
    const before = (await Session.findByPk(sid))!;
    for (const path of ['/', '/contracts', '/']) expect((await agent.get(path)).status).to.equal(200);
    const after = (await Session.findByPk(sid))!;
    expect(after.updatedAt.getTime(), 'no write').to.equal(before.updatedAt.getTime());
    expect(after.expiresAt.getTime()).to.equal(before.expiresAt.getTime());
  });

  it('moves the idle expiry once the last write is over a minute old, so an active user stays signed in (#15)', async () => {
    const { agent, sid } = await signInAndKeepCookie('officer');
    // As if the row was last written 25 minutes ago: 5 minutes of idle time left.
    const stale = new Date(Date.now() + IDLE_MS - 25 * 60_000);
    await Session.update({ expiresAt: stale }, { where: { sid } });
    expect((await agent.get('/')).status).to.equal(200);
    const moved = (await Session.findByPk(sid))!.expiresAt.getTime();
    expect(moved, 'the expiry moved to 30 minutes from now').to.be.closeTo(Date.now() + IDLE_MS, 60_000);
    // Just under the threshold: left alone.
    // Whole seconds: MariaDB's DATETIME keeps no fraction.
    const recent = new Date(Math.floor((Date.now() + IDLE_MS - TOUCH_EVERY_MS + 5_000) / 1000) * 1000);
    await Session.update({ expiresAt: recent }, { where: { sid } });
    expect((await agent.get('/')).status).to.equal(200);
    expect((await Session.findByPk(sid))!.expiresAt.getTime()).to.equal(recent.getTime());
  });

  it('never stores the row expiry it reads in the session itself (#15)', async () => {
    const store = new DatabaseSessionStore();
    const sid = `test-${Date.now()}-${Math.random()}`;
    const cookie = { originalMaxAge: IDLE_MS, expires: new Date(Date.now() + IDLE_MS).toISOString(), httpOnly: true, path: '/' };
    await new Promise<void>((resolve, reject) => store.set(sid, { cookie, flash: [] } as never, (err) => (err ? reject(err) : resolve())));
    const loaded = await new Promise<Record<string, unknown>>((resolve, reject) =>
      store.load(sid, (err, sess) => (err || !sess ? reject(err ?? new Error('not found')) : resolve(sess as never))),
    );
    expect(loaded).not.to.have.property('__storedUntil');
    loaded.flash = [{ type: 'info', key: 'x' }];
    await new Promise<void>((resolve, reject) => store.set(sid, loaded as never, (err) => (err ? reject(err) : resolve())));
    const data = JSON.parse((await Session.findByPk(sid))!.data);
    expect(data).not.to.have.property('__storedUntil');
    expect(data.flash).to.deep.equal([{ type: 'info', key: 'x' }]);
  });

  it('ends a session 10 hours after sign-in, however active', async () => {
    const { agent, sid } = await signInAndKeepCookie('officer');
    const row = (await Session.findByPk(sid))!;
    const data = JSON.parse(row.data);
    data.signedInAt = Date.now() - 10 * 3600 * 1000 - 1000;
    await row.update({ data: JSON.stringify(data) });
    const res = await agent.get('/');
    expect(res.headers.location).to.equal('/login?expired=1');
    expect(await Session.findByPk(sid)).to.equal(null);
  });

  it('survives a restart: a second app instance over the same database knows the session', async () => {
    const { agent } = await signInAndKeepCookie('officer');
    const page = await agent.get('/');
    const cookie = (page.request as unknown as { cookies: string }).cookies;
    const restarted = createApp(testConfig());
    const res = await request(restarted).get('/').set('Cookie', cookie);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="dashboard-heading"');
  });

  it('sets an HttpOnly, SameSite=Lax cookie', async () => {
    const { user, password } = await buildUser('officer');
    const agent = await loginThroughForm(user, password);
    const res = await agent.get('/');
    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = raw.find((c) => c.startsWith('careprocure.sid='));
    expect(cookie).to.match(/HttpOnly/i);
    expect(cookie).to.match(/SameSite=Lax/i);
    expect(sessionCookie(res)).to.be.a('string');
  });
});

describe("changing one's own password", () => {
  it('needs the current password, and keeps the form with the error beside the field', async () => {
    const { user, password } = await buildUser('finance');
    const agent = await loginThroughForm(user, password);
    const res = await postForm(agent, '/account/password', {
      currentPassword: 'not my password',
      newPassword: 'another long password',
      confirmPassword: 'another long password',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('当前密码不正确');
    expect(res.text).to.contain('is-invalid');
  });

  it('refuses a new password under 12 characters', async () => {
    const { user, password } = await buildUser('finance');
    const agent = await loginThroughForm(user, password);
    const res = await postForm(agent, '/account/password', {
      currentPassword: password,
      newPassword: 'short',
      confirmPassword: 'short',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('至少需要 12 个字符');
  });

  it('changes it, ends the other sessions and keeps this one', async () => {
    const { user, password } = await buildUser('officer');
    const here = await loginThroughForm(user, password);
    const elsewhere = await loginThroughForm(user, password);
    const res = await postForm(here, '/account/password', {
      currentPassword: password,
      newPassword: '一段足够长的新密码用来登录',
      confirmPassword: '一段足够长的新密码用来登录',
    });
    expect(res.status).to.equal(302);
    expect((await here.get('/')).status).to.equal(200);
    expect((await elsewhere.get('/')).headers.location).to.match(/^\/login/);
    await loginThroughForm(user, '一段足够长的新密码用来登录');
  });

  it('forces a change after a one-time password before anything else', async () => {
    const { user, password } = await buildUser('officer', { mustChangePassword: true });
    const agent = await loginThroughForm(user, password);
    expect((await agent.get('/')).headers.location).to.equal('/account/password');
    const token = await csrf(agent, '/account/password');
    expect((await agent.post('/lang').type('form').send({ lang: 'en', _csrf: token })).status).to.equal(302);
    const res = await postForm(
      agent,
      '/account/password',
      { currentPassword: password, newPassword: 'my very own password', confirmPassword: 'my very own password' },
      '/account/password',
    );
    expect(res.status).to.equal(302);
    expect((await agent.get('/')).status).to.equal(200);
  });
});
