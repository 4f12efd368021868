import { expect } from 'chai';
import { ChildWorker } from '../../models/ChildWorker.js';
import { AuditEvent, SubDistrict } from '../../models/index.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { TrainingSession } from '../../models/TrainingSession.js';
import type { Role } from '../../models/User.js';
import { trainingRosterRecorder } from '../../server/commands/workers/trainingRosterRecorder.js';
import { trainingSessionCreator } from '../../server/commands/workers/trainingSessionCreator.js';
import { today } from '../../server/clock.js';
import { addDays } from '../../server/services/calendar.js';
import { maskIdNumber } from '../../server/services/identifiers.js';
import { workerTrainingStatus } from '../../server/services/worker-training.js';
import { actorOf } from '../factories/finance.js';
import { buildUser, district, unique } from '../factories/index.js';
import { buildWorker, idNumber, testCipher } from '../factories/workers.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

type SessionAttrs = { level?: 'city' | 'district'; districtCode?: string; heldOn?: string; kind?: 'initial' | 'refresher'; topics?: string[] };

/** A session held through the command by an officer of its level. */
async function holdSession(attrs: SessionAttrs = {}) {
  const level = attrs.level ?? 'district';
  const code = attrs.districtCode ?? 'FT';
  const { user } = await buildUser('officer', { districtCode: level === 'city' ? 'SZ' : code });
  const d = await district(code);
  const session = await trainingSessionCreator(
    {
      level,
      districtId: level === 'city' ? null : d.id,
      kind: attrs.kind ?? 'initial',
      heldOn: attrs.heldOn ?? addDays(today(), -1),
      title: `儿童主任岗前培训${unique()}`,
      trainer: '区民政局',
      hours: 80,
      topics: attrs.topics ?? ['mandatory_reporting', 'home_visits'],
      confirmPersonalData: false,
    },
    { actor: actorOf(user, level === 'city') },
  );
  return { session, officer: user, by: { actor: actorOf(user, level === 'city') } };
}

