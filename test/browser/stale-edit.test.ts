import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Contract } from '../../models/Contract.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import { StoredFile, User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildContract } from '../factories/contracts.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildEvaluation } from '../factories/evaluations.js';
import { buildPaymentContract } from '../factories/payments.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

/** Keeps a screenshot when SCREENSHOT_DIR is set (to look at, not to compare). */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (!process.env.SCREENSHOT_DIR) return;
  fs.mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `stale-edit-${name}.png`), fullPage });
}

/**
 * The page's problems but the refusals these walks provoke on purpose: the browser reports the
 * 409 of a stale save sent by script (the upload's XHR, the autosave's fetch) as a failed load.
 */
const unexpected = (problems: string[], path: RegExp) => problems.filter((p) => !(p.startsWith('409 ') && path.test(p)) && !/status of 409/.test(p));

/**
 * Issue #14, as reported: a contract draft open in two tabs of one officer (Chinese, 1366×768).
 * Tab A saves; tab B saves later and is told, instead of 已保存, that the draft was changed since
 * it was opened: what A changed (theirs beside B's), B's input still in the form; B saves again.
 */
describe('browser: a stale save of a contract draft in two tabs (#14)', () => {
  let watched: WatchedPage | undefined;
  const shots = process.env.SCREENSHOT_DIR;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('refuses the later save, shows what the other tab changed and keeps the input, then saves on the current version', async () => {
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const { contract } = await buildContract({ officer });
    watched = await openPage({ viewport: { width: 1366, height: 768 } });
    const tabA = watched.page;
    await signIn(tabA, 'officer.ft', DEMO_PASSWORD);
    const tabB = await watched.context.newPage();
    await tabA.goto(`/contracts/${contract.id}/edit`);
    await tabB.goto(`/contracts/${contract.id}/edit`);

    await tabA.getByLabel('服务内容').fill('家庭探访服务（甲修订）');
    await Promise.all([tabA.waitForURL(`**/contracts/${contract.id}`), tabA.getByRole('button', { name: '保存' }).click()]);

    await tabB.getByLabel('服务数量').fill('800 次');
    const [response] = await Promise.all([tabB.waitForNavigation(), tabB.getByRole('button', { name: '保存' }).click()]);
    expect(response?.status()).to.equal(409);
    const notice = tabB.locator('[data-testid="stale-edit"]');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.innerText())
      .to.contain('保存未生效')
      .and.to.contain('服务内容')
      .and.to.contain('家庭探访服务（甲修订）');
    expect(await tabB.getByLabel('服务数量').inputValue()).to.equal('800 次');
    expect(await seriousA11yViolations(tabB)).to.deep.equal([]);
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      await tabB.screenshot({ path: path.join(shots, 'stale-edit-contract.png'), fullPage: false });
      await tabB.screenshot({ path: path.join(shots, 'stale-edit-contract-full.png'), fullPage: true });
    }
    expect((await Contract.findByPk(contract.id))!.content).to.equal('家庭探访服务（甲修订）');

    await Promise.all([tabB.waitForURL(`**/contracts/${contract.id}`), tabB.getByRole('button', { name: '保存' }).click()]);
    const saved = (await Contract.findByPk(contract.id))!;
    expect(saved.quantity).to.equal('800 次');
    expect(watched.problems).to.deep.equal([]);
  });
});

/**
 * The forms #14 named last, walked as their users would: a deliverable draft by the demo
 * organisation on a phone (390×844) with a photo chosen in the later tab, and the evaluator's
 * scores (1366×768) with the page's autosave in both tabs.
 */
