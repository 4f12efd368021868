import { DEMO_PASSWORD } from '../server/seed.js';

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Signs a demo user in through the form (the CSRF token of GET /login, then POST /login); the session's cookie. */
export async function signIn(base: string, username: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
    body: new URLSearchParams({ username, password: DEMO_PASSWORD, _csrf: token }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 302) throw new Error(`Sign-in of ${username} failed: ${res.status}`);
  return cookiesOf(res);
}
