import { expect } from 'chai';
import request from 'supertest';
import type { User } from '../../models/index.js';
import { testApp } from './hooks.js';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('No CSRF token on the page');
  return m[1];
}

/** A browser-like agent that keeps cookies, not signed in. */
export function anonymous(): Agent {
  return request.agent(testApp());
}

/** A fresh CSRF token for this agent's session (every layout has the language form). */
export async function csrf(agent: Agent, page = '/login'): Promise<string> {
  const res = await agent.get(page);
  return csrfFrom(res.text);
}

/** Posts a form with this agent's CSRF token. */
export async function postForm(agent: Agent, url: string, fields: Record<string, string | string[]>, tokenPage?: string) {
  const token = await csrf(agent, tokenPage ?? '/');
  return agent
    .post(url)
    .type('form')
    .send({ ...fields, _csrf: token });
}

/** Signs in through the real form and returns the signed-in agent. */
export async function loginAs(user: User | { username: string }, password: string): Promise<Agent> {
  const agent = anonymous();
  const token = await csrf(agent, '/login');
  const res = await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token });
  expect(res.status, `sign-in of ${user.username} failed: ${res.status}`).to.equal(302);
  return agent;
}

/** The session cookie value from a response's Set-Cookie, if it set one. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const c = list.find((v: string) => v.startsWith('careprocure.sid='));
  return c?.split(';')[0];
}

/** The error shown beside a form field (partials/field.ejs), or null when it has none. */
export function fieldError(html: string, name: string): string | null {
  return new RegExp(`id="f-${name}-error">([^<]*)<`).exec(html)?.[1] ?? null;
}

/** Collects a binary response body (an XLSX export; supertest only buffers text by itself). */
export function binaryParser(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}
