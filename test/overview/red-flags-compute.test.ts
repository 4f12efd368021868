import { expect } from 'chai';
import { AuditEvent, type District, type User } from '../../models/index.js';
import { RedFlag } from '../../models/RedFlag.js';
import { today } from '../../server/clock.js';
import { redFlagsRound } from '../../server/housekeeping.js';
import { claimJob, RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, releaseJob } from '../../server/services/job-leases.js';
import { addDays } from '../../server/services/calendar.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict, fixtureContract } from '../factories/overview.js';
import { loginAs, postForm } from '../support/agent.js';

describe('red flags computed now (#17): an inspector or the administrator need not wait for the night', () => {
  let district: District;
  let officer: User;
  let number: string;

  before(async () => {
    ({ district, officer } = await buildFixtureDistrict(1));
    // A contract ended 40 days ago with no final evaluation: the rule finds it once computed.
    const { contract } = await fixtureContract(district, officer, Number(today().slice(0, 4)), 'open', 'completed');
    await contract.update({ termEnd: addDays(today(), -40) });
    number = contract.number;
  });

  it('the inspector computes them now: the flag appears, the page says when and by whom, the round is audited with who asked', async () => {
    const inspector = await buildUser('inspector', { districtCode: 'SZ' });
    const agent = await loginAs(inspector.user, TEST_PASSWORD);
    const before = (await agent.get('/overview/flags').expect(200)).text;
    expect(before).to.contain('data-testid="compute-now"').and.to.contain('data-testid="last-round"');
    const res = await postForm(agent, '/overview/flags/compute', {}, '/overview/flags');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/overview/flags');
    expect(await RedFlag.count({ where: { districtId: district.id, rule: 'final_evaluation_missing', status: 'open' } })).to.equal(1);
    const page = (await agent.get('/overview/flags').expect(200)).text;
    expect(page).to.contain('红旗预警已计算').and.to.contain(number);
    expect(page)
      .to.match(/上次计算：[^<]+（[^<]*发起）/)
      .and.to.contain(`（${inspector.user.displayName} 发起）`);
    const event = await AuditEvent.findOne({ where: { action: 'red_flags.round' }, order: [['id', 'DESC']] });
    expect(event?.actorId).to.equal(inspector.user.id);
    expect(JSON.parse(event?.detail ?? '{}')).to.include({ asked: true, day: today() });
  });

  it('the administrator may too; officers and finance may not', async () => {
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    expect((await postForm(admin, '/overview/flags/compute', {}, '/overview/flags')).status).to.equal(303);
    const officerAgent = await loginAs(officer, TEST_PASSWORD);
    expect((await officerAgent.get('/overview/flags').expect(200)).text).not.to.contain('data-testid="compute-now"');
    expect((await postForm(officerAgent, '/overview/flags/compute', {}, '/overview/flags')).status).to.equal(403);
  });

  it("a district inspector may not: the round is city-wide, and they read only their own district's flags", async () => {
    const futian = await loginAs((await buildUser('inspector', { districtCode: 'FT' })).user, TEST_PASSWORD);
    const page = (await futian.get('/overview/flags').expect(200)).text;
    expect(page).to.contain('data-testid="last-round"').and.not.to.contain('data-testid="compute-now"');
    const rounds = await AuditEvent.count({ where: { action: 'red_flags.round' } });
    expect((await postForm(futian, '/overview/flags/compute', {}, '/overview/flags')).status).to.equal(403);
    expect(await AuditEvent.count({ where: { action: 'red_flags.round' } })).to.equal(rounds);
  });

  it('refuses politely while a round runs (the night’s, or another server’s), and takes the next ask once it has ended', async () => {
    expect(await claimJob(RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, 'another-server')).to.equal(true);
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    try {
      const before = await AuditEvent.count({ where: { action: 'red_flags.round' } });
      const refused = await postForm(inspector, '/overview/flags/compute', {}, '/overview/flags');
      expect(refused.status).to.equal(409);
      expect(refused.text).to.contain('data-testid="compute-refused"').and.to.contain('正在计算中');
      expect(refused.text).to.contain('data-testid="flag-rules"');
      expect(await AuditEvent.count({ where: { action: 'red_flags.round' } })).to.equal(before);
      // Nor does the nightly round start beside it: it waits for the next quarter hour.
      expect(await redFlagsRound('night-server', new Date('2093-06-01T18:30:00Z'))).to.deep.equal({ ran: false });
    } finally {
      await releaseJob(RED_FLAGS_RUNNING, 'another-server');
    }
    expect((await postForm(inspector, '/overview/flags/compute', {}, '/overview/flags')).status).to.equal(303);
  });
});
