import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../server/config.js';
import { keysOf, translator } from '../../server/i18n/index.js';
import { buildUser } from '../factories/index.js';
import { anonymous, csrf, loginAs } from '../support/agent.js';

function viewFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? viewFiles(p) : p.endsWith('.ejs') ? [p] : [];
  });
}

describe('languages', () => {
  it('Chinese and English say the same things: the same keys in both', () => {
    const zh = keysOf('zh-CN');
    const en = keysOf('en');
    expect(
      zh.filter((k) => !en.includes(k)),
      'missing in en',
    ).to.deep.equal([]);
    expect(
      en.filter((k) => !zh.includes(k)),
      'missing in zh-CN',
    ).to.deep.equal([]);
  });

  it('every literal key a view asks for exists', () => {
    const t = translator('zh-CN');
    const missing: string[] = [];
    for (const file of viewFiles(path.join(projectRoot, 'views'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]*[a-zA-Z0-9_])'\s*[,)]/g)) {
        if (t(m[1]) === m[1]) missing.push(`${path.relative(projectRoot, file)}: ${m[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('English says its punctuation in English: no full-width colon, bracket, comma or list mark in en', () => {
    const t = translator('en');
    // The call-log template names the Chinese list mark people may type between departments.
    const quotesTheMark = new Set(['callLog.template.notes.referral']);
    const found = keysOf('en')
      .filter((k) => !quotesTheMark.has(k) && /[\u3000-\u303f\uff00-\uffef]/.test(t(k)))
      .map((k) => `${k}: ${t(k)}`);
    expect(found).to.deep.equal([]);
  });

  it('views take punctuation between their texts from the locale (punct.*), so an English page gets English punctuation', () => {
    const found: string[] = [];
    for (const file of viewFiles(path.join(projectRoot, 'views'))) {
      const text = fs.readFileSync(file, 'utf8').replace(/<%#[\s\S]*?%>/g, '');
      for (const [n, line] of text.split('\n').entries()) {
        if (/[\u3000-\u303f\uff00-\uffef]/.test(line)) found.push(`${path.relative(projectRoot, file)}:${n + 1}: ${line.trim()}`);
      }
    }
    expect(found).to.deep.equal([]);
  });

  it('presenters take punctuation they put between texts from the locale too (a bracket around a name in an English list reads " (…)")', () => {
    // A stale edit's digest joins a list with one fixed mark whatever the language (a form opened before a switch stays unchanged).
    const fixedOnPurpose = new Set(['stale-edit.ts: DIGEST_LIST_SEP']);
    const dir = path.join(projectRoot, 'server', 'presenters');
    const found: string[] = [];
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const [n, line] of text.split('\n').entries()) {
        const code = line.replace(/^\s*\/\/.*$/, '');
        if (!/[\u3000-\u303f\uff00-\uffef]/.test(code)) continue;
        if ([...fixedOnPurpose].some((f) => f === `${name}: ${/const (\w+)/.exec(code)?.[1]}`)) continue;
        found.push(`${name}:${n + 1}: ${code.trim()}`);
      }
    }
    expect(found).to.deep.equal([]);
  });

  it('is Chinese by default and switches to English, and back', async () => {
    const agent = anonymous();
    expect((await agent.get('/login')).text).to.contain('<html lang="zh-CN">');
    let token = await csrf(agent, '/login');
    const res = await agent.post('/lang').type('form').send({ lang: 'en', back: '/login', _csrf: token });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/login');
    const english = await agent.get('/login');
    expect(english.text).to.contain('<html lang="en">');
    expect(english.text).to.contain('Sign in');
    token = await csrf(agent, '/login');
    await agent.post('/lang').type('form').send({ lang: 'zh-CN', _csrf: token });
    expect((await agent.get('/login')).text).to.contain('登录');
  });

  it('keeps the language across sign-in and shows errors in it', async () => {
    const { user, password } = await buildUser('officer');
    const agent = await loginAs(user, password);
    const token = await csrf(agent, '/');
    await agent.post('/lang').type('form').send({ lang: 'en', _csrf: token });
    const res = await agent.get('/admin/users').set('Accept', 'text/html');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('You are not allowed to do this.');
  });

  it('refuses an unknown language', async () => {
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    const res = await agent.post('/lang').type('form').send({ lang: 'fr', _csrf: token });
    expect(res.status).to.equal(400);
  });

  it('refuses to return to another site after switching', async () => {
    const agent = anonymous();
    const token = await csrf(agent, '/login');
    const res = await agent.post('/lang').type('form').send({ lang: 'en', back: '//evil.example', _csrf: token });
    expect(res.status).to.equal(400);
  });
});
