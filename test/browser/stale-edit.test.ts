import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Contract } from '../../models/Contract.js';
import { User } from '../../models/index.js';
import { DEMO_PASSWORD } from '../../server/seed.js';
import { buildContract } from '../factories/contracts.js';
import { openPage, seriousA11yViolations, signIn, type WatchedPage } from './support/browser.js';

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
