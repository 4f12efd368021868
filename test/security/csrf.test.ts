import { expect } from 'chai';
import { AuditEvent } from '../../models/index.js';
import { buildUser } from '../factories/index.js';
import { anonymous, csrf, loginAs } from '../support/agent.js';

describe('cross-site request forgery', () => {
  it('refuses a POST without the synchroniser token, and changes nothing', async () => {
    const { user, password } = await buildUser('officer');
    const agent = await loginAs(user, password);
    const res = await agent.post('/account/password').type('form').send({
      currentPassword: password,
      newPassword: 'a brand new password 1',
      confirmPassword: 'a brand new password 1',
    });
    expect(res.status).to.equal(403);
    // The old password still works: nothing changed.
    await loginAs(user, password);
  });

  it('refuses a wrong token', async () => {
    const agent = anonymous();
    await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ username: 'x', password: 'y', _csrf: 'f'.repeat(64) });
    expect(res.status).to.equal(403);
  });

  it('refuses a token from another session', async () => {
    const stranger = anonymous();
    const token = await csrf(stranger, '/login');
    const agent = anonymous();
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ username: 'x', password: 'y', _csrf: token });
    expect(res.status).to.equal(403);
  });

  it('refuses a request that the browser marks as cross-site, even with a valid token', async () => {
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    const res = await agent.post('/lang').set('Sec-Fetch-Site', 'cross-site').type('form').send({ lang: 'en', _csrf: token });
    expect(res.status).to.equal(403);
    expect(res.headers['set-cookie'] ?? []).to.not.satisfy((c: string[]) => c.some((v) => v.startsWith('lang=')));
  });

  it('refuses a multipart POST without the token in its query string', async () => {
    const { user, password } = await buildUser('admin');
    const agent = await loginAs(user, password);
    const res = await agent.post('/logout').field('x', 'y');
    expect(res.status).to.equal(403);
    expect((await agent.get('/')).status, 'still signed in').to.equal(200);
  });

  it('writes refused access to the audit trail', async () => {
    const { user, password } = await buildUser('finance');
    const agent = await loginAs(user, password);
    await agent.post('/logout').type('form').send({});
    const event = await AuditEvent.findOne({ where: { action: 'access.refused', actorId: user.id } });
    expect(event).to.not.equal(null);
  });
});
