import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { buildDossierFixture, type DossierFixture } from '../factories/dossier.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { type Agent, binaryParser, loginAs } from '../support/agent.js';
import { testConfig } from '../support/hooks.js';
import { pdfText } from '../support/pdf-text.js';
import { readZip } from '../support/zip.js';

/**
 * Noto Sans CJK draws some characters with one glyph for several code points, and Chromium's PDF
 * maps such a glyph back to one of them: 支 comes out as the Kangxi radical ⽀, 页 as ⻚, 户 as 戶,
 * the dash — as ―. The glyphs printed are the page's; a reader's copy-paste gets these variants.
 * Folded here (NFKC takes the Kangxi radicals) so the text compares with the page's.
 */
const GLYPH_SHARED: Record<string, string> = {
  '\u2eda': '页',
  '\u2ed4': '门',
  '\u2ec5': '见',
  '\u2ed3': '长',
  '\u2ecb': '车',
  '\u2ee2': '马',
  '\u2ec4': '西',
  '\u2ee9': '黄',
  '\u2eec': '齐',
  '\u2ef0': '龙',
  '\u2ee3': '骨',
  '\u2ec8': '讠',
  '\u2ec9': '贝',
  '\u2ee0': '饣',
  '\u2edb': '风',
  '\u6236': '户',
  '\u2015': '—',
  '\u2012': '–',
};
const comparable = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\u2e80-\u2eff\u6236\u2015\u2012]/g, (c) => GLYPH_SHARED[c] ?? c)
    .replace(/\s+/g, '');

