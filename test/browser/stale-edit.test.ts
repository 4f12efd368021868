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
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { ClaimLine } from '../../models/Claim.js';
import { Engagement } from '../../models/Engagement.js';
import { Project } from '../../models/Project.js';
import { claimCreator, claimLineAdder } from '../../server/commands/claims/claimEditor.js';
import { claimSubmitter } from '../../server/commands/claims/claimWorkflow.js';
import { maskIdNumber } from '../../server/services/identifiers.js';
import { PersonalDataCipher } from '../../server/services/personal-data.js';
import { classicFapiao, receiptUpload } from '../factories/claims.js';
import { actorOf, buildAllocation } from '../factories/finance.js';
import { addTrainings, idNumber } from '../factories/workers.js';
import { Walk } from './support/journey.js';

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

/**
 * A claim of the demo organisation (阳光社工) submitted under a Futian contract: a child director
 * engaged for the year, a transport line of ¥120.00 and a phone line of ¥34.56 (the browser app has
 * its own configuration: the ID number is sealed with any key, pages show only its mask).
 */
async function submittedClaimOfDemoOrganisation(): Promise<number> {
  const [officer, finance, org] = await Promise.all(
    ['officer.ft', 'finance.ft', 'org.sunshine'].map(async (username) => (await User.findOne({ where: { username } }))!),
  );
  const built = await buildPaymentContract({ officer, finance });
  const contract = await built.contract.update({ organisationId: org.organisationId!, reimbursementCeilingFen: 100_000 });
  const first = (await Allocation.findOne({ where: { projectId: contract.projectId } }))!;
  await buildAllocation({
    status: 'approved',
    line: (await BudgetLine.findByPk(first.budgetLineId))!,
    project: (await Project.findByPk(contract.projectId))!,
    amountFen: 100_000,
    requester: officer,
  });
  const cipher = new PersonalDataCipher(Buffer.alloc(32, 7));
  const id = idNumber();
  const worker = await ChildWorker.create({
    kind: 'director',
    name: '儿童主任核减测试',
    idNumberEnc: cipher.encrypt(id),
    idNumberIndex: cipher.index('idNumber', id),
    idNumberMasked: maskIdNumber(id),
    phoneEnc: null,
    phoneMasked: null,
    districtId: contract.districtId,
    subDistrictId: null,
    community: '测试社区',
    employment: 'part_time',
    createdBy: null,
  });
  await addTrainings(worker, [{ kind: 'initial', trainedOn: '2026-01-05' }], officer);
  const engagement = await Engagement.create({
    contractId: contract.id,
    organisationId: contract.organisationId,
    districtId: contract.districtId,
    childWorkerId: worker.id,
    startsOn: '2026-01-05',
    endsOn: '2026-12-31',
    createdBy: org.id,
  });
  const byOrg = { actor: actorOf(org) };
  const claim = await claimCreator({ contractId: contract.id, engagementId: engagement.id, month: '2026-03' }, byOrg);
  const lines = [
    { spentOn: '2026-03-09', kind: 'transport' as const, description: '福田—南山 往返', amountFen: 12_000 },
    { spentOn: '2026-03-20', kind: 'communication' as const, description: '三月话费', amountFen: 3_456 },
  ];
  for (const line of lines) {
    await claimLineAdder(
      claim.id,
      { ...line, fapiao: { kind: 'classic', ...classicFapiao() }, digitalNumber: null, confirmPersonalData: false },
      [receiptUpload()],
      byOrg,
    );
  }
  await claimSubmitter(claim.id, byOrg);
  return claim.id;
}

/**
 * A claim's partial sanction (核减) in two tabs of the Futian officer verifying it (Chinese,
 * 1366×768): tab A lowers the transport line; tab B, opened before, lowers the phone line and is
 * told that the claim changed since (the line A lowered, with its new amount), its choice, amount
 * and reason still in the form; B lowers it again on purpose.
 */
describe('browser: a stale partial sanction of a claim in two tabs (#14)', () => {
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  it('refuses the later lowering, shows the other tab’s beside it with the input kept, then lowers on the current version', async () => {
    const claimId = await submittedClaimOfDemoOrganisation();
    const [transport, phone] = await ClaimLine.findAll({ where: { claimId }, order: [['id', 'ASC']] });
    const walk = new Walk('stale-sanction');
    watched = await openPage({ viewport: { width: 1366, height: 768 } });
    const tabA = watched.page;
    await walk.signIn('officer', tabA, 'officer.ft');
    const tabB = await watched.context.newPage();
    await tabA.goto(`/claims/${claimId}`);
    await tabB.goto(`/claims/${claimId}`);

    const lower = async (tab: Page, lineId: number, amount: string, reason: string) => {
      const form = tab.locator('[data-testid="sanction-form"]');
      await form.locator('select[name="lineId"]').selectOption(String(lineId));
      await form.getByLabel('核定金额').fill(amount);
      await form.getByLabel('调减理由').fill(reason);
      await walk.click('officer', tab, form.getByRole('button', { name: '调减' }));
    };
    await lower(tabA, transport.id, '80.00', '超出公交票价标准');
    expect((await ClaimLine.findByPk(transport.id))!.sanctionedFen).to.equal(8_000);

    await lower(tabB, phone.id, '30.00', '话费超出套餐部分');
    const notice = tabB.locator('[data-testid="stale-edit"]');
    await notice.waitFor({ state: 'visible' });
    // Below the claim's lines and receipts, the notice is brought into view and focused (app.js), at once:
    // the scroll is not animated (Bootstrap's smooth scrolling left it 1,000 px below the window for a
    // moment, longer on a busy machine), and the focus, given in the same step, does not move it again.
    expect(await notice.evaluate((el) => el === document.activeElement), 'the notice has the focus').to.equal(true);
    const box = (await notice.boundingBox())!;
    expect(box.y, 'the notice is in view').to.be.within(-1, 768 - 100);
    await shot(tabB, 'sanction-refused-in-view');
    expect(await notice.innerText())
      .to.contain('保存未生效')
      .and.to.contain('明细')
      .and.to.contain('→ ¥80.00');
    const form = tabB.locator('[data-testid="sanction-form"]');
    expect(await form.locator('select[name="lineId"]').inputValue()).to.equal(String(phone.id));
    expect(await form.getByLabel('核定金额').inputValue()).to.equal('30.00');
    expect(await form.getByLabel('调减理由').inputValue()).to.equal('话费超出套餐部分');
    expect((await ClaimLine.findByPk(phone.id))!.sanctionedFen ?? null, 'nothing lowered by the refused save').to.equal(null);
    expect(await seriousA11yViolations(tabB)).to.deep.equal([]);
    await walk.shot(tabB, 'refused');

    await walk.click('officer', tabB, form.getByRole('button', { name: '调减' }));
    await tabB.locator('[data-testid="claim-lowered"]').waitFor();
    expect((await ClaimLine.findByPk(phone.id))!.sanctionedFen).to.equal(3_000);
    await walk.shot(tabB, 'lowered');
    expect(walk.clicks.officer, 'sign-in, A lowers, B lowers (refused), B lowers again').to.equal(4);
    // The receipts were made by the factory without a stored file the browser app can serve: their
    // previews answer 404 in the frame (an error page may not be framed). Nothing else may go wrong.
    const receiptPreviews = (p: string) => /frame-ancestors 'none'|chrome-error:\/\/chromewebdata/.test(p);
    expect(unexpected(watched.problems, /sanction/).filter((p) => !receiptPreviews(p))).to.deep.equal([]);
  });
});
