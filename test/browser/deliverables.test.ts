import { expect } from 'chai';
import { Deliverable } from '../../models/Deliverable.js';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: deliverables', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('an organisation hands in a deliverable with a photo and a progress bar; the officer accepts it; every page passes the accessibility check', async function () {
    // Two sign-ins, an upload and eight accessibility checks on a shared 2-core machine.
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildDeliverableContract({ officer, finance, orgUser });
    const [d] = built.deliverables;

    watched = await openPage({ bypassCSP: true });
    const { page, problems } = watched;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await signIn(page, 'org.sunshine', DEMO_PASSWORD);
    await page.goto(`/deliverables/${d.id}/edit`);
    await check('form');
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('.upload-progress')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.locator('#f-m_visits').fill('40');
    await page.locator('#f-m_households').fill('35');
    await page.locator('#f-m_followUps').fill('6');
    await page.locator('#f-narrative').fill('第一季度完成入户探访。');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
    await page.locator('#f-files_photo').setInputFiles({ name: '探访照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.locator('[data-testid="save"]').click();
    await page.waitForURL((url) => url.pathname === `/deliverables/${d.id}`);
    await page.getByText('探访照片.jpg').first().waitFor({ state: 'visible' });
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).to.equal(true);
    await check('detail-draft');
    await page.locator('[data-testid="submit"]').click();
    // A second look: what submitting does ("不能再修改"), then the confirmed post.
    await page.locator('[data-testid="confirmation"]').waitFor();
    await check('submit-confirmation');
    await Promise.all([page.waitForNavigation(), page.locator('[data-testid="confirm-action"]').click()]);
    expect(new URL(page.url()).pathname).to.equal(`/deliverables/${d.id}`);
    await page.locator('[data-testid="status"]').filter({ hasText: '已提交' }).waitFor();
    await page.goto(`/contracts/${built.contract.id}`);
    await check('contract-org');
    await page.goto('/deliverables');
    await check('list');
    await watched.context.close();

    watched = await openPage({ bypassCSP: true });
    const officerPage = watched.page;
    await signIn(officerPage, 'officer.ft', DEMO_PASSWORD);
    await officerPage.goto(`/deliverables/queue?contractId=${built.contract.id}`);
    await violations.push(...(await seriousA11yViolations(officerPage)).map((v) => `queue ${v}`));
    await officerPage.goto(`/deliverables/${d.id}`);
    violations.push(...(await seriousA11yViolations(officerPage)).map((v) => `review ${v}`));
    await Promise.all([officerPage.waitForURL((url) => url.pathname === '/deliverables/queue'), officerPage.locator('[data-testid="accept"]').click()]);
    expect((await Deliverable.findByPk(d.id))!.status).to.equal('accepted');
    await officerPage.goto(`/contracts/${built.contract.id}`);
    expect(await officerPage.locator('[data-testid="progress-figures"]').first().textContent()).to.contain('40 / 600');
    violations.push(...(await seriousA11yViolations(officerPage)).map((v) => `contract ${v}`));
    await officerPage.goto(`/contracts/${built.contract.id}/reporting`);
    violations.push(...(await seriousA11yViolations(officerPage)).map((v) => `schedule ${v}`));
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect([...problems, ...watched.problems], [...problems, ...watched.problems].join('\n')).to.deep.equal([]);
  });
});
