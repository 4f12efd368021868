import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { AuditEvent } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { setClock } from '../../server/clock.js';
import { logger } from '../../server/logger.js';
import { looksLikePersonalNumber } from '../../server/services/identifiers.js';
import { buildRegisteredOrganisation } from '../factories/organisations.js';
import { buildUser, unique } from '../factories/index.js';
import { buildWorker } from '../factories/workers.js';
import { anonymous, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode = 'FT') {
  const { user, password } = await buildUser(role, { districtCode });
  return { user, agent: await loginAs(user, password) };
}

/** Every address a page links to or submits to. */
function addressesOn(html: string): string[] {
  return [...html.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** The request log lines (and any other) written while `run` runs, at level info. */
async function logLinesDuring(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const streamSym = pino.symbols.streamSym as unknown as keyof typeof logger;
  const original = logger[streamSym];
  const level = logger.level;
  Object.assign(logger, { [streamSym]: capture });
  logger.level = 'info';
  try {
    await run();
  } finally {
    Object.assign(logger, { [streamSym]: original });
    logger.level = level;
  }
  return lines;
}

describe('list filters: a searched phone or ID number never enters an address (#13)', () => {
  it('tells a personal number from a date, a year, a contract number or a credit code', () => {
    for (const typed of [
      '13812345678',
      '138 1234 5678',
      '138-1234-5678',
      '１３８１２３４５６７８',
      '0755-83001234',
      '440304199001011234',
      '44030419900101123X',
      '4403041990010112',
    ])
      expect(looksLikePersonalNumber(typed), typed).to.equal(true);
    for (const typed of ['2026-03-05', '2026-03', '2026', 'SZHT-2026-001', '张三', '91440300MA5EXAMPLE', '52440300379907912U', '1234567'])
      expect(looksLikePersonalNumber(typed), typed).to.equal(false);
  });

  it('holds an ID number typed into the registry search behind a token: pages, sort and export keep filtering, and no address or log line carries it', async () => {
    const { agent, user } = await signedIn('officer');
    const { worker, idNumber } = await buildWorker();
    await buildWorker();
    let found = '';
    let exported = '';
    let addresses: string[] = [];
    const lines = await logLinesDuring(async () => {
      const posted = await postForm(
        agent,
        '/lists/filter',
        { _list: '/workers', q: idNumber, kind: 'director', sort: 'name', dir: 'asc', perPage: '25' },
        '/workers',
      );
      expect(posted.status).to.equal(303);
      const address = posted.headers.location as string;
      expect(address).to.match(/^\/workers\?kind=director&sort=name&dir=asc&perPage=25&held=[A-Za-z0-9_-]{22}$/);
      const page = await agent.get(address);
      expect(page.status).to.equal(200);
      found = page.text;
      addresses = addressesOn(page.text);
      const token = /held=([A-Za-z0-9_-]{22})/.exec(address)![1];
      const csv = addresses.find((a) => a.includes('format=csv'))!;
      expect(csv).to.contain(`held=${token}`);
      const sortLink = addresses.find((a) => a.includes('sort=kind'))!;
      expect(sortLink).to.contain(`held=${token}`);
      expect((await agent.get(sortLink)).text).to.contain(`data-id="${worker.id}"`);
      exported = (await agent.get(csv)).text;
    });
    expect([...found.matchAll(/data-testid="worker-row" data-id="(\d+)"/g)].map((m) => Number(m[1]))).to.deep.equal([worker.id]);
    // The box shows what was typed, in the page only; no link, form address or log line has it.
    for (const a of addresses) expect(a).to.not.contain(idNumber).and.not.contain(worker.idNumberIndex);
    expect(
      exported
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).to.have.length(2);
    expect(exported).to.contain(worker.name).and.not.contain(idNumber);
    expect(lines.length).to.be.greaterThan(3);
    expect(lines.join('\n')).to.not.contain(idNumber).and.not.contain('held=');
    const audit = await AuditEvent.findOne({ where: { action: 'child_worker.export', actorId: user.id }, order: [['seq', 'DESC']] });
    expect(audit!.detail).to.not.contain(idNumber);
  });

  it('holds a phone number typed into another list’s search, and sends an ordinary search to an ordinary address', async () => {
    const { agent } = await signedIn('officer', 'SZ');
    const tag = unique('电话');
    const org = await buildRegisteredOrganisation({ name: `${tag}社工` });
    const held = await postForm(agent, '/lists/filter', { _list: '/organisations', q: '13812345678', status: '' }, '/organisations');
    expect(held.headers.location).to.match(/^\/organisations\?held=[A-Za-z0-9_-]{22}$/);
    expect((await agent.get(held.headers.location)).text).to.contain('data-testid="empty-list"');
    const plain = await postForm(agent, '/lists/filter', { _list: '/organisations', q: tag, status: '' }, '/organisations');
    expect(plain.headers.location).to.equal(`/organisations?q=${encodeURIComponent(tag)}`);
    expect((await agent.get(plain.headers.location)).text).to.contain(org.uscc);
    // Typed straight into an address, it is moved behind a token before anything is shown.
    const typed = await agent.get('/organisations?q=13812345678&status=active');
    expect(typed.status).to.equal(303);
    expect(typed.headers.location).to.match(/^\/organisations\?status=active&held=[A-Za-z0-9_-]{22}$/);
  });

  it('a token is the user’s own and of its list: another user, or another list, gets nothing from it and is told the search lapsed', async () => {
    const first = await signedIn('officer');
    const { worker, idNumber } = await buildWorker();
    const posted = await postForm(first.agent, '/lists/filter', { _list: '/workers', q: idNumber }, '/workers');
    const address = posted.headers.location as string;
    expect((await first.agent.get(address)).text).to.contain(`data-id="${worker.id}"`);
    const second = await signedIn('officer');
    const elsewhere = await second.agent.get(address);
    expect(elsewhere.status).to.equal(200);
    expect(elsewhere.text).to.contain('data-testid="held-lapsed"').and.not.contain(idNumber);
    const otherList = await first.agent.get(address.replace('/workers', '/organisations'));
    expect(otherList.text).to.contain('data-testid="held-lapsed"');
    // Its export link does not turn into an export of the whole registry.
    const exported = await second.agent.get(`${address}&format=csv`);
    expect(exported.headers['content-type']).to.match(/^text\/html/);
    expect(exported.text).to.contain('data-testid="held-lapsed"');
  });

  it('a token lapses 30 minutes after its last use', async () => {
    const { agent } = await signedIn('officer');
    const { worker, idNumber } = await buildWorker();
    setClock(new Date('2026-06-01T02:00:00Z'));
    try {
      const address = (await postForm(agent, '/lists/filter', { _list: '/workers', q: idNumber }, '/workers')).headers.location as string;
      setClock(new Date('2026-06-01T02:29:00Z'));
      expect((await agent.get(address)).text).to.contain(`data-id="${worker.id}"`);
      // Used at 02:29, so it holds until 02:59.
      setClock(new Date('2026-06-01T02:58:00Z'));
      expect((await agent.get(address)).text).to.contain(`data-id="${worker.id}"`);
      setClock(new Date('2026-06-01T03:29:00Z'));
      expect((await agent.get(address)).text).to.contain('data-testid="held-lapsed"');
    } finally {
      setClock(null);
    }
  });

  it('posts only to a list, only signed in, only scalars', async () => {
    const { agent } = await signedIn('officer');
    expect((await postForm(agent, '/lists/filter', { _list: '/login', q: 'x' })).status).to.equal(400);
    expect((await postForm(agent, '/lists/filter', { _list: 'https://example.com/workers', q: 'x' })).status).to.equal(400);
    expect((await postForm(agent, '/lists/filter', { _list: '/workers', q: ['a', 'b'] })).status).to.equal(400);
    expect((await anonymous().post('/lists/filter').type('form').send({ _list: '/workers' })).status).to.be.oneOf([401, 403]);
  });
});