function rosterIds(html: string): number[] {
  return [...html.matchAll(/data-testid="roster-row" data-worker="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('training sessions (#21)', () => {
  describe('holding a session', () => {
    it('a district officer holds a district session on the policy topics, then records its roster in one step; the workers become trained', async () => {
      const { agent, user } = await signedIn('officer', 'FT');
      const ft = await district('FT');
      const page = await agent.get('/trainings/new');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('强制报告').and.contain('家庭监护主体责任').and.contain('家庭教育');
      expect(page.text).to.not.contain('value="city"');
      const title = `福田区儿童主任培训${unique()}`;
      const created = await postForm(agent, '/trainings', {
        level: 'district',
        kind: 'initial',
        heldOn: addDays(today(), -2),
        title,
        trainer: '福田区民政局',
        hours: '6',
        topics: ['mandatory_reporting', 'family_education'],
      });
      expect(created.status).to.equal(302);
      const session = await TrainingSession.findOne({ where: { title } });
      expect(session).to.deep.include({ level: 'district', districtId: ft.id, hoursTenths: 60 });
      expect(created.headers.location).to.equal(`/trainings/${session!.id}/roster`);

      const a = (await buildWorker({ name: `${unique('甲')}` })).worker;
      const b = (await buildWorker({ name: `${unique('乙')}` })).worker;
      const roster = await agent.get(`/trainings/${session!.id}/roster?q=${encodeURIComponent(a.name)}`);
      expect(roster.status).to.equal(200);
      expect(roster.text).to.contain(a.name).and.not.contain(b.name);
      const saved = await postForm(agent, `/trainings/${session!.id}/roster`, { attended: [String(a.id), String(b.id)], failed: String(b.id) });
      expect(saved.status).to.equal(302);
      expect(saved.headers.location).to.equal(`/trainings/${session!.id}`);
      expect((await workerTrainingStatus(a.id)).trained).to.equal(true);
      expect((await workerTrainingStatus(b.id)).trained).to.equal(false);
      await a.reload();
      expect(a.trainingPassedOn).to.equal(session!.heldOn);

      const show = await agent.get(`/trainings/${session!.id}`);
      expect(rosterIds(show.text).sort()).to.deep.equal([a.id, b.id].sort());
      expect(show.text).to.contain('参训 2 人，合格 1 人').and.contain(a.idNumberMasked);
      const workerPage = await agent.get(`/workers/${a.id}`);
      expect(workerPage.text).to.contain(`href="/trainings/${session!.id}"`).and.contain(title);
      const event = await AuditEvent.findOne({ where: { action: 'training_session.roster', recordId: String(session!.id) } });
      expect(event!.actorId).to.equal(user.id);
      expect(JSON.parse(event!.detail!)).to.deep.include({ recorded: 2, passed: 1, failed: 1, alreadyOn: 0 });

      // The same form again (a double click, a replay) records nobody twice.
      const again = await postForm(agent, `/trainings/${session!.id}/roster`, { attended: [String(a.id)] });
      expect(again.status).to.equal(302);
      expect(await TrainingRecord.count({ where: { trainingSessionId: session!.id } })).to.equal(2);
    });

    it('refuses a session without topics or with a bad date beside the fields, the input kept (422)', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const res = await postForm(agent, '/trainings', {
        level: 'district',
        kind: 'initial',
        heldOn: '2026-02-31',
        title: '保留的名称',
        trainer: '讲师',
        hours: '2',
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'topics')).to.contain('至少选择一项');
      expect(fieldError(res.text, 'heldOn')).to.not.equal(null);
      expect(res.text).to.contain('value="保留的名称"');
    });

    it('keeps the tiers: only the city holds city sessions; a district officer holds only their own district', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const ns = await district('NS');
      const city = await postForm(agent, '/trainings', {
        level: 'city',
        kind: 'initial',
        heldOn: today(),
        title: '市级',
        trainer: '市',
        hours: '2',
        topics: 'home_visits',
      });
      expect(city.status).to.equal(422);
      expect(city.text).to.contain('市级培训只能由市级经办人举办');
      const other = await postForm(agent, '/trainings', {
        level: 'district',
        districtId: String(ns.id),
        kind: 'initial',
        heldOn: today(),
        title: '南山',
        trainer: '区',
        hours: '2',
        topics: 'home_visits',
      });
      expect(other.status).to.equal(422);
      expect(other.text).to.contain('只能举办本区的区级培训');

      const { agent: cityAgent } = await signedIn('officer', 'SZ');
      expect((await cityAgent.get('/trainings/new')).text).to.contain('value="city"');
      const ok = await postForm(cityAgent, '/trainings', {
        level: 'city',
        kind: 'refresher',
        heldOn: today(),
        title: `市级督导员轮训${unique()}`,
        trainer: '市民政局',
        hours: '3',
        topics: 'policy_linkage',
      });
      expect(ok.status).to.equal(302);
    });

    it('lets finance and inspectors read sessions in their scope, and no one else hold them', async () => {
      const { session } = await holdSession({ districtCode: 'FT' });
      const { agent: finance } = await signedIn('finance', 'FT');
      expect((await finance.get('/trainings')).status).to.equal(200);
      expect((await finance.get(`/trainings/${session.id}`)).status).to.equal(200);
      expect((await finance.get('/trainings/new')).status).to.equal(403);
      expect((await finance.get(`/trainings/${session.id}/roster`)).status).to.equal(403);
      const { agent: nanshan } = await signedIn('officer', 'NS');
      expect((await nanshan.get(`/trainings/${session.id}`)).status).to.equal(404);
      const { agent: org } = await signedIn('org');
      expect((await org.get('/trainings')).status).to.equal(403);
    });
  });

  describe('the roster rule', () => {
    it('refuses on the roster page, naming them, a supervisor, another district’s director or a worker out of post on a district roster; nothing is recorded', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const { session } = await holdSession({ districtCode: 'FT' });
      const ok = (await buildWorker()).worker;
      const supervisor = (await buildWorker({ kind: 'supervisor', name: unique('督导') })).worker;
      const nanshan = (await buildWorker({ districtCode: 'NS', name: unique('南山') })).worker;
      const gone = (await buildWorker({ name: unique('离岗') })).worker;
      await gone.update({ status: 'inactive' });
      const res = await postForm(agent, `/trainings/${session.id}/roster`, { attended: [ok, supervisor, nanshan, gone].map((w) => String(w.id)) });
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('data-testid="refusal"').and.contain('3 人不能列入').and.contain(supervisor.name).and.contain(gone.name);
      expect(res.text).to.contain('data-testid="candidates"');
      expect(await TrainingRecord.count({ where: { trainingSessionId: session.id } })).to.equal(0);
    });

    it('a city session rosters supervisors of any district, not directors', async () => {
      const { session, by } = await holdSession({ level: 'city' });
      const sup = (await buildWorker({ kind: 'supervisor', districtCode: 'LG' })).worker;
      const director = (await buildWorker({ districtCode: 'LG' })).worker;
      let refused: unknown;
      await trainingRosterRecorder(session.id, [{ workerId: director.id, passed: true }], by).catch((e) => {
        refused = e;
      });
      expect(refused).to.have.property('messageKey', 'trainings.errors.notOnRoster.city');
      expect(await trainingRosterRecorder(session.id, [{ workerId: sup.id, passed: true }], by)).to.deep.equal({
        recorded: 1,
        passed: 1,
        failed: 0,
        alreadyOn: 0,
      });
    });

    it('refuses results before the session’s day (409)', async () => {
      const { session } = await holdSession({ heldOn: addDays(today(), 3) });
      const { agent } = await signedIn('officer', 'FT');
      const w = (await buildWorker()).worker;
      const res = await postForm(agent, `/trainings/${session.id}/roster`, { attended: String(w.id) });
      expect(res.status).to.equal(409);
      expect(res.text).to.contain('还没到');
    });

    it('records a roster of 300 in one request, each worker trained', async function () {
      this.timeout(120_000);
      const { session } = await holdSession({ districtCode: 'GM' });
      const gm = await district('GM');
      const cipher = testCipher();
      const tag = unique('批');
      const rows = Array.from({ length: 300 }, (_, i) => {
        const number = idNumber({ area: '440311' });
        return {
          kind: 'director' as const,
          name: `${tag}-${i}`,
          idNumberEnc: cipher.encrypt(number),
          idNumberIndex: cipher.index('idNumber', number),
          idNumberMasked: maskIdNumber(number),
          districtId: gm.id,
          employment: 'part_time' as const,
          createdBy: null,
        };
      });
      const workers = await ChildWorker.bulkCreate(rows);
      const ids = (await ChildWorker.findAll({ where: { name: workers.map((w) => w.name) }, attributes: ['id'] })).map((w) => w.id);
      expect(ids).to.have.length(300);
      const { agent } = await signedIn('officer', 'GM');
      const res = await postForm(agent, `/trainings/${session.id}/roster`, { attended: ids.map(String), failed: String(ids[0]) });
      expect(res.status).to.equal(302);
      expect(await TrainingRecord.count({ where: { trainingSessionId: session.id } })).to.equal(300);
      expect(await ChildWorker.count({ where: { id: ids, trainingPassedOn: session.heldOn } })).to.equal(299);
      const show = await agent.get(`/trainings/${session.id}`);
      expect(show.text).to.contain('参训 300 人，合格 299 人');
    });

    it('imports a pasted sign-in sheet of ID numbers, with results; an unknown number is refused beside the field', async () => {
      const { agent } = await signedIn('officer', 'FT');
      const { session } = await holdSession({ districtCode: 'FT' });
      const a = await buildWorker();
      const b = await buildWorker();
      const stranger = idNumber();
      const bad = await postForm(agent, `/trainings/${session.id}/roster`, { idNumbers: `${a.idNumber}\n${stranger} 合格` });
      expect(bad.status).to.equal(422);
      expect(fieldError(bad.text, 'idNumbers')).to.contain('第 2').and.contain(maskIdNumber(stranger));
      expect(await TrainingRecord.count({ where: { trainingSessionId: session.id } })).to.equal(0);
      const ok = await postForm(agent, `/trainings/${session.id}/roster`, { idNumbers: `${a.idNumber}\n${b.idNumber}，不合格\n` });
      expect(ok.status).to.equal(302);
      expect((await workerTrainingStatus(a.worker.id)).trained).to.equal(true);
      expect((await workerTrainingStatus(b.worker.id)).trained).to.equal(false);
    });
  });

  describe('the training gate and renewal from session results', () => {
    it('an initial session keeps a worker trained for 12 months to the day; a refresher session renews it; a failed result counts for nothing', async () => {
      const w = (await buildWorker()).worker;
      const failedOnly = (await buildWorker()).worker;
      const initial = await holdSession({ heldOn: '2025-03-15', kind: 'initial' });
      const { by } = initial;
      await trainingRosterRecorder(
        initial.session.id,
        [
          { workerId: w.id, passed: true },
          { workerId: failedOnly.id, passed: false },
        ],
        by,
      );
      expect((await workerTrainingStatus(w.id, '2025-03-14')).trained).to.equal(false);
      expect((await workerTrainingStatus(w.id, '2026-03-15')).trained).to.equal(true);
      expect(await workerTrainingStatus(w.id, '2026-03-16')).to.deep.include({ trained: false, lapsesOn: '2026-03-16' });
      expect((await workerTrainingStatus(failedOnly.id, '2025-03-16')).trained).to.equal(false);
      const refresher = await holdSession({ heldOn: '2026-03-10', kind: 'refresher' });
      await trainingRosterRecorder(refresher.session.id, [{ workerId: w.id, passed: true }], by);
      expect((await workerTrainingStatus(w.id, '2027-03-10')).trained).to.equal(true);
      expect((await workerTrainingStatus(w.id, '2027-03-11')).trained).to.equal(false);
      await w.reload();
      expect(w).to.deep.include({ trainingPassedOn: '2025-03-15', lastTrainingPassedOn: '2026-03-10' });
    });
  });

  describe('who has not had a topic this year', () => {
    it('lists the workers in post without a passed 强制报告 session this year, per district, and exports them masked', async () => {
      const { agent, user } = await signedIn('officer', 'PS');
      const ps = await district('PS');
      const sub = await SubDistrict.findOne({ where: { districtId: ps.id } });
      const reported = (await buildWorker({ districtCode: 'PS', subDistrictId: sub!.id, name: unique('已报告') })).worker;
      const other = (await buildWorker({ districtCode: 'PS', subDistrictId: sub!.id, name: unique('未报告') })).worker;
      const failed = (await buildWorker({ districtCode: 'PS', subDistrictId: sub!.id, name: unique('未合格') })).worker;
      const lastYear = (await buildWorker({ districtCode: 'PS', subDistrictId: sub!.id, name: unique('去年') })).worker;
      const year = Number(today().slice(0, 4));
      const mr = await holdSession({ districtCode: 'PS', topics: ['mandatory_reporting'], heldOn: `${year}-01-01` });
      const hv = await holdSession({ districtCode: 'PS', topics: ['home_visits'] });
      const old = await holdSession({ districtCode: 'PS', topics: ['mandatory_reporting'], heldOn: `${year - 1}-12-31` });
      const { by } = mr;
      await trainingRosterRecorder(
        mr.session.id,
        [
          { workerId: reported.id, passed: true },
          { workerId: failed.id, passed: false },
        ],
        by,
      );
      await trainingRosterRecorder(hv.session.id, [{ workerId: other.id, passed: true }], by);
      await trainingRosterRecorder(old.session.id, [{ workerId: lastYear.id, passed: true }], by);

      const res = await agent.get(`/trainings/gaps?subDistrictId=${sub!.id}&perPage=100`);
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('强制报告');
      const listed = [...res.text.matchAll(/data-testid="gap-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
      expect(listed).to.include.members([other.id, failed.id, lastYear.id]);
      expect(listed).to.not.include(reported.id);
      expect(res.text).to.contain('data-testid="gaps-by-district"');
      const onTopic = await agent.get(`/trainings/gaps?topic=home_visits&subDistrictId=${sub!.id}&perPage=100`);
      expect(onTopic.text).to.not.contain(`data-testid="gap-row" data-id="${other.id}"`);

      const csv = await agent.get(`/trainings/gaps?subDistrictId=${sub!.id}&format=csv`);
      expect(csv.status).to.equal(200);
      expect(csv.text).to.contain(other.name).and.contain(other.idNumberMasked).and.not.contain(reported.name);
      const event = await AuditEvent.findOne({ where: { action: 'training_session.export_gaps', actorId: user.id } });
      expect(event).to.not.equal(null);
    });

    it('lists and exports sessions filtered by topic and year', async () => {
      const { agent } = await signedIn('inspector', 'SZ');
      const { session } = await holdSession({ districtCode: 'LH', topics: ['family_guardianship'] });
      const res = await agent.get(`/trainings?topic=family_guardianship&year=${today().slice(0, 4)}&perPage=100`);
      expect(res.text).to.contain(`data-testid="session-row" data-id="${session.id}"`);
      const none = await agent.get('/trainings?topic=information_update&perPage=100');
      expect(none.text).to.not.contain(`data-testid="session-row" data-id="${session.id}"`);
      const csv = await agent.get(`/trainings?topic=family_guardianship&format=csv`);
      expect(csv.text).to.contain(session.title).and.contain('家庭监护主体责任');
    });
  });
});
