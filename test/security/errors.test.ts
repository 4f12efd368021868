import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { rule } from '../../server/middleware/rules.js';
import { buildUser } from '../factories/index.js';
import { anonymous, loginAs } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';

const LEAKS = [/at \S+ \(.*:\d+:\d+\)/, /node_modules/, /SequelizeDatabaseError|SQLITE_|ER_\w+/, /SELECT .* FROM/i, /secret-detail-of-the-failure/];

function expectNoLeak(text: string) {
  for (const pattern of LEAKS) expect(text, `page leaks ${pattern}`).to.not.match(pattern);
}

describe('error pages', () => {
  it("404: a plain page in the user's language", async () => {
    const res = await anonymous().get('/no/such/page').set('Accept', 'text/html');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('页面不存在');
    expectNoLeak(res.text);
  });

  it('403: a signed-in user outside their role gets a plain refusal', async () => {
    const { user, password } = await buildUser('org');
    const agent = await loginAs(user, password);
    const res = await agent.get('/admin/users').set('Accept', 'text/html');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('无权访问');
    expectNoLeak(res.text);
  });

  it('500: shows a request id, never the stack or the message, and the app keeps serving', async () => {
    const app = createApp(testConfig(), {
      mountExtra: (a) =>
        a.get('/boom', rule('view', 'dashboard'), () => {
          throw new Error('secret-detail-of-the-failure SELECT * FROM users');
        }),
    });
    const { user, password } = await buildUser('officer');
    const agent = request.agent(app);
    const page = await agent.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token });
    const res = await agent.get('/boom').set('Accept', 'text/html');
    expect(res.status).to.equal(500);
    const requestId = res.headers['x-request-id'];
    expect(requestId).to.match(/^[0-9a-f-]{36}$/);
    expect(res.text).to.contain(requestId);
    expectNoLeak(res.text);
    expect((await agent.get('/')).status).to.equal(200);
  });

  it('400: a repeated query key is refused, not a crash', async () => {
    const res = await anonymous().get('/login?next=/a&next=/b').set('Accept', 'text/html');
    expect(res.status).to.equal(400);
    expectNoLeak(res.text);
  });

  it('refuses to send the user to another site after sign-in', async () => {
    const res = await anonymous().get('/login?next=//evil.example/').set('Accept', 'text/html');
    expect(res.status).to.equal(400);
  });
});
