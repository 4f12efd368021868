import { expect } from 'chai';
import { Op } from 'sequelize';
import { Instalment } from '../../models/Instalment.js';
import { OcdsRelease } from '../../models/OcdsRelease.js';
import { Project } from '../../models/Project.js';
import { contractCompleter } from '../../server/commands/contracts/contractCompleter.js';
import { projectAwarder } from '../../server/commands/projects/projectAwarder.js';
import { projectTransitioner } from '../../server/commands/projects/projectTransitioner.js';
import { ocdsPrefixFrom } from '../../server/config.js';
import { configureOcdsPrefix, ocdsPrefix } from '../../server/services/ocds/identifiers.js';
import { recordRelease } from '../../server/services/ocds/release.js';
import { compileReleases } from '../../server/services/ocds/merge.js';
import { setClock } from '../../server/clock.js';
import { withTransaction } from '../../server/db.js';
import { rewriteOcids } from '../../server/migrations/20261205070001-ocds-releases.js';
import { actorOf } from '../factories/finance.js';
import { buildOrganisation } from '../factories/index.js';
import { liveProject, releasesOf } from '../factories/ocds.js';
import { buildPaymentContract } from '../factories/payments.js';
import { buildProject } from '../factories/projects.js';
import { ocdsErrors } from '../support/ocds-schema.js';
import { testSequelize } from '../support/hooks.js';

