import { expect } from 'chai';
import { Claim } from '../../models/Claim.js';
import { District, type User } from '../../models/index.js';
import { Project } from '../../models/Project.js';
import { paymentPayer } from '../../server/commands/payments/paymentPayer.js';
import { findPersonalNumbers } from '../../server/services/identifiers.js';
import { buildClaim, buildClaimSetup } from '../factories/claims.js';
import { actorOf } from '../factories/finance.js';
import { TEST_PASSWORD } from '../factories/index.js';
import { liveProject } from '../factories/ocds.js';
import { buildProject } from '../factories/projects.js';
import { anonymous, loginAs, sessionCookie } from '../support/agent.js';
import { ocdsErrors } from '../support/ocds-schema.js';

type Json = Record<string, any>;

async function getJson(path: string): Promise<{ status: number; body: Json; text: string; headers: Record<string, unknown> }> {
  const res = await anonymous()
    .get(path)
    .buffer(true)
    .parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    });
  const text = String(res.body);
  return { status: res.status, body: res.status === 200 ? JSON.parse(text) : {}, text, headers: res.headers };
}

describe('OCDS packages on the public pages (#19)', () => {
  it('lists what is published, without sign-in, and every package validates against the official schemas', async () => {
    const lived = await liveProject();
    const ocid = lived.project.ocid!;
    const page = await anonymous().get(`/public/ocds?year=${lived.project.year}`);
    expect(page.status).to.equal(200);
    expect(sessionCookie(page), 'no session for a visitor').to.equal(undefined);
    expect(page.headers['content-security-policy']).to.match(/script-src[^;]*'nonce-/);
    expect(page.text).to.include(`data-ocid="${ocid}"`);
    expect(page.text).to.include(lived.project.title);
    expect(page.text).to.include(`/public/ocds/releases/${ocid}.json`);
    expect(page.text).to.include(`/public/ocds/${lived.project.year}/FT/records.json`);

    const releases = await getJson(`/public/ocds/releases/${ocid}.json`);
    expect(releases.status).to.equal(200);
    expect(String(releases.headers['content-disposition'])).to.match(/^attachment; filename="?[\w.-]+\.json"?$/);
    expect(sessionCookie({ headers: releases.headers })).to.equal(undefined);
    expect(ocdsErrors('release-package-schema.json', releases.body)).to.deep.equal([]);
    expect(releases.body.releases).to.have.length(9);
    expect(releases.body.extensions[0]).to.match(/\/public\/ocds\/extension\/extension\.json$/);

    const record = await getJson(`/public/ocds/records/${ocid}.json`);
    expect(ocdsErrors('record-package-schema.json', record.body)).to.deep.equal([]);
    const [rec] = record.body.records;
    expect(ocdsErrors('release-schema.json', rec.compiledRelease)).to.deep.equal([]);
    expect(ocdsErrors('versioned-release-validation-schema.json', rec.versionedRelease)).to.deep.equal([]);
    // The compiled release is the latest state: terminated, amended once, one payment, the two
    // instalments the amendment replaced emptied (their ids stay), the two it added not met.
    const contract = rec.compiledRelease.contracts[0];
    expect(rec.compiledRelease.tag).to.deep.equal(['compiled']);
    expect(contract.status).to.equal('terminated');
    expect(contract.value.amount).to.equal(33000);
    expect(contract.amendments.map((a: Json) => a.id)).to.deep.equal(['version-2']);
    expect(contract.implementation.transactions).to.have.length(1);
    expect(contract.milestones.map((m: Json) => m.status ?? 'removed')).to.deep.equal(['met', 'removed', 'removed', 'notMet', 'notMet']);
    expect(contract.milestones.filter((m: Json) => !m.status)).to.deep.equal(
      contract.milestones.filter((m: Json) => !m.status).map((m: Json) => ({ id: m.id })),
    );
    expect(rec.versionedRelease.contracts[0].status.map((v: Json) => v.value)).to.deep.equal(['active', 'terminated']);

    for (const kind of ['releases', 'records']) {
      const bulk = await getJson(`/public/ocds/${lived.project.year}/FT/${kind}.json`);
      expect(bulk.status, kind).to.equal(200);
      expect(ocdsErrors(kind === 'releases' ? 'release-package-schema.json' : 'record-package-schema.json', bulk.body), kind).to.deep.equal([]);
    }
    const extension = await anonymous().get('/public/ocds/extension/extension.json');
    expect(extension.status).to.equal(200);
    expect(extension.body.codelists).to.deep.equal(['chineseProcurementMethod.csv']);
  });

  it('answers 404 for anything not published: a project without releases, an unknown ocid, a year or district with none', async () => {
    const { project } = await buildProject({ status: 'awarded' });
    const city = await District.findOne({ where: { kind: 'city' } });
    for (const path of [
      `/public/ocds/releases/${project.ocid}.json`,
      `/public/ocds/records/${project.ocid}.json`,
      '/public/ocds/releases/ocds-zzzzzz-999999.json',
      `/public/ocds/${project.year}/FT/releases.json`,
      `/public/ocds/${project.year}/${city!.code}/records.json`,
      `/public/ocds/${project.year}/NOPE/records.json`,
    ]) {
      const res = await anonymous().get(path);
      expect(res.status, path).to.equal(404);
    }
    expect((await anonymous().get('/public/ocds/releases/not-an-ocid.json')).status).to.equal(400);
  });

  it('no package holds a personal number, a child worker’s name or a user’s name', async () => {
    const lived = await liveProject({ end: 'active' });
    await lived.organisation.update({ legalRepresentative: '张法人', contactName: '李联系', contactPhone: '13912345678', contactEmail: 'li@example.org' });
    const s = await buildClaimSetup({ activated: true });
    await s.worker.update({ name: '王儿童主任' });
    const claim = await buildClaim(s, { status: 'approved' });
    await paymentPayer(
      (await Claim.findByPk(claim.id))!.paymentId!,
      { bankReference: 'ICBC-20260401-0002', paidOn: '2026-04-01' },
      { actor: actorOf(s.cashier) },
    );
    const claimProject = (await Project.findByPk(s.contract.projectId))!;
    const claimOcid = claimProject.ocid!;
    const texts: string[] = [];
    for (const o of [lived.project.ocid!, claimOcid]) {
      texts.push((await getJson(`/public/ocds/releases/${o}.json`)).text, (await getJson(`/public/ocds/records/${o}.json`)).text);
    }
    const claimYear = claimProject.year;
    for (const [year, kind] of [
      [lived.project.year, 'releases'],
      [lived.project.year, 'records'],
      [claimYear, 'records'],
    ]) {
      texts.push((await getJson(`/public/ocds/${year}/FT/${kind}.json`)).text);
    }
    texts.push((await anonymous().get(`/public/ocds?year=${lived.project.year}`)).text);
    // The claim's payment is published as a transaction to the organisation, nothing about its worker.
    expect(JSON.parse(texts[2]).releases.at(-1).contracts[0].implementation.transactions).to.have.length(1);
    const users: User[] = [lived.officer, lived.finance, lived.cashier, s.orgUser, s.officer, s.finance, s.cashier];
    const forbidden = [
      s.worker.name,
      s.worker.idNumberMasked,
      '张法人',
      '李联系',
      '13912345678',
      'li@example.org',
      ...users.flatMap((u) => [u.username, u.displayName]),
    ];
    for (const text of texts) {
      expect(findPersonalNumbers(text)).to.deep.equal([]);
      for (const f of forbidden) expect(text.includes(f), f).to.equal(false);
    }
  });
});

describe('the project page links its published data (#19)', () => {
  it('shows the release and record package links once the project has published a release', async () => {
    const lived = await liveProject({ end: 'active' });
    const page = await (await loginAs(lived.officer, TEST_PASSWORD)).get(`/projects/${lived.project.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`href="/public/ocds/releases/${lived.project.ocid}.json"`);
    expect(page.text).to.include(`href="/public/ocds/records/${lived.project.ocid}.json"`);
  });
});
