import { expect } from 'chai';
import { ChildWorkerNote } from '../../models/ChildWorkerNote.js';
import { AuditEvent } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { today } from '../../server/clock.js';
import { addDays } from '../../server/services/calendar.js';
import { buildUser } from '../factories/index.js';
import { buildWorker, idNumber } from '../factories/workers.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

describe('child workers: commendations and performance notes (#21)', () => {
  it('an officer adds a commendation and an adjustment; the worker page shows the history newest first; audited', async () => {
    const { agent, user } = await signedIn('officer', 'FT');
    const { worker } = await buildWorker();
    expect((await agent.get(`/workers/${worker.id}`)).text).to.contain('data-testid="add-note"');
    expect((await agent.get(`/workers/${worker.id}/notes/new`)).status).to.equal(200);
    const first = await postForm(agent, `/workers/${worker.id}/notes`, {
      kind: 'commendation',
      notedOn: addDays(today(), -30),
      text: '入户探访认真，获区级表扬',
    });
    expect(first.status).to.equal(302);
    await postForm(agent, `/workers/${worker.id}/notes`, { kind: 'adjustment', notedOn: today(), text: '连续两月未更新信息，调整为兼职' });
    const page = await agent.get(`/workers/${worker.id}`);
    const kinds = [...page.text.matchAll(/data-testid="note" data-kind="([a-z]+)"/g)].map((m) => m[1]);
    expect(kinds).to.deep.equal(['adjustment', 'commendation']);
    expect(page.text).to.contain('获区级表扬').and.contain('奖励表扬');
    expect(await AuditEvent.count({ where: { action: 'child_worker.note', recordId: String(worker.id), actorId: user.id } })).to.equal(2);
  });

  it('refuses a note without kind or text, dated after today, or with an ID number unconfirmed, beside the field, the input kept', async () => {
    const { agent } = await signedIn('officer', 'FT');
    const { worker } = await buildWorker();
    const empty = await postForm(agent, `/workers/${worker.id}/notes`, { kind: '', notedOn: today(), text: '' });
    expect(empty.status).to.equal(422);
    expect(fieldError(empty.text, 'kind')).to.not.equal(null);
    expect(fieldError(empty.text, 'text')).to.not.equal(null);
    const future = await postForm(agent, `/workers/${worker.id}/notes`, { kind: 'performance', notedOn: addDays(today(), 2), text: '保留的内容' });
    expect(future.status).to.equal(422);
    expect(fieldError(future.text, 'notedOn')).to.not.equal(null);
    expect(future.text).to.contain('保留的内容');
    const number = idNumber();
    const personal = await postForm(agent, `/workers/${worker.id}/notes`, { kind: 'performance', notedOn: today(), text: `走访儿童 ${number}` });
    expect(personal.status).to.equal(422);
    expect(await ChildWorkerNote.count({ where: { childWorkerId: worker.id } })).to.equal(0);
  });

  it('lets only officers of the worker’s district add notes; finance reads them', async () => {
    const { worker } = await buildWorker();
    const { agent: other } = await signedIn('officer', 'NS');
    expect((await other.get(`/workers/${worker.id}/notes/new`)).status).to.equal(404);
    const { agent: finance } = await signedIn('finance', 'FT');
    expect((await finance.get(`/workers/${worker.id}/notes/new`)).status).to.equal(403);
    expect((await postForm(finance, `/workers/${worker.id}/notes`, { kind: 'commendation', notedOn: today(), text: 'x' })).status).to.equal(403);
    const page = await finance.get(`/workers/${worker.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain('data-testid="add-note"');
  });
});