/** The text of a printable page's sheet as the browser shows it when printing (the screen-only line left out). */
function sheetText(html: string): string {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  const cells = main
    .replace(/<p class="screen-only">[\s\S]*?<\/p>/, '')
    .split(/<[^>]+>/)
    .map((t) => t.replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').trim())
    .filter(Boolean);
  return cells.join('\n');
}

async function pdfOf(agent: Agent, url: string) {
  const res = await agent.get(url).buffer(true).parse(binaryParser);
  return res;
}

/** Every piece of text on the page is in the PDF (a table's cells may come out in another order). */
async function expectSameContent(agent: Agent, pageUrl: string, pdf: Buffer): Promise<string> {
  const page = await agent.get(pageUrl);
  expect(page.status).to.equal(200);
  const { text } = await pdfText(pdf);
  const pdfComparable = comparable(text);
  for (const piece of sheetText(page.text).split('\n')) {
    const at = pdfComparable.indexOf(comparable(piece));
    expect(at, `"${piece}" of ${pageUrl} in the PDF: ${pdfComparable}`).to.be.greaterThan(-1);
  }
  return pdfComparable;
}

/** The PDF carries its glyphs: Chromium embeds CFF (Noto CJK) fonts as Type 3 glyph programs, TrueType as FontFile2. */
function expectEmbeddedFonts(pdf: Buffer): void {
  const raw = pdf.toString('latin1');
  expect(raw.startsWith('%PDF-')).to.equal(true);
  expect(/\/Subtype\s*\/Type3|\/FontFile[23]?\b/.test(raw), 'fonts embedded').to.equal(true);
}

describe('PDF of the printable forms', () => {
  let f: DossierFixture;
  before(async function () {
    this.timeout(120_000);
    f = await buildDossierFixture();
  });

  it('prints the payment approval form (支付审批表) with the page’s content: Chinese text and the amount in capitals', async function () {
    this.timeout(60_000);
    const agent = await loginAs(f.finance, TEST_PASSWORD);
    const res = await pdfOf(agent, `/payments/${f.payment.id}/form.pdf`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition']).to.contain(encodeURIComponent('支付审批表'));
    expectEmbeddedFonts(res.body as Buffer);
    const text = await expectSameContent(agent, `/payments/${f.payment.id}/form`, res.body as Buffer);
    expect(text).to.contain('支付审批表');
    expect(text).to.contain('叁仟元整');
    expect(text).to.contain(comparable(f.organisation.name));
    // The page links its PDF.
    expect((await agent.get(`/payments/${f.payment.id}/form`)).text).to.contain(`href="/payments/${f.payment.id}/form.pdf"`);
  });

  it('prints the claim form and the evaluation report the same way', async function () {
    this.timeout(60_000);
    const officer = await loginAs(f.officer, TEST_PASSWORD);
    const claim = await pdfOf(officer, `/claims/${f.claim.id}/form.pdf`);
    expect(claim.status).to.equal(200);
    expectEmbeddedFonts(claim.body as Buffer);
    const claimText = await expectSameContent(officer, `/claims/${f.claim.id}/form`, claim.body as Buffer);
    expect(claimText).to.contain('儿童主任交通通讯费报销单');
    expect(claimText).to.contain('捌拾元整');
    expect(claimText).to.contain(comparable(f.worker.idNumberMasked));
    const report = await pdfOf(officer, `/evaluations/${f.evaluation.id}/report.pdf`);
    expect(report.status).to.equal(200);
    const reportText = await expectSameContent(officer, `/evaluations/${f.evaluation.id}/report`, report.body as Buffer);
    expect(reportText).to.contain('不合格');
  });

  it('follows the page’s own rule: outside the scope 404, a role without the form 403', async () => {
    const elsewhere = await loginAs((await buildUser('finance', { districtCode: 'NS' })).user, TEST_PASSWORD);
    expect((await elsewhere.get(`/payments/${f.payment.id}/form.pdf`)).status).to.equal(404);
    const evaluator = await loginAs((await buildUser('evaluator')).user, TEST_PASSWORD);
    expect([403, 404]).to.include((await evaluator.get(`/payments/${f.payment.id}/form.pdf`)).status);
  });

  it('puts each form’s PDF beside its HTML in the dossier', async function () {
    this.timeout(120_000);
    const res = await (await loginAs(f.officer, TEST_PASSWORD)).get(`/contracts/${f.contract.id}/dossier.zip`).buffer(true).parse(binaryParser);
    const entries = readZip(res.body as Buffer);
    for (const name of [`payments/${f.payment.id}/approval-form.pdf`, `claims/${f.claim.id}/claim-form.pdf`, `evaluations/${f.evaluation.id}/report.pdf`]) {
      const e = entries.find((x) => x.name === name);
      expect(e, name).to.not.equal(undefined);
      expectEmbeddedFonts(e!.data);
    }
    const approval = comparable((await pdfText(entries.find((x) => x.name.endsWith('approval-form.pdf'))!.data)).text);
    expect(approval).to.contain('叁仟元整');
  });

  it('without Chromium: the PDF answers 503 saying what to install, and the dossier holds the HTML forms and a note', async function () {
    this.timeout(60_000);
    const app = createApp({ ...testConfig(), chromiumPath: '/nonexistent/chromium' });
    const agent = await loginAs(f.officer, TEST_PASSWORD);
    const jar = (agent as unknown as { jar: { getCookie(n: string, a: object): { value: string } } }).jar;
    const cookie = `careprocure.sid=${jar.getCookie('careprocure.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false }).value}`;
    const pdf = await request(app).get(`/claims/${f.claim.id}/form.pdf`).set('Cookie', cookie);
    expect(pdf.status).to.equal(503);
    expect(pdf.text).to.contain('apt-get install chromium fonts-noto-cjk');
    const zip = await request(app).get(`/contracts/${f.contract.id}/dossier.zip`).set('Cookie', cookie).buffer(true).parse(binaryParser);
    expect(zip.status).to.equal(200);
    const names = readZip(zip.body as Buffer).map((e) => e.name);
    expect(names).to.include('PDF-UNAVAILABLE.txt');
    expect(names).to.include(`claims/${f.claim.id}/claim-form.html`);
    expect(
      names.filter((n) => n.endsWith('.pdf') && !n.includes('/receipts/') && !n.includes('/v1/') && !n.includes('/v2/') && !n.startsWith('contract/')),
    ).to.deep.equal([]);
  });
});