describe('OCDS releases (#19)', () => {
  it('a project’s full life writes its releases in order, each valid against the official 1.1.5 schema', async () => {
    const { project, organisation } = await liveProject();
    const releases = await releasesOf(project.id);
    expect(releases.map((r) => r.tag)).to.deep.equal([
      ['planning'],
      ['planningUpdate'],
      ['tender'],
      ['award'],
      ['contract'],
      ['implementation'],
      ['implementation'],
      ['contractAmendment'],
      ['contractTermination'],
    ]);
    for (const r of releases) expect(ocdsErrors('release-schema.json', r), r.id).to.deep.equal([]);
    expect(new Set(releases.map((r) => r.id)).size).to.equal(releases.length);
    expect(releases.every((r) => r.ocid === project.ocid)).to.equal(true);

    const [planning, , tender, award, contract, milestone, paid, amendment, termination] = releases as Record<string, any>[];
    expect(planning.tender.status).to.equal('planning');
    expect(tender.tender).to.include({
      status: 'active',
      procurementMethod: 'limited',
      procurementMethodDetails: '竞争性磋商',
      chineseProcurementMethod: 'competitive_consultation',
    });
    expect(tender.tender.items).to.have.length(1);
    // English where the schema has a language variant for a title: the district, year and services in English.
    expect(planning.tender.title_en).to.equal(`${project.year} child-care services, Futian`);
    expect(tender.tender.title_en).to.match(new RegExp(`^${project.year} child-care services, Futian \\([A-Za-z ,-]+\\)$`));
    expect(award.awards[0].title_en).to.equal(tender.tender.title_en);
    expect(contract.contracts[0].title_en).to.equal(`${tender.tender.title_en}, contract ${contract.contracts[0].title.match(/（(.+)）$/)[1]}`);
    expect(award.awards[0]).to.include({ status: 'active' });
    expect(award.awards[0].suppliers).to.deep.equal([{ id: `CN-USCC-${organisation.uscc}`, name: organisation.name }]);
    const supplier = award.parties.find((p: any) => p.roles.includes('supplier'));
    expect(supplier.identifier).to.deep.equal({ scheme: 'CN-USCC', id: organisation.uscc, legalName: organisation.name });
    expect(contract.contracts[0]).to.include({ status: 'active', dateSigned: '2026-01-05T00:00:00+08:00' });
    expect(contract.contracts[0].value).to.deep.equal({ amount: 30000, currency: 'CNY' });
    expect(contract.contracts[0].milestones.map((m: any) => m.status)).to.deep.equal(['scheduled', 'scheduled', 'scheduled']);
    expect(milestone.contracts[0].milestones[0]).to.include({ type: 'payment', status: 'met' });
    expect(paid.contracts[0].implementation.transactions).to.have.length(1);
    expect(paid.contracts[0].implementation.transactions[0].value).to.deep.equal({ amount: 9000, currency: 'CNY' });
    expect(paid.parties.find((p: any) => p.id === supplier.id).roles).to.deep.equal(['supplier', 'payee']);
    // The amendment replaced the two open instalments: they are removed (every field null), two new ones appear.
    const ms = amendment.contracts[0].milestones;
    expect(ms.filter((m: any) => m.title === null).length).to.equal(2);
    expect(ms.filter((m: any) => m.status === 'scheduled').length).to.equal(2);
    expect(amendment.contracts[0].amendments).to.deep.equal([
      {
        id: 'version-2',
        date: amendment.contracts[0].amendments[0].date,
        rationale: '服务范围扩大',
        description: '合同变更（第 2 版）',
        description_en: 'Contract amendment (version 2)',
      },
    ]);
    expect(amendment.contracts[0].value.amount).to.equal(33000);
    expect(termination.contracts[0].status).to.equal('terminated');
    expect(termination.contracts[0].milestones.filter((m: any) => m.status === 'notMet').length).to.equal(2);
    expect(termination.tender.status).to.equal('complete');
  });

  it('a project’s full life ending in completion: every milestone met and paid, then the contract completed and the project closed', async () => {
    const { project, contract } = await liveProject({ end: 'completed' });
    expect(contract.status).to.equal('completed');
    expect(project.status).to.equal('closed');
    const releases = (await releasesOf(project.id)) as Record<string, any>[];
    expect(releases.map((r) => r.tag)).to.deep.equal([
      ['planning'],
      ['planningUpdate'],
      ['tender'],
      ['award'],
      ['contract'],
      ['implementation'],
      ['implementation'],
      ['contractAmendment'],
      // The amended schedule: each milestone met, then its payment paid.
      ['implementation'],
      ['implementation'],
      ['implementation'],
      ['implementation'],
      ['contractTermination'],
    ]);
    expect(releases.map((r) => r.id)).to.deep.equal(releases.map((_, i) => `${project.ocid}-${i + 1}`));
    for (const r of releases) expect(ocdsErrors('release-schema.json', r), r.id).to.deep.equal([]);
    // Each payment is listed by the release written when it was paid (and, within a day's margin, by the next ones).
    const paidIn = releases.map((r) => (r.contracts?.[0]?.implementation?.transactions ?? []).map((t: any) => t.id));
    expect(new Set(paidIn.flat()).size).to.equal(3);
    expect(paidIn[6]).to.have.length(1);
    expect(paidIn[9]).to.have.length(2);
    expect(paidIn[11]).to.have.length(3);
    const last = releases.at(-1)!;
    expect(last.contracts[0].status).to.equal('terminated');
    expect(last.tender.status).to.equal('complete');
    const compiled = compileReleases(releases as never) as Record<string, any>;
    expect(compiled.contracts[0].implementation.transactions.map((t: any) => t.value.amount)).to.deep.equal([9000, 12000, 12000]);
    expect(compiled.contracts[0].milestones.map((m: any) => m.status ?? 'removed')).to.deep.equal(['met', 'removed', 'removed', 'met', 'met']);
    expect(ocdsErrors('release-schema.json', compiled)).to.deep.equal([]);
  });

  it('the ocid has the registered form from the configured prefix; a prefix of another form is refused', async () => {
    const { project } = await liveProject({ end: 'active' });
    expect(project.ocid).to.equal(`${ocdsPrefix()}-${project.id}`);
    expect(project.ocid).to.match(/^ocds-[a-z0-9]{6}-\d+$/);
    expect(ocdsPrefixFrom({ OCDS_PREFIX: 'ocds-213czf' })).to.equal('ocds-213czf');
    expect(() => ocdsPrefixFrom({ OCDS_PREFIX: 'ocds-careprocure-SZ' })).to.throw(/OCDS_PREFIX/);
    const before = ocdsPrefix();
    try {
      configureOcdsPrefix('ocds-213czf');
      const other = await liveProject({ end: 'active' });
      expect(other.project.ocid).to.equal(`ocds-213czf-${other.project.id}`);
      // An ocid once given stays: the earlier project's releases keep theirs.
      expect((await releasesOf(project.id)).every((r) => r.ocid === project.ocid)).to.equal(true);
    } finally {
      configureOcdsPrefix(before);
    }
  });

  it('the migration moves ocids of the old form to the registered prefix, and back', async () => {
    const { project } = await buildProject();
    await project.update({ ocid: `ocds-careprocure-SZ-${project.id}` });
    const qi = testSequelize().getQueryInterface();
    await rewriteOcids(qi, 'ocds-careprocure-SZ', ocdsPrefix());
    expect((await Project.findByPk(project.id))!.ocid).to.equal(`${ocdsPrefix()}-${project.id}`);
    await rewriteOcids(qi, ocdsPrefix(), 'ocds-careprocure-SZ');
    expect((await Project.findByPk(project.id))!.ocid).to.equal(`ocds-careprocure-SZ-${project.id}`);
    await project.update({ ocid: `${ocdsPrefix()}-${project.id}` });
  });

  it('a refused step writes no release: the release is in the step’s transaction', async () => {
    const { project, creator } = await buildProject({ status: 'tendering' });
    const suspended = await buildOrganisation();
    await suspended.update({ status: 'suspended' });
    await projectAwarder(project.id, { organisationId: suspended.id, amount: 1000, reasons: '综合评分第一' }, { actor: actorOf(creator) }).catch(() => null);
    expect(await OcdsRelease.count({ where: { projectId: project.id } })).to.equal(0);
    // A failure after the release is written inside the transaction takes the release with it.
    await withTransaction(async (t) => {
      await recordRelease(project.id, ['planningUpdate'], t);
      throw new Error('boom');
    }).catch(() => null);
    expect(await OcdsRelease.count({ where: { projectId: project.id } })).to.equal(0);
  });

  it('releases are append-only: a stored release is never changed or removed', async () => {
    const { project, creator } = await buildProject({ status: 'planning' });
    await projectTransitioner(project.id, 'cancel', { actor: actorOf(creator) }, '预算调整');
    const [row] = await OcdsRelease.findAll({ where: { projectId: project.id } });
    expect(row.tags).to.equal('tenderCancellation');
    let refused = 0;
    await row.update({ tags: 'planning' }).catch(() => refused++);
    await row.destroy().catch(() => refused++);
    await OcdsRelease.destroy({ where: { projectId: project.id } }).catch(() => refused++);
    await OcdsRelease.update({ data: '{}' }, { where: { projectId: project.id } }).catch(() => refused++);
    expect(refused).to.equal(4);
    expect(JSON.parse((await OcdsRelease.findByPk(row.id))!.data).tender.status).to.equal('cancelled');
  });

  it('a cancelled award is told with the tender’s cancellation', async () => {
    const { project, creator } = await buildProject({ status: 'awarded' });
    await projectTransitioner(project.id, 'cancel', { actor: actorOf(creator) }, '采购需求变化');
    const [release] = (await releasesOf(project.id)) as Record<string, any>[];
    expect(release.tag).to.deep.equal(['tenderCancellation', 'awardCancellation']);
    expect(release.awards[0].status).to.equal('cancelled');
    expect(ocdsErrors('release-schema.json', release)).to.deep.equal([]);
  });

  it('completion writes the contract’s termination release (contractStatus terminated: it has come to a close)', async () => {
    const built = await buildPaymentContract({ instalmentStatus: 'paid' });
    await contractCompleter(built.contract.id, { actor: actorOf(built.officer) });
    const releases = (await releasesOf(built.contract.projectId)) as Record<string, any>[];
    expect(releases.map((r) => r.tag)).to.deep.equal([['contractTermination']]);
    expect(releases[0].contracts[0].status).to.equal('terminated');
    expect(releases[0].contracts[0].milestones.every((m: any) => m.status === 'met')).to.equal(true);
    expect(ocdsErrors('release-schema.json', releases[0])).to.deep.equal([]);
    expect(await Instalment.count({ where: { contractId: built.contract.id, status: { [Op.ne]: 'paid' } } })).to.equal(0);
  });
});

