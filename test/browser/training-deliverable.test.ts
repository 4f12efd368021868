import { expect } from 'chai';
import { User } from '../../models/index.js';
import { trainingRosterRecorder } from '../../server/commands/workers/trainingRosterRecorder.js';
import { trainingSessionCreator } from '../../server/commands/workers/trainingSessionCreator.js';
import { addDays } from '../../server/services/calendar.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { actorOf } from '../factories/finance.js';
import { district, unique } from '../factories/index.js';
import { buildWorker } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * #21: org.sunshine on a 390-pixel phone names the training session its training deliverable
 * reports; the officer (1366×768) reads the figures beside the session's roster, a mismatch
 * flagged, and follows the link to the session, which lists the deliverable. Clicks counted.
 */
describe('browser: a training deliverable names its session (#21)', () => {
  const { clicks, shot, click, signIn } = new Walk('training-deliverable');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the organisation names the session on a phone; the officer sees the mismatch and the session lists the deliverable', async function () {
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildDeliverableContract({ officer, finance, orgUser, targets: [{ categoryCode: 'training', metric: 'trainees', targetCount: 100 }] });
    const d = built.deliverables.find((x) => x.categoryCode === 'training')!;
    const by = { actor: actorOf(officer) };
    const title = `儿童主任强制报告培训${unique()}`;
    const session = await trainingSessionCreator(
      {
        level: 'district',
        districtId: (await district('FT')).id,
        kind: 'refresher',
        heldOn: addDays(d.periodStart, 7),
        title,
        trainer: '阳光社工服务中心',
        hours: 30,
        topics: ['mandatory_reporting'],
        confirmPersonalData: false,
      },
      by,
    );
    const entries = [];
    for (const passed of [true, true, false]) entries.push({ workerId: (await buildWorker({ districtCode: 'FT' })).worker.id, passed });
    await trainingRosterRecorder(session.id, entries, by);
    const violations: string[] = [];

    watched = await openPage({ viewport: { width: 390, height: 844 }, bypassCSP: true, isMobile: true, hasTouch: true });
    let page = watched.page;
    await signIn('org', page, 'org.sunshine');
    await page.goto(`/deliverables/${d.id}`);
    await click('org', page, page.getByRole('link', { name: '填报' }));
    await page.getByLabel(/^培训期数/).fill('1');
    await page.getByLabel(/^参训人数/).fill('4');
    await page.getByLabel(/^合格人数/).fill('2');
    await page.getByLabel('所指明的培训场次').selectOption({ label: `${session.heldOn} ${title}（培训方：阳光社工服务中心）` });
    clicks.org += 1;
    await shot(page, 'org-form');
    violations.push(...(await seriousA11yViolations(page)).map((v) => `org form ${v}`));
    await click('org', page, page.getByRole('button', { name: '保存草稿' }));
    await page.locator('[data-testid="named-session"]').waitFor();
    await click('org', page, page.getByRole('button', { name: '提交', exact: true }));
    await click('org', page, page.locator('[data-testid="confirm-action"]'));
    await page.locator('[data-testid="status"]', { hasText: '已提交' }).waitFor();
    await shot(page, 'org-submitted');
    const orgClicks = clicks.org;
    await watched.context.close();

    watched = await openPage({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
    page = watched.page;
    await signIn('officer', page, 'officer.ft');
    await page.goto(`/deliverables/${d.id}`);
    expect(await page.locator('[data-testid="session-mismatch"]').innerText()).to.contain('报告参训人数 4，培训场次名册 3 人');
    await shot(page, 'officer-review');
    violations.push(...(await seriousA11yViolations(page)).map((v) => `review ${v}`));
    await click('officer', page, page.locator('[data-testid="session-link"]'));
    await page.locator(`[data-testid="named-by-row"][data-deliverable="${d.id}"]`).waitFor();
    await shot(page, 'officer-session');
    violations.push(...(await seriousA11yViolations(page)).map((v) => `session ${v}`));
    expect(violations).to.deep.equal([]);
    console.log(`      clicks: organisation ${orgClicks} (sign-in to submitted), officer ${clicks.officer}`);
  });
});
