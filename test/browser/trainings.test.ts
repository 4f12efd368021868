import { expect } from 'chai';
import { SubDistrict } from '../../models/index.js';
import { today } from '../../server/clock.js';
import { addDays } from '../../server/services/calendar.js';
import { district, unique } from '../factories/index.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { loadConfig } from '../../server/config.js';
import { maskIdNumber } from '../../server/services/identifiers.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { idNumber } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Training of the child workforce (#21) walked by the Futian officer (officer.ft) at 1366×768 in
 * Chinese: from the menu to a new district session (a first save without topics comes back with
 * the error beside the topics and the title kept), its roster of the sub-district's directors
 * ticked at once by the header box with one marked 不合格, saved in one step; the session's page
 * shows the results, the worker's page links the session, and the report of who has not had
 * 强制报告 this year no longer lists the trained worker but still the one who did not pass.
 * Workers are picked by their unique names. Clicks counted; SCREENSHOT_DIR keeps a shot per step.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: training sessions and their roster (#21)', () => {
  let watched: WatchedPage | undefined;
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the officer holds a session, records its roster in one step and reads who is left', async () => {
    const ft = await district('FT');
    const subs = await SubDistrict.findAll({ where: { districtId: ft.id }, order: [['id', 'DESC']], limit: 1 });
    const sub = subs[0];
    const tag = unique('培训走查');
    // The browser app's data key (support/browser.ts), so its pages read the numbers it would seal.
    const cipher = new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey);
    const director = (name: string) => {
      const id = idNumber();
      return ChildWorker.create({
        kind: 'director',
        name,
        idNumberEnc: cipher.encrypt(id),
        idNumberIndex: cipher.index('idNumber', id),
        idNumberMasked: maskIdNumber(id),
        phoneEnc: null,
        phoneMasked: null,
        districtId: ft.id,
        subDistrictId: sub.id,
        community: '香蜜湖社区',
        employment: 'full_time',
        createdBy: null,
      });
    };
    const passes = await director(`${tag}甲`);
    const fails = await director(`${tag}乙`);

    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    const walk = new Walk('trainings');
    const { click, shot } = walk;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));

    await walk.signIn('officer', page, 'officer.ft');
    await walk.fromMenu('officer', page, '培训');
    await page.locator('[data-testid="sessions-table"], [data-testid="empty-list"]').first().waitFor();
    await shot(page, 'list');
    await check('list');
    await click('officer', page, page.locator('[data-testid="new-session"]'));
    const title = `${tag}强制报告专题培训`;
    await page.locator('#f-kind').selectOption('initial');
    await page.locator('#f-heldOn').fill(addDays(today(), -1));
    await page.locator('#f-title').fill(title);
    await page.locator('#f-trainer').fill('福田区民政局');
    await page.locator('#f-hours').fill('3');
    await click('officer', page, page.locator('[data-testid="session-form"] button[type="submit"]'));
    await page.locator('#f-topics-error').waitFor();
    expect(await page.locator('#f-title').inputValue()).to.equal(title);
    await shot(page, 'form-error');
    await check('form-422');
    await click('officer', page, page.getByLabel('强制报告'), false);
    await click('officer', page, page.getByLabel('家庭走访'), false);
    await click('officer', page, page.locator('[data-testid="session-form"] button[type="submit"]'));
    await page.locator('[data-testid="roster-form"]').waitFor();
    await page.locator('#f-subDistrictId').selectOption(String(sub.id));
    await page.locator('#f-q').fill(tag);
    await click('officer', page, page.locator('[data-testid="roster-filter"] button[type="submit"]'));
    expect(await page.locator('[data-testid="candidate"]').count()).to.equal(2);
    await click('officer', page, page.locator('#roster-select-all'), false);
    await click('officer', page, page.locator(`#x-${fails.id}`), false);
    expect(await page.locator(`#a-${passes.id}`).isChecked()).to.equal(true);
    await shot(page, 'roster');
    await check('roster');
    await click('officer', page, page.locator('[data-testid="save-roster"]'));
    await page.locator('[data-testid="roster"]').waitFor();
    expect(await page.locator('[data-testid="session-results"]').innerText()).to.contain('参训 2 人，合格 1 人');
    expect(await page.locator('[data-testid="session-topics"]').innerText()).to.contain('强制报告');
    await shot(page, 'session');
    await check('session');
    await click('officer', page, page.getByRole('link', { name: passes.name }));
    expect(await page.locator('[data-testid="training-status"]').getAttribute('data-status')).to.equal('trained');
    expect(await page.locator('[data-testid="training-session-link"]').innerText()).to.equal(title);
    await shot(page, 'worker');

    await page.goto('/trainings');
    await click('officer', page, page.locator('[data-testid="training-gaps"]'));
    await page.locator('[data-testid="gaps-heading"]').waitFor();
    await shot(page, 'gaps');
    await check('gaps');
    await page.goto(`/trainings/gaps?subDistrictId=${sub.id}&perPage=100`);
    expect(await page.locator(`[data-testid="gap-row"][data-id="${fails.id}"]`).count()).to.equal(1);
    expect(await page.locator(`[data-testid="gap-row"][data-id="${passes.id}"]`).count()).to.equal(0);

    console.log(`      clicks: ${JSON.stringify(walk.clicks)}`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });
  it('the officer commends a worker on the worker’s page (a first save without text keeps the kind and says so beside the field)', async () => {
    const ft = await district('FT');
    const cipher = new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey);
    const id = idNumber();
    const name = unique('表扬走查');
    const worker = await ChildWorker.create({
      kind: 'director',
      name,
      idNumberEnc: cipher.encrypt(id),
      idNumberIndex: cipher.index('idNumber', id),
      idNumberMasked: maskIdNumber(id),
      phoneEnc: null,
      phoneMasked: null,
      districtId: ft.id,
      subDistrictId: null,
      community: null,
      employment: 'full_time',
      createdBy: null,
    });
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    const walk = new Walk('worker-notes');
    const { click, shot } = walk;
    const violations: string[] = [];
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await walk.signIn('officer', page, 'officer.ft');
    await page.goto(`/workers?q=${encodeURIComponent(name)}`);
    await click('officer', page, page.getByRole('link', { name }));
    await click('officer', page, page.locator('[data-testid="add-note"]'));
    await page.locator('#f-kind').selectOption('commendation');
    await click('officer', page, page.locator('[data-testid="note-form"] button[type="submit"]'));
    await page.locator('#f-text-error').waitFor();
    await shot(page, 'note-error');
    await check('note-422');
    await page.locator('#f-text').fill('入户探访认真细致，获区民政局通报表扬');
    await click('officer', page, page.locator('[data-testid="note-form"] button[type="submit"]'));
    await page.locator('[data-testid="notes"]').waitFor();
    expect(await page.locator('[data-testid="note"]').first().getAttribute('data-kind')).to.equal('commendation');
    await shot(page, 'worker-notes');
    await check('worker-notes');
    console.log(`      clicks: ${JSON.stringify(walk.clicks)}`);
    expect(worker.id).to.be.a('number');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });
});
