import { expect } from 'chai';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { liveProject } from '../factories/ocds.js';
import { loginAs, postForm } from '../support/agent.js';

describe('the lottery-fund announcements list (#19)', () => {
  it('lists the district’s announcements with filters, sorts and exports them; finance and inspectors read it', async () => {
    const lived = await liveProject({ lottery: true, end: 'active' });
    const officer = await loginAs(lived.officer, TEST_PASSWORD);
    await postForm(officer, '/announcements', { agencyId: String(lived.project.agencyId), year: String(lived.project.year) }, '/announcements/new');
    for (const sort of ['year', 'agency', 'status', 'updatedAt']) {
      const res = await officer.get(`/announcements?year=${lived.project.year}&sort=${sort}&dir=asc`);
      expect(res.status, sort).to.equal(200);
      expect(res.text).to.include('data-testid="announcement-row"');
    }
    expect((await officer.get(`/announcements?year=${lived.project.year}&format=csv`)).text).to.include('草稿');
    const inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    expect((await inspector.get(`/announcements?year=${lived.project.year}`)).text).to.include('data-testid="announcement-row"');
    const org = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    expect((await org.get('/announcements')).status).to.equal(403);
  });
});