describe('browser: stale saves of a deliverable draft and of evaluation scores in two tabs (#14)', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('deliverable draft on a phone: the later save keeps its text, stores no photo and asks for it again beside the file field; saved again deliberately', async function () {
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const orgUser = (await User.findOne({ where: { username: 'org.sunshine' } }))!;
    const built = await buildDeliverableContract({ officer, finance, orgUser });
    const [d] = built.deliverables;
    const edit = `/deliverables/${d.id}/edit`;
    const clicks = { a: 0, b: 0 };
    watched = await openPage({ viewport: { width: 390, height: 844 } });
    const tabA = watched.page;
    await signIn(tabA, 'org.sunshine', DEMO_PASSWORD);
    const tabB = await watched.context.newPage();
    await tabA.goto(edit);
    await tabB.goto(edit);

    await tabA.locator('#f-m_visits').fill('30');
    await tabA.locator('#f-narrative').fill('第一季度完成入户探访 30 次（甲窗口）。');
    await Promise.all([tabA.waitForURL(`**/deliverables/${d.id}`), tabA.locator('[data-testid="save"]').click()]);
    clicks.a += 1;

    const filesBefore = await StoredFile.count();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
    await tabB.locator('#f-m_households').fill('25');
    await tabB.locator('#f-narrative').fill('乙窗口：本季度探访 25 户，随访 5 次。');
    await tabB.locator('#f-files_photo').setInputFiles({ name: '探访照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    const [answer] = await Promise.all([
      tabB.waitForResponse((r) => r.url().includes(`/deliverables/${d.id}/draft`)),
      tabB.locator('[data-testid="save"]').click(),
    ]);
    clicks.b += 1;
    expect(answer.status()).to.equal(409);
    const notice = tabB.locator('[data-testid="stale-edit"]');
    await notice.waitFor({ state: 'visible' });
    const said = await notice.textContent();
    expect(said).to.contain('保存未生效').and.to.contain('探访次数').and.to.contain('30').and.to.contain('甲窗口');
    expect(await tabB.locator('#f-narrative').inputValue()).to.equal('乙窗口：本季度探访 25 户，随访 5 次。');
    expect(await tabB.locator('#f-m_households').inputValue()).to.equal('25');
    const again = tabB.locator('[data-testid="files-again"]');
    expect(await again.textContent())
      .to.contain('探访照片.jpg')
      .and.to.contain('重新选择');
    expect(await tabB.locator('#f-files_photo').getAttribute('aria-describedby')).to.contain('f-files-again');
    expect(await StoredFile.count(), 'the refused save stored no file').to.equal(filesBefore);
    expect(await seriousA11yViolations(tabB)).to.deep.equal([]);
    await shot(tabB, 'deliverable-phone');
    await shot(tabB, 'deliverable-phone-full', true);

    // B keeps A's figure on purpose, chooses the photo again and saves.
    await tabB.locator('#f-m_visits').fill('30');
    await tabB.locator('#f-files_photo').setInputFiles({ name: '探访照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await Promise.all([tabB.waitForURL(`**/deliverables/${d.id}`), tabB.locator('[data-testid="save"]').click()]);
    clicks.b += 1;
    await tabB.getByText('探访照片.jpg').first().waitFor({ state: 'visible' });
    const version = (await DeliverableVersion.findOne({ where: { deliverableId: d.id }, order: [['version', 'DESC']] }))!;
    expect(version.narrative).to.equal('乙窗口：本季度探访 25 户，随访 5 次。');
    expect(version.metrics).to.deep.include({ visits: 30, households: 25 });
    expect(await StoredFile.count()).to.equal(filesBefore + 1);
    expect(clicks).to.deep.equal({ a: 1, b: 2 });
    expect(unexpected(watched.problems, /\/draft/)).to.deep.equal([]);
  });

  it('evaluation scores: a page’s own autosave never makes its save stale; the other tab’s autosave is told and stops, its input kept, and the save shows what changed', async function () {
    this.timeout(240_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const evaluator = (await User.findOne({ where: { username: 'evaluator' } }))!;
    const built = await buildPaymentContract({ officer, finance, lastNeedsEvaluation: true, instalmentStatus: 'scheduled' });
    const { evaluation } = await buildEvaluation({ built, evaluator });
    const url = `/evaluations/${evaluation.id}`;
    const scoresSaved = (page: Page, status: number) => page.waitForResponse((r) => r.url().endsWith(`${url}/scores`) && r.status() === status);
    const clicks = { a: 0, b: 0 };
    watched = await openPage({ viewport: { width: 1366, height: 768 } });
    const tabA = watched.page;
    await signIn(tabA, 'evaluator', DEMO_PASSWORD);
    const tabB = await watched.context.newPage();
    await tabA.goto(url);
    await tabB.goto(url);

    // A types; the autosave saves and the page goes on from the version it made.
    const autosaved = scoresSaved(tabA, 200);
    await tabA.locator('#f-score_2').fill('88');
    await autosaved;
    await tabA.getByTestId('draft-hint').filter({ hasText: '草稿已自动保存' }).waitFor();
    // A types the comment and saves at once: the save waits for the autosave under way and is not stale against it.
    await tabA.locator('#f-comment_2').fill('服务记录完整（甲窗口）');
    await Promise.all([tabA.waitForURL(`**${url}`), tabA.getByTestId('save').click()]);
    clicks.a += 1;
    await tabA.locator('[data-testid="flash"], .alert-success').first().waitFor();
    expect((await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 2 } }))!.comment).to.equal('服务记录完整（甲窗口）');

    // B, opened before, types: its autosave is refused, the page says so and keeps what was typed.
    const refused = scoresSaved(tabB, 409);
    await tabB.locator('#f-comment_3').fill('满意度调查结果良好（乙窗口）');
    await refused;
    const stopped = tabB.getByTestId('autosave-stale');
    await stopped.waitFor({ state: 'visible' });
    expect(await stopped.textContent())
      .to.contain('自动保存已暂停')
      .and.to.contain('保存评分');
    expect(await tabB.locator('#f-comment_3').inputValue()).to.equal('满意度调查结果良好（乙窗口）');
    expect((await EvaluationScore.findOne({ where: { evaluationId: evaluation.id, seq: 3 } }))!.comment).to.equal(null);
    await shot(tabB, 'scores-autosave-stopped');
    // Typing on sends nothing more.
    let sent = 0;
    tabB.on('request', (r) => {
      if (r.url().endsWith(`${url}/scores`)) sent += 1;
    });
    await tabB.locator('#f-score_3').fill('90');
    await tabB.locator('#f-comment_3').focus();
    await tabB.waitForTimeout(2000);
    expect(sent, 'no autosave once told').to.equal(0);

    const [page409] = await Promise.all([tabB.waitForNavigation(), tabB.getByTestId('save').click()]);
    clicks.b += 1;
    expect(page409?.status()).to.equal(409);
    const notice = tabB.locator('[data-testid="stale-edit"]');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent())
      .to.contain('服务质量')
      .and.to.contain('88.00')
      .and.to.contain('服务记录完整（甲窗口）');
    expect(await tabB.locator('#f-comment_3').inputValue()).to.equal('满意度调查结果良好（乙窗口）');
    expect(await tabB.locator('#f-score_3').inputValue()).to.equal('90');
    expect(await seriousA11yViolations(tabB)).to.deep.equal([]);
    await shot(tabB, 'scores-notice');
    await shot(tabB, 'scores-notice-full', true);

    // B keeps A's score and comment on purpose and saves again; until then nothing is saved by itself.
    sent = 0;
    await tabB.locator('#f-score_2').fill('88.00');
    await tabB.locator('#f-comment_2').fill('服务记录完整（甲窗口）');
    await tabB.waitForTimeout(2000);
    expect(sent, 'no autosave under the notice').to.equal(0);
    await Promise.all([tabB.waitForURL(`**${url}`), tabB.getByTestId('save').click()]);
    clicks.b += 1;
    const rows = await EvaluationScore.findAll({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']] });
    expect(rows.map((r) => [r.scoreHundredths, r.comment])).to.deep.equal([
      [null, null],
      [8800, '服务记录完整（甲窗口）'],
      [9000, '满意度调查结果良好（乙窗口）'],
    ]);
    expect(clicks).to.deep.equal({ a: 1, b: 2 });
    expect(unexpected(watched.problems, /\/scores/)).to.deep.equal([]);
  });
});