describe('OCDS schema copy', () => {
  it('the app ships the official 1.1.5 schema and codelists unchanged (../shared/ocds-1.1.5, where it is beside the repository)', async function () {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { SCHEMA_DIR } = await import('../../server/services/ocds/merge.js');
    const official = path.resolve(import.meta.dirname, '../../../shared/ocds-1.1.5');
    if (!fs.existsSync(official)) this.skip();
    const files = (dir: string) =>
      fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort();
    expect(files(SCHEMA_DIR)).to.deep.equal(files(official));
    for (const f of files(official)) expect(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8'), f).to.equal(fs.readFileSync(path.join(official, f), 'utf8'));
  });
});

describe('OCDS releases: payments listed once, not in every release (#19)', () => {
  it('a release lists the payments since the previous release; the compiled release holds them all', async () => {
    const day = 24 * 3600_000;
    const start = new Date('2026-03-01T02:00:00Z');
    try {
      setClock(start);
      const { project } = await liveProject({ end: 'active' });
      // Two days later an implementation release is written (nothing paid since): it lists no transaction.
      setClock(new Date(start.getTime() + 2 * day));
      await withTransaction((t) => recordRelease(project.id, ['implementation'], t));
      setClock(new Date(start.getTime() + 4 * day));
      await withTransaction((t) => recordRelease(project.id, ['implementation'], t));
      const releases = (await releasesOf(project.id)) as Record<string, any>[];
      const last = releases.at(-1)!;
      expect(last.contracts[0].implementation).to.equal(undefined);
      expect(last.parties.find((p: any) => p.roles.includes('supplier')).roles).to.deep.equal(['supplier', 'payee']);
      const compiled = compileReleases(releases as never) as Record<string, any>;
      expect(compiled.contracts[0].implementation.transactions).to.have.length(1);
      expect(ocdsErrors('release-schema.json', last)).to.deep.equal([]);
    } finally {
      setClock(null);
    }
  });
});
