import { expect } from 'chai';
import { Session } from '../../models/index.js';
import { buildUser } from '../factories/index.js';
import { anonymous, csrf, csrfFrom } from '../support/agent.js';

/**
 * A visitor who is not signed in costs no session row (a flood of anonymous page views must not
 * grow the sessions table), and the sign-in and language forms stay protected against CSRF.
 */
describe('visitors before sign-in', () => {
  it('view the sign-in page, a missing page and the start page without writing a session row', async () => {
    const before = await Session.count();
    for (let i = 0; i < 40; i++) {
      const res = await anonymous().get(i % 4 === 0 ? '/no-such-page' : i % 4 === 1 ? '/' : '/login');
      expect(res.status).to.be.oneOf([200, 302, 404]);
    }
    expect(await Session.count()).to.equal(before);
  });

  it('sign in through the form with the visitor token; only the signed-in session is written', async () => {
    const { user, password } = await buildUser('officer');
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    expect(await Session.count({ where: { userId: user.id } })).to.equal(0);
    const res = await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token });
    expect(res.status).to.equal(302);
    expect(await Session.count({ where: { userId: user.id } })).to.equal(1);
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    // Signed in, forms carry the session's synchroniser token, not the visitor's.
    expect(csrfFrom(home.text)).not.to.equal(token);
  });

  it('switch the language with the visitor token, writing no session row', async () => {
    const before = await Session.count();
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    const res = await agent.post('/lang').type('form').send({ lang: 'en', back: '/login', _csrf: token });
    expect(res.status).to.equal(302);
    expect((await agent.get('/login')).text).to.contain('<html lang="en"');
    expect(await Session.count()).to.equal(before);
  });

  it('are refused without the visitor cookie, with a forged token, or with the token of a visitor signed in since', async () => {
    const { user, password } = await buildUser('officer');
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    // The same token sent without the cookie it belongs to.
    const bare = await anonymous().post('/login').type('form').send({ username: user.username, password, _csrf: token });
    expect(bare.status).to.equal(403);
    const forged = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password, _csrf: `v.${'A'.repeat(43)}` });
    expect(forged.status).to.equal(403);
    // Once signed in, a visitor token no longer passes: the session's synchroniser token is asked.
    expect((await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token })).status).to.equal(302);
    const stale = await agent.post('/lang').type('form').send({ lang: 'en', _csrf: token });
    expect(stale.status).to.equal(403);
  });
});
