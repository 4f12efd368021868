import zlib from 'node:zlib';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { publicRoute } from '../../server/middleware/rules.js';
import { testApp, testConfig } from '../support/hooks.js';

/**
 * A body the parser refuses is refused before the session and the page locals exist. It must
 * still be answered with the app's own page in the user's language, the right status and the
 * request id — never a stack, a server path or a bare text page.
 */
describe('a request body the parser refuses', () => {
  function expectAppPage(res: request.Response, status: number, message: string) {
    expect(res.status).to.equal(status);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.contain('data-testid="error-page"');
    expect(res.text).to.contain(message);
    expect(res.text).to.contain(`<code data-testid="request-id">${res.headers['x-request-id']}</code>`);
    expect(res.text).not.to.match(/\.ejs|\/work\/|node_modules|ReferenceError|\n\s+at /);
  }

  const post = () => request(testApp()).post('/login').set('Accept', 'text/html');

  it('too large: 413 with its own message', async () => {
    const res = await post()
      .type('form')
      .send(`username=${'x'.repeat(300_000)}`);
    expectAppPage(res, 413, '提交的表单内容过大或字段过多');
  });

  it('too many fields: 413', async () => {
    const res = await post()
      .type('form')
      .send(Array.from({ length: 600 }, (_, i) => `f${i}=1`).join('&'));
    expectAppPage(res, 413, '提交的表单内容过大或字段过多');
  });

  it('an unsupported charset: 415', async () => {
    const res = await post().set('Content-Type', 'application/x-www-form-urlencoded; charset=koi8-r').send('username=a');
    expectAppPage(res, 415, '字符集或压缩方式无法识别');
  });

  it('a broken gzip body: 400, not 500', async () => {
    const gz = zlib.gzipSync(Buffer.from('username=a&password=b'));
    const res = await post()
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'gzip')
      .send(gz.subarray(0, gz.length - 6));
    expectAppPage(res, 400, '请求的格式不正确');
  });

  it('in English when the language cookie says so', async () => {
    const res = await post()
      .set('Cookie', 'lang=en')
      .type('form')
      .send(`username=${'x'.repeat(300_000)}`);
    expectAppPage(res, 413, 'The form sent too much data');
    expect(res.text).to.contain('<html lang="en"');
  });

  it('an error page that cannot render falls back to a plain page with the request id, not the render error', async () => {
    const app = createApp(testConfig(), {
      mountExtra: (a) =>
        a.get('/broken-layout', publicRoute, (_req, res) => {
          res.locals.nav = null; // the layout iterates the navigation: rendering any page now fails
          throw new Error('secret-detail-of-the-failure');
        }),
    });
    const res = await request(app).get('/broken-layout').set('Accept', 'text/html');
    expect(res.status).to.equal(500);
    expect(res.text).to.contain('系统错误');
    expect(res.text).to.contain(`<code data-testid="request-id">${res.headers['x-request-id']}</code>`);
    expect(res.text).not.to.match(/secret-detail|\.ejs|\/work\/|TypeError|\n\s+at /);
  });
});
