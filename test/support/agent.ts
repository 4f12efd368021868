import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { SessionData } from 'express-session';
import request from 'supertest';
import { User } from '../../models/index.js';
import { verifyPassword } from '../../server/auth/password.js';
import { DatabaseSessionStore, IDLE_MS } from '../../server/auth/session-store.js';
import { now } from '../../server/clock.js';
import { testApp, testConfig } from './hooks.js';

export type Agent = ReturnType<typeof request.agent>;

const SESSION_COOKIE = 'careprocure.sid';

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

/** The session cookie the agent would send now (supertest serves the app on 127.0.0.1). */
function sessionCookieOf(agent: Agent): string | undefined {
  const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
  return jar.getCookie(SESSION_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
}

/**
 * The token each agent's session holds, fetched once per session: csrf-sync keeps one token per
 * session, so it only changes when the session does (sign-in, sign-out), and then the cookie does.
 */
const tokens = new WeakMap<Agent, { cookie: string; token: string }>();

/** A CSRF token for this agent's session: read from a page (every layout has the language form). */
export async function csrf(agent: Agent, page = '/login'): Promise<string> {
  const res = await agent.get(page);
  const token = csrfFrom(res.text);
  const cookie = sessionCookieOf(agent);
  if (cookie) tokens.set(agent, { cookie, token });
  return token;
}

/** This agent's CSRF token: the one known for its current session, or read once from a page. */
async function tokenOf(agent: Agent, page: string): Promise<string> {
  const known = tokens.get(agent);
  if (known && known.cookie === sessionCookieOf(agent)) return known.token;
  return csrf(agent, page);
}

/**
 * Posts a form with this agent's CSRF token (fetched from a page only when its session is new).
 * Actions that ask for a second look (middleware/confirm.ts) are posted as already confirmed
 * (`confirmed=1`) unless the test sends `confirmed` itself: tests of the confirmation send `''`.
 */
export async function postForm(agent: Agent, url: string, fields: Record<string, string | string[]>, tokenPage?: string) {
  const token = await tokenOf(agent, tokenPage ?? '/');
  const confirmed = SECOND_LOOK.test(url.split('?')[0]) ? { confirmed: '1' } : {};
  return agent
    .post(url)
    .type('form')
    .send({ ...confirmed, ...fields, _csrf: token });
}

/** The actions that ask for a second look (their forms are otherwise strict about extra fields). */
const SECOND_LOOK =
  /^\/(?:contracts\/\d+\/activate|allocations\/\d+\/approve|payments\/\d+\/(?:approve|pay)|payments\/instalments\/\d+\/request|claims\/\d+\/(?:submit|approve|pay)|batches\/[a-z]+-[a-z]+|payment-runs\/\d+\/pay|bank-statements\/\d+\/confirm|deliverables\/\d+\/submit|evaluations\/\d+\/confirm)$/;

/** Signs in through the real form and returns the signed-in agent: for the tests of sign-in. */
export async function loginThroughForm(user: User | { username: string }, password: string): Promise<Agent> {
  const agent = anonymous();
  const token = await csrf(agent, '/login');
  const res = await agent.post('/login').type('form').send({ username: user.username, password, _csrf: token });
  expect(res.status, `sign-in of ${user.username} failed: ${res.status}`).to.equal(302);
  return agent;
}

/** express-session's signed cookie value (cookie-signature: HMAC-SHA256, base64 without padding). */
function signedSid(sid: string): string {
  const mac = createHmac('sha256', testConfig().sessionSecret).update(sid).digest('base64').replace(/=+$/, '');
  return `s:${sid}.${mac}`;
}

/**
 * A signed-in agent without the form: the session the app makes at sign-in (passport's user id,
 * the sign-in time, a CSRF token), written through the app's own session store, and its cookie in
 * the agent's jar. The password is checked as the form would; an inactive user cannot sign in.
 * What only the form does (the attempt, the audit event, the last sign-in time) is tested with
 * `loginThroughForm`.
 */
export async function loginAs(who: User | { username: string }, password: string): Promise<Agent> {
  const user = await User.findOne({ where: { username: who.username } });
  expect(user, `no user ${who.username}`).to.not.equal(null);
  expect(await verifyPassword(password, user!.passwordHash), `wrong password for ${who.username}`).to.equal(true);
  expect(user!.status, `${who.username} is not active`).to.equal('active');
  const sid = randomBytes(24).toString('base64url');
  const token = randomBytes(32).toString('hex');
  const at = now();
  const data = {
    cookie: { originalMaxAge: IDLE_MS, expires: new Date(at.getTime() + IDLE_MS).toISOString(), httpOnly: true, path: '/', sameSite: 'lax', secure: false },
    passport: { user: user!.id },
    signedInAt: at.getTime(),
    csrfToken: token,
  } as unknown as SessionData;
  await new Promise<void>((resolve, reject) => new DatabaseSessionStore().set(sid, data, (err) => (err ? reject(err) : resolve())));
  const agent = anonymous();
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(signedSid(sid))}`;
  (agent as unknown as { jar: { setCookie(c: string, domain: string, path: string): void } }).jar.setCookie(`${cookie}; Path=/; HttpOnly`, '127.0.0.1', '/');
  tokens.set(agent, { cookie: sessionCookieOf(agent)!, token });
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
