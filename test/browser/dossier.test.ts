import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { paymentApprover } from '../../server/commands/payments/paymentApprover.js';
import { paymentRequester } from '../../server/commands/payments/paymentRequester.js';
import { actorOf } from '../factories/finance.js';
import { buildPaymentContract } from '../factories/payments.js';
import { pdfText } from '../support/pdf-text.js';
import { readZip } from '../support/zip.js';
import { openPage, seriousA11yViolations, type WatchedPage } from './support/browser.js';
import { Walk } from './support/journey.js';

/**
 * #20: the Futian officer and the city inspector take a contract's dossier (合同档案包) from the
 * contract page and open the PDF of its payment approval form (支付审批表), in Chinese at
 * 1366×768, by visible labels, every click counted. The ZIP is read back: its manifest lists every
 * file with its SHA-256 and says the audit chain is intact; the PDF holds the form's Chinese text
 * and the amount in capitals.
 */
const DESK = { width: 1366, height: 768 };

describe('browser: the contract dossier and the PDF forms (#20)', () => {
  const { clicks, shot, click, signIn, fromMenu } = new Walk('dossier');
  let watched: WatchedPage | undefined;

  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
  });

  async function download(page: Page, who: string, label: string): Promise<Buffer> {
    const [file] = await Promise.all([page.waitForEvent('download'), click(who, page, page.getByRole('link', { name: label }), false)]);
    const path = await file.path();
    return fs.readFileSync(path);
  }

  it('the officer and the inspector download the dossier and open the PDF of the approval form', async function () {
    this.timeout(300_000);
    const officer = (await User.findOne({ where: { username: 'officer.ft' } }))!;
    const finance = (await User.findOne({ where: { username: 'finance.ft' } }))!;
    const built = await buildPaymentContract({ officer, finance, instalmentStatus: 'due' });
    const payment = await paymentRequester(built.instalments[0].id, { actor: actorOf(officer) });
    await paymentApprover(payment.id, { actor: actorOf(finance) });
    const number = built.contract.number;
    const violations: string[] = [];

    for (const [who, username] of [
      ['officer', 'officer.ft'],
      ['inspector', 'inspector'],
    ] as const) {
      watched = await openPage({ viewport: DESK, acceptDownloads: true });
      const page = watched.page;
      await signIn(who, page, username);
      await fromMenu(who, page, '合同');
      await click(who, page, page.getByRole('link', { name: number }));
      await page.getByRole('link', { name: '下载合同档案包' }).waitFor();
      await shot(page, `${who}-contract`);
      violations.push(...(await seriousA11yViolations(page)).map((v) => `${who} contract ${v}`));

      const zip = readZip(await download(page, who, '下载合同档案包'));
      const names = zip.map((e) => e.name);
      expect(names).to.include.members([
        'contract/contract.json',
        `payments/${payment.id}/approval-form.html`,
        `payments/${payment.id}/approval-form.pdf`,
        'audit/audit-trail.csv',
        'manifest.json',
      ]);
      const manifest = JSON.parse(zip.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
      expect(manifest.auditChain.ok, `${who}: chain intact`).to.equal(true);
      expect(manifest.files).to.have.length(names.length - 2);
      const packed = (await pdfText(zip.find((e) => e.name.endsWith('approval-form.pdf'))!.data)).text.normalize('NFKC');
      expect(packed).to.contain('支付审批表').and.to.contain('叁仟元整');

      // The payment's printable form, and its PDF from there.
      await page.goto(`/payments/${payment.id}`);
      await click(who, page, page.locator('[data-testid="print-form"]'));
      await page.locator('[data-testid="approval-form"]').waitFor();
      await shot(page, `${who}-approval-form`);
      const pdf = await download(page, who, '下载 PDF');
      const { text } = await pdfText(pdf);
      expect(text.normalize('NFKC')).to.contain('支付审批表').and.to.contain('叁仟元整').and.to.contain(number);
      expect(watched.problems, `${who}: console errors or CSP violations`).to.deep.equal([]);
      await watched.context.close();
      watched = undefined;
    }
    expect(violations, 'axe: serious or critical').to.deep.equal([]);
    console.log(`      (clicks: officer ${clicks.officer}, inspector ${clicks.inspector})`);
  });
});
