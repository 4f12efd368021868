import { expect } from 'chai';
import { ChildWorker } from '../../models/ChildWorker.js';
import { SubDistrict } from '../../models/index.js';
import { loadConfig } from '../../server/config.js';
import { maskIdNumber } from '../../server/services/identifiers.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { district, unique } from '../factories/index.js';
import { idNumber } from '../factories/workers.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * Communities and coverage (#21) at 1366×768 in Chinese: the administrator opens 福田's reference
 * page, its communities, pastes a list (a bad line first: the error beside the list, the text
 * kept) and imports it; the Futian officer opens the registry's coverage of communities, narrows
 * to the sub-district and reads which community has a full-time director, a part-time one only,
 * or none. The sub-district and its communities are the test's own, picked by name.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: communities and coverage (#21)', () => {
  let watched: WatchedPage | undefined;
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('the administrator imports the communities; the officer reads their coverage', async () => {
    const ft = await district('FT');
    const sub = await SubDistrict.create({ districtId: ft.id, name: unique('走查街道'), kind: 'subdistrict', sortOrder: 999 });
    const [full, part, none] = ['专职社区', '兼职社区', '空白社区'].map((n) => unique(n));
    const cipher = new PersonalDataCipher(loadConfig({ NODE_ENV: 'test' }).dataKey);
    const director = (community: string, employment: 'full_time' | 'part_time') => {
      const id = idNumber();
      return ChildWorker.create({
        kind: 'director',
        name: unique('覆盖'),
        idNumberEnc: cipher.encrypt(id),
        idNumberIndex: cipher.index('idNumber', id),
        idNumberMasked: maskIdNumber(id),
        phoneEnc: null,
        phoneMasked: null,
        districtId: ft.id,
        subDistrictId: sub.id,
        community,
        employment,
        createdBy: null,
      });
    };
    await director(full, 'full_time');
    await director(part, 'part_time');

    const walk = new Walk('communities');
    const { click, shot } = walk;
    const violations: string[] = [];
    watched = await openPage({ viewport: DESK });
    let { page } = watched;
    const check = async (label: string) => violations.push(...(await seriousA11yViolations(page)).map((v) => `${label} ${v}`));
    await walk.signIn('admin', page, 'admin');
    await walk.fromMenu('admin', page, '基础数据');
    await click('admin', page, page.getByRole('link', { name: '福田区', exact: true }));
    await click('admin', page, page.locator('[data-testid="communities-link"]'));
    const list = `${sub.name} ${full}\n${sub.name}，${part}\n不存在的街道 ${none}`;
    await page.locator('#f-communities').fill(list);
    await click('admin', page, page.locator('[data-testid="communities-form"] button[type="submit"]'));
    await page.locator('#f-communities-error').waitFor();
    expect(await page.locator('#f-communities').inputValue()).to.equal(list);
    await shot(page, 'import-error');
    await check('import-422');
    await page.locator('#f-communities').fill(`${sub.name} ${full}\n${sub.name}，${part}\n${sub.name} ${none}`);
    await click('admin', page, page.locator('[data-testid="communities-form"] button[type="submit"]'));
    const group = page.locator(`[data-testid="community-group"][data-name="${sub.name}"] [data-testid="community"]`);
    expect(await group.count()).to.equal(3);
    await shot(page, 'communities');
    await check('communities');
    const adminClicks = walk.clicks.admin;
    await watched.context.close();

    watched = await openPage({ viewport: DESK });
    page = watched.page;
    await walk.signIn('officer', page, 'officer.ft');
    await walk.fromMenu('officer', page, '儿童主任');
    await click('officer', page, page.locator('[data-testid="coverage-link"]'));
    // From 768 px the filter form is always open (a phone folds it behind its toggle).
    if (!(await page.locator('#f-subDistrictId').isVisible())) await click('officer', page, page.locator('[data-testid="filters-toggle"]'), false);
    await page.locator('#f-subDistrictId').selectOption(String(sub.id));
    await click('officer', page, page.locator('[data-testid="list-filters"] button[type="submit"]'));
    const level = (name: string) => page.locator(`[data-testid="coverage-row"][data-name="${name}"]`).getAttribute('data-level');
    expect([await level(full), await level(part), await level(none)]).to.deep.equal(['full_time', 'part_time', 'none']);
    expect(await page.locator(`[data-testid="coverage-sub-district"][data-name="${sub.name}"]`).innerText()).to.contain('33.3%');
    await shot(page, 'coverage');
    await check('coverage');
    // Registering a worker offers the list's names as the community is typed.
    await page.goto('/workers/new');
    expect(await page.locator('#f-community').getAttribute('list')).to.equal('communities-list');
    expect(await page.locator(`#communities-list option[value="${none}"]`).count()).to.equal(1);
    await check('worker-form');
    console.log(`      clicks: admin ${adminClicks}, officer ${walk.clicks.officer}`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      watched.problems.filter((p) => !/status of 422/.test(p)),
      watched.problems.join('\n'),
    ).to.deep.equal([]);
  });
  it('the administrator adds a training topic (a first save without the English name keeps the Chinese one beside its error)', async () => {
    watched = await openPage({ viewport: DESK });
    const { page, problems } = watched;
    const walk = new Walk('topics');
    const { click, shot } = walk;
    await walk.signIn('admin', page, 'admin');
    await walk.fromMenu('admin', page, '基础数据');
    await click('admin', page, page.getByRole('link', { name: '福田区', exact: true }));
    await click('admin', page, page.locator('[data-testid="topics-link"]'));
    const name = unique('心理急救');
    await page.locator('#f-name').fill(name);
    await click('admin', page, page.locator('[data-testid="topic-form"] button[type="submit"]'));
    await page.locator('#f-nameEn-error').waitFor();
    expect(await page.locator('#f-name').inputValue()).to.equal(name);
    await page.locator('#f-nameEn').fill(`First aid ${name}`);
    await click('admin', page, page.locator('[data-testid="topic-form"] button[type="submit"]'));
    await page.locator('[data-testid="topic"]', { hasText: name }).waitFor();
    await shot(page, 'topics');
    const violations = await seriousA11yViolations(page);
    console.log(`      clicks: ${JSON.stringify(walk.clicks)}`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    expect(
      problems.filter((p) => !/status of 422/.test(p)),
      problems.join('\n'),
    ).to.deep.equal([]);
  });
});
