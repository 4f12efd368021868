import { versionNow } from '../support/forms.js';
import { expect } from 'chai';
import { ClaimLine } from '../../models/Claim.js';
import { DeliverableFile } from '../../models/DeliverableFile.js';
import { previewKindOf } from '../../server/services/storage/download.js';
import { buildClaim, buildClaimSetup, classicFapiao } from '../factories/claims.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { pdfBytes } from '../factories/organisations.js';
import { type Agent, binaryParser, csrfFrom, loginAs, postForm } from '../support/agent.js';
import { jpegWithGps } from '../support/files.js';

const token = async (agent: Agent) => encodeURIComponent(csrfFrom((await agent.get('/')).text));
const fetchFile = (agent: Agent, url: string) => agent.get(url).buffer(true).parse(binaryParser);

/** What a preview answers: inline, its sniffed type, never sniffed again, sandboxed, framed only by the app's own pages. */
function expectPreview(res: { status: number; headers: Record<string, string> }, type: string) {
  expect(res.status).to.equal(200);
  expect(res.headers['content-type']).to.equal(type);
  expect(res.headers['content-disposition']).to.match(/^inline; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
  expect(res.headers['x-content-type-options']).to.equal('nosniff');
  expect(res.headers['content-security-policy']).to.equal("sandbox; default-src 'none'; frame-ancestors 'self'");
  expect(res.headers['cache-control']).to.equal('private, no-store');
}

function expectDownload(res: { status: number; headers: Record<string, string> }) {
  expect(res.status).to.equal(200);
  expect(res.headers['content-disposition']).to.match(/^attachment; /);
  expect(res.headers['x-content-type-options']).to.equal('nosniff');
  expect(res.headers['content-security-policy']).to.equal("sandbox; default-src 'none'; frame-ancestors 'none'");
}

describe('files: previews of photos and PDFs', () => {
  it('previews JPEG and PNG photos and PDFs only', () => {
    expect(['image/jpeg', 'image/png', 'application/pdf'].map(previewKindOf)).to.deep.equal(['image', 'image', 'pdf']);
    for (const other of ['text/csv', 'image/svg+xml', 'text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '', null]) {
      expect(previewKindOf(other), String(other)).to.equal(null);
    }
  });

  it('a deliverable shows its photo inline and its PDF in a frame; a CSV only downloads; the preview is inline only for JPEG, PNG and PDF', async () => {
    const built = await buildDeliverableContract();
    const [d] = built.deliverables;
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    const saved = await org
      .post(`/deliverables/${d.id}/draft?_csrf=${await token(org)}`)
      .field('_version', await versionNow(d))
      .field('m_visits', '3')
      .field('narrative', '探访')
      .attach('files_photo', jpegWithGps(), '探访现场.jpg')
      .attach('files_report', pdfBytes('报告'), '服务报告.pdf')
      .attach('files_sign_in', Buffer.from('日期,人数\n2026-03-01,5\n', 'utf8'), '签到表.csv');
    expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
    const links = await DeliverableFile.findAll({ where: { deliverableId: d.id }, order: [['id', 'ASC']] });
    expect(links.length).to.equal(3);
    const [photo, report, sheet] = links.map((l) => `/deliverables/${d.id}/files/${l.storedFileId}`);

    const page = await org.get(`/deliverables/${d.id}`);
    expect(page.text).to.match(new RegExp(`<img src="${photo}\\?inline=1" alt="探访现场.jpg" loading="lazy"`));
    expect(page.text).to.match(new RegExp(`<iframe src="${report}\\?inline=1" title="[^"]*服务报告.pdf[^"]*" loading="lazy">`));
    expect(page.text).not.to.contain(`${sheet}?inline=1`);

    expectPreview(await fetchFile(org, `${photo}?inline=1`), 'image/jpeg');
    expectPreview(await fetchFile(org, `${report}?inline=1`), 'application/pdf');
    expectDownload(await fetchFile(org, `${sheet}?inline=1`));
    expectDownload(await fetchFile(org, photo));
    expectDownload(await fetchFile(org, report));
    expect((await org.get(`${photo}?inline=yes`)).status).to.equal(400);
    expect((await org.get(`${photo}?inline=1&inline=1`)).status).to.equal(400);

    // The same access rule as the download: another organisation, or an officer of another district, gets 404.
    const stranger = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    const nanshan = await loginAs((await buildUser('officer', { districtCode: 'NS' })).user, TEST_PASSWORD);
    for (const agent of [stranger, nanshan]) {
      for (const url of [`${photo}?inline=1`, `${report}?inline=1`, photo]) expect((await agent.get(url)).status, url).to.equal(404);
    }
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    expectPreview(await fetchFile(officer, `${photo}?inline=1`), 'image/jpeg');
  });

  it('a claim shows its receipts beside the lines for whoever checks them, under the claim’s access rule', async () => {
    const s = await buildClaimSetup();
    const claim = await buildClaim(s, { lines: [] });
    const org = await loginAs(s.orgUser, TEST_PASSWORD);
    const f = classicFapiao();
    const csrf = encodeURIComponent(csrfFrom((await org.get(`/claims/${claim.id}`)).text));
    const added = await org
      .post(`/claims/${claim.id}/lines?_csrf=${csrf}`)
      .field('_version', await versionNow(claim))
      .field('spentOn', '2026-03-05')
      .field('kind', 'transport')
      .field('description', '往返')
      .field('amount', '12.50')
      .field('fapiaoCode', f.code)
      .field('fapiaoNumber', f.number)
      .attach('receipt', pdfBytes('发票'), '发票.pdf');
    expect(added.status, added.text.slice(0, 300)).to.equal(302);
    const line = (await ClaimLine.findOne({ where: { claimId: claim.id, description: '往返' } }))!;
    const receipt = `/claims/${claim.id}/receipts/${line.receiptFileId}`;
    const page = await org.get(`/claims/${claim.id}`);
    expect(page.text).to.contain('data-testid="previews"');
    expect(page.text).to.match(new RegExp(`<iframe src="${receipt}\\?inline=1"`));
    expect(page.text).to.contain(`¥12.50 · ${f.number}`);
    expectPreview(await fetchFile(org, `${receipt}?inline=1`), 'application/pdf');
    expectDownload(await fetchFile(org, receipt));
    // Handed in, the officer who verifies it sees the receipt beside the line.
    expect((await postForm(org, `/claims/${claim.id}/submit`, {})).status).to.equal(302);
    const officer = await loginAs(s.officer, TEST_PASSWORD);
    expect((await officer.get(`/claims/${claim.id}`)).text).to.match(new RegExp(`<iframe src="${receipt}\\?inline=1"`));
    expectPreview(await fetchFile(officer, `${receipt}?inline=1`), 'application/pdf');
    const stranger = await loginAs((await buildUser('org')).user, TEST_PASSWORD);
    expect((await stranger.get(`${receipt}?inline=1`)).status).to.equal(404);
    expect((await stranger.get(`/claims/${claim.id}`)).status).to.equal(404);
  });
});
