import { expect } from 'chai';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

describe('browser: hotline call-log import', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('an organisation uploads a call log with a progress bar, sees the figures and the row errors in place, and uses them; the pages pass the accessibility check', async function () {
    this.timeout(180_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildDeliverableContract({
      officer,
      finance,
      orgUser,
      targets: [{ categoryCode: 'hotline', metric: 'callsAnswered', targetCount: 1000 }],
    });
    const d = built.deliverables.find((x) => x.periodStart === '2026-01-01')!;

    watched = await openPage({ bypassCSP: true });
    const { page, problems } = watched;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await signIn(page, 'org.sunshine', DEMO_PASSWORD);
    await page.goto(`/deliverables/${d.id}/edit`);
    await Promise.all([page.waitForURL((url) => url.pathname === `/deliverables/${d.id}/call-log`), page.locator('[data-testid="call-log-import"]').click()]);
    await check('upload');
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('.upload-progress')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    const csv =
      '\uFEFF时间,时长,是否接通,类别,转介部门,是否办结\r\n2026-01-05 09:00,20,是,咨询,,是\r\n2026-02-10 10:30,1:00,是,求助,公安,是\r\n2026-02-11 10:30,,否,咨询,,否\r\n2026-05-01 10:30,10,是,咨询,,否\r\n';
    await page.locator('#f-file').setInputFiles({ name: '通话记录.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.locator('[data-testid="upload"]').click();
    await page.locator('[data-testid="figures"]').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).to.equal(true);
    expect(await page.locator('tr[data-key="callsReceived"] td').textContent()).to.equal('3');
    expect(await page.locator('[data-testid="row-error"]').count()).to.equal(1);
    await check('preview');
    await Promise.all([page.waitForURL((url) => url.pathname === `/deliverables/${d.id}/edit`), page.locator('[data-testid="use"]').click()]);
    expect(await page.locator('#f-m_callsReceived').inputValue()).to.equal('3');
    expect((await DeliverableVersion.findOne({ where: { deliverableId: d.id } }))!.metricsSource).to.equal('import');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
