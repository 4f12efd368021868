import { expect } from 'chai';
import { Deliverable } from '../../models/Deliverable.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { trainingRosterRecorder } from '../../server/commands/workers/trainingRosterRecorder.js';
import { trainingSessionCreator } from '../../server/commands/workers/trainingSessionCreator.js';
import { addDays } from '../../server/services/calendar.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { actorOf } from '../factories/finance.js';
import { buildUser, district, TEST_PASSWORD, unique } from '../factories/index.js';
import { buildWorker } from '../factories/workers.js';
import { type Agent, csrfFrom, fieldError, loginAs, postForm } from '../support/agent.js';
import { versionNow } from '../support/forms.js';

/** A district training session held on `heldOn` by an officer of its district, with a roster of results. */
async function holdSession(districtCode: string, heldOn: string, results: boolean[] = []) {
  const { user } = await buildUser('officer', { districtCode });
  const by = { actor: actorOf(user) };
  const session = await trainingSessionCreator(
    {
      level: 'district',
      districtId: (await district(districtCode)).id,
      kind: 'initial',
      heldOn,
      title: `儿童主任培训${unique()}`,
      trainer: '阳光社工',
      hours: 60,
      topics: ['mandatory_reporting'],
      confirmPersonalData: false,
    },
    by,
  );
  const entries = [];
  for (const passed of results) entries.push({ workerId: (await buildWorker({ districtCode })).worker.id, passed });
  if (entries.length) await trainingRosterRecorder(session.id, entries, by);
  return session;
}

async function saveDraft(agent: Agent, d: Deliverable, fields: Record<string, string>) {
  const token = encodeURIComponent(csrfFrom((await agent.get('/')).text));
  let req = agent.post(`/deliverables/${d.id}/draft?_csrf=${token}`).field('_version', await versionNow(d));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

const sessionOptions = (html: string) => [...html.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));

describe('a training deliverable names its training session (#21)', () => {
  it('offers the sessions of its district in its period, keeps the one named with the version, and refuses another district’s beside the field', async () => {
    const built = await buildDeliverableContract({ targets: [{ categoryCode: 'training', metric: 'trainees', targetCount: 100 }] });
    const d = built.deliverables.find((x) => x.categoryCode === 'training')!;
    const ours = await holdSession('FT', addDays(d.periodStart, 5));
    const later = await holdSession('FT', addDays(d.periodEnd, 1));
    const theirs = await holdSession('NS', addDays(d.periodStart, 5));
    const agent = await loginAs(built.orgUser, TEST_PASSWORD);

    const form = await agent.get(`/deliverables/${d.id}/edit`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('所指明的培训场次').and.contain(ours.title);
    expect(sessionOptions(form.text)).to.include(ours.id).and.not.include(later.id).and.not.include(theirs.id);

    const refused = await saveDraft(agent, d, { m_sessions: '1', m_trainees: '37', trainingSessionId: String(theirs.id) });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'trainingSessionId')).to.equal('只能指明本区在报送期间内举办的培训场次。');
    expect(refused.text).to.contain('value="37"');
    expect(await DeliverableVersion.count({ where: { deliverableId: d.id, trainingSessionId: theirs.id } })).to.equal(0);
    expect((await saveDraft(agent, d, { m_sessions: '1', trainingSessionId: String(later.id) })).status).to.equal(422);

    const saved = await saveDraft(agent, d, { m_sessions: '1', m_trainees: '37', trainingSessionId: String(ours.id) });
    expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
    expect((await DeliverableVersion.findOne({ where: { deliverableId: d.id } }))!.trainingSessionId).to.equal(ours.id);
    const again = await agent.get(`/deliverables/${d.id}/edit`);
    expect(again.text).to.match(new RegExp(`<option value="${ours.id}" selected`));
  });

  it('the review page puts the reported figures beside the session’s roster and flags a mismatch; the session page lists the deliverable', async () => {
    const built = await buildDeliverableContract({ targets: [{ categoryCode: 'training', metric: 'trainees', targetCount: 100 }] });
    const d = built.deliverables.find((x) => x.categoryCode === 'training')!;
    const session = await holdSession('FT', addDays(d.periodStart, 3), [true, true, false]);
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const saved = await saveDraft(org, d, { m_sessions: '1', m_trainees: '4', m_passed: '2', trainingSessionId: String(session.id) });
    expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
    expect((await postForm(org, `/deliverables/${d.id}/submit`, {})).status).to.equal(302);
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('submitted');

    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const page = await officer.get(`/deliverables/${d.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`href="/trainings/${session.id}"`).and.contain(session.title);
    expect(page.text).to.contain('报告参训人数 4，培训场次名册 3 人');
    expect(page.text).to.not.contain('报告合格人数').and.not.contain('报告培训期数');
    const mismatch = /data-testid="session-mismatch">([\s\S]*?)<\/div>\s*<\/div>/.exec(page.text)?.[1] ?? '';
    expect(mismatch).to.contain('参训人数');

    // The organisation reads the session named, without a link (sessions are the officers' pages).
    const own = await org.get(`/deliverables/${d.id}`);
    expect(own.text).to.contain(session.title).and.not.contain(`href="/trainings/${session.id}"`);

    const show = await officer.get(`/trainings/${session.id}`);
    expect(show.status).to.equal(200);
    expect(show.text).to.contain(`data-testid="named-by-row" data-deliverable="${d.id}"`).and.contain(built.organisation.name);
  });
});
