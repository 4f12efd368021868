import { expect } from 'chai';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { AuditEvent, ServiceCategory } from '../../models/index.js';
import { ProjectItem } from '../../models/ProjectItem.js';
import { ServiceCategoryDefinition, ServiceCategoryVersion } from '../../models/ServiceCategoryVersion.js';
import { Notification } from '../../models/Notification.js';
import { translator } from '../../server/i18n/index.js';
import { targetCompletion } from '../../server/services/evaluation-indicators.js';
import { notificationMessage } from '../../server/services/notifications.js';
import { catalogueCode } from '../factories/catalogue.js';
import { buildDeliverableContract } from '../factories/deliverables.js';
import { buildFixtureDistrict } from '../factories/overview.js';
import { buildUser, district, TEST_PASSWORD } from '../factories/index.js';
import { type Agent, anonymous, csrfFrom, fieldError, loginAs, postForm } from '../support/agent.js';
import { versionNow } from '../support/forms.js';

const PATH = '/reference/service-categories';

async function uploadToken(agent: Agent): Promise<string> {
  return encodeURIComponent(csrfFrom((await agent.get('/')).text));
}

/** Saves a deliverable's draft through the hand-in form (multipart) with these figures. */
async function saveDraft(agent: Agent, d: { id: number; reload(): Promise<unknown>; lockVersion: number }, fields: Record<string, string>) {
  let req = agent.post(`/deliverables/${d.id}/draft?_csrf=${await uploadToken(agent)}`).field('_version', await versionNow(d));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

/** Starts a year's version as the administrator, adds a category with two summed metrics, an averaged one and a rule, and publishes it. */
async function publishedYearWithTalks(admin: Agent, year: number, name: string) {
  expect((await postForm(admin, PATH, { year: String(year) })).status).to.equal(302);
  expect((await postForm(admin, `${PATH}/${year}/categories`, { name, nameEn: `${name} talks`, unit: '场', unitEn: 'talk' })).status).to.equal(302);
  const version = await ServiceCategoryVersion.findOne({ where: { year } });
  const category = await ServiceCategoryDefinition.findOne({ where: { versionId: version!.id, name } });
  const code = category!.code;
  const metric = (metricName: string, metricNameEn: string, aggregation: string, targetable: string) =>
    postForm(admin, `${PATH}/${year}/metrics`, { category: code, metricName, metricNameEn, metricUnit: 'count', aggregation, targetable, optional: 'no' });
  expect((await metric('讲座场次', 'Talks given', 'sum', 'yes')).status).to.equal(302);
  expect((await metric('听众人次', 'Listeners', 'sum', 'yes')).status).to.equal(302);
  expect((await metric('平均满意度', 'Average satisfaction', 'average', 'no')).status).to.equal(302);
  const rule = await postForm(admin, `${PATH}/${year}/rules`, { ruleKind: 'needs', ruleMetric: `${code}:metric_2`, ruleOther: `${code}:metric_1` });
  expect(rule.status).to.equal(302);
  expect((await postForm(admin, `${PATH}/${year}/publish`, {})).status).to.equal(302);
  return code;
}

describe('service categories and metrics as data (#21)', () => {
  it('staff read the versions; only the administrator starts, adds to and publishes one; forms keep their input with errors beside the fields', async () => {
    expect((await anonymous().get(PATH)).status).to.equal(302);
    const officer = await loginAs((await buildUser('officer', { districtCode: 'FT' })).user, TEST_PASSWORD);
    const list = await officer.get(PATH);
    expect(list.status).to.equal(200);
    expect(list.text).to.include('data-testid="version-2026"');
    expect(list.text).to.not.include('data-testid="version-form"');
    expect((await postForm(officer, PATH, { year: '2043' })).status).to.equal(403);
    const seeded = await officer.get(`${PATH}/2026`);
    // Today's categories unchanged, plus the ones the policy names that the list lacked.
    for (const name of ['热线运行', '家庭探访', '心理服务', '精神慰藉', '临时照料', '康复指导', '特殊教育', '家庭教育', '阵地服务', '儿童之家', '妇女之家']) {
      expect(seeded.text, name).to.include(name);
    }
    expect(seeded.text).to.include('探访户数 ≤ 探访次数');

    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    expect(fieldError((await postForm(admin, PATH, { year: '26' })).text, 'year')).to.equal('请填写 2000 至 2100 之间的年份。');
    expect((await postForm(admin, PATH, { year: '2043' })).headers.location).to.equal(`${PATH}/2043`);
    expect(fieldError((await postForm(admin, PATH, { year: '2043' })).text, 'year')).to.equal('该年度已有版本。');
    const version = await ServiceCategoryVersion.findOne({ where: { year: 2043 } });
    expect(version).to.deep.include({ status: 'draft' });
    expect(await ServiceCategoryDefinition.count({ where: { versionId: version!.id } })).to.be.greaterThanOrEqual(18);

    const blank = await postForm(admin, `${PATH}/2043/categories`, { name: '', nameEn: 'Sports', unit: '场', unitEn: 'event' });
    expect(blank.status).to.equal(422);
    expect(fieldError(blank.text, 'name')).to.not.equal(null);
    expect(blank.text).to.match(/id="f-nameEn"[^>]*value="Sports"/);
    expect((await postForm(admin, `${PATH}/2043/categories`, { name: '体育活动', nameEn: 'Sports', unit: '场', unitEn: 'event' })).status).to.equal(302);
    const sports = await ServiceCategoryDefinition.findOne({ where: { versionId: version!.id, name: '体育活动' } });
    const averagedTarget = await postForm(admin, `${PATH}/2043/metrics`, {
      category: sports!.code,
      metricName: '平均时长',
      metricNameEn: 'Average length',
      metricUnit: 'count',
      aggregation: 'average',
      targetable: 'yes',
      optional: 'no',
    });
    expect(averagedTarget.status).to.equal(422);
    expect(fieldError(averagedTarget.text, 'targetable')).to.equal('取平均值的指标不能作为履约目标。');
    expect(averagedTarget.text).to.match(/id="f-metricName"[^>]*value="平均时长"/);
    // A category without a metric to enter cannot be published: the refusal is shown on the page.
    const bare = await postForm(admin, `${PATH}/2043/publish`, {});
    expect(bare.status).to.equal(409);
    expect(bare.text).to.include('服务类别“体育活动”还没有填报指标，不能发布。');
    const otherCategory = await postForm(admin, `${PATH}/2043/rules`, {
      ruleKind: 'not_more_than',
      ruleMetric: 'home_visit:visits',
      ruleOther: 'training:sessions',
    });
    expect(fieldError(otherCategory.text, 'ruleOther')).to.equal('两个指标须属于同一服务类别。');
    expect(
      (
        await postForm(admin, `${PATH}/2043/metrics`, {
          category: sports!.code,
          metricName: '活动场次',
          metricNameEn: 'Events',
          metricUnit: 'count',
          aggregation: 'sum',
          targetable: 'yes',
          optional: 'no',
        })
      ).status,
    ).to.equal(302);
    expect((await postForm(admin, `${PATH}/2043/publish`, {})).status).to.equal(302);
    await version!.reload();
    expect(version!.status).to.equal('published');
    // The code registry that catalogue items name knows the new category.
    expect(await ServiceCategory.findByPk(sports!.code)).to.not.equal(null);
    // A published version never changes.
    const late = await postForm(admin, `${PATH}/2043/categories`, { name: '阅读', nameEn: 'Reading', unit: '场', unitEn: 'event' });
    expect(late.status).to.equal(409);
    expect(late.text).to.include('2043 年版本已发布，不能修改。');
    const audited = await AuditEvent.findAll({ where: { recordType: 'service_category_version', recordId: String(version!.id) } });
    expect(audited.map((e) => e.action)).to.include.members([
      'reference.category_version_create',
      'reference.service_category_create',
      'reference.category_metric_create',
      'reference.category_version_publish',
    ]);
  });

  it('a category the administrator adds is bought, reported, evaluated and exported without a code change', async () => {
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    const code = await publishedYearWithTalks(admin, 2041, '心理健康讲座');

    // Bought: a catalogue item of 2041 sells it, a project of 2041 buys the item, the contract targets its metric.
    // A district of the test's own: a budget line of 2041 in 福田 may already be another test's (one per year, district and source).
    const place = (await buildFixtureDistrict(0)).district;
    const built = await buildDeliverableContract({
      year: 2041,
      districtCode: place.code,
      targets: [{ categoryCode: code, metric: 'metric_2', targetCount: 200 }],
    });
    expect(built.contract.categoryYear).to.equal(2041);
    const officer = await loginAs(built.officer, TEST_PASSWORD);
    const ft = place;
    const itemForm = {
      year: '2041',
      districtId: String(ft.id),
      code: catalogueCode('FT'),
      categoryCode: code,
      name: '困境儿童心理健康讲座',
      unit: '',
      referenceUnitPrice: '800.00',
      description: '每季度两场',
      indicators: '听众满意度 ≥ 90%',
    };
    expect((await postForm(officer, '/catalogue', itemForm)).status).to.equal(302);
    const item = await CatalogueItem.findOne({ where: { code: itemForm.code } });
    expect(item).to.deep.include({ categoryCode: code, unit: '场' });
    await ProjectItem.create({ projectId: built.project.id, catalogueItemId: item!.id, quantity: 8, unitPriceFen: 80_000 });
    // A catalogue item of a year whose version lacks the category is refused beside the field.
    const before = await postForm(officer, '/catalogue', { ...itemForm, year: '2026', code: catalogueCode('FT') });
    expect(fieldError(before.text, 'categoryCode')).to.not.equal(null);

    // Reported: the schedule made its deliverables; the form asks for the metrics; the rule holds.
    const [q1] = built.deliverables;
    expect(q1.categoryCode).to.equal(code);
    const org = await loginAs(built.orgUser, TEST_PASSWORD);
    // The organisation's to-do list names the category of what is due.
    expect((await org.get('/inbox')).text).to.include(`心理健康讲座 · ${q1.periodStart}`);
    const form = await org.get(`/deliverables/${q1.id}/edit`);
    expect(form.status).to.equal(200);
    for (const label of ['讲座场次', '听众人次', '平均满意度']) expect(form.text).to.include(label);
    const broken = await saveDraft(org, q1, { m_metric_1: '0', m_metric_2: '50', m_metric_3: '90' });
    expect(broken.status).to.equal(422);
    expect(fieldError(broken.text, 'm_metric_2')).to.equal('所依据的数据须大于 0。');
    await q1.reload();
    expect((await saveDraft(org, q1, { m_metric_1: '2', m_metric_2: '50', m_metric_3: '90' })).status).to.equal(302);
    expect((await postForm(org, `/deliverables/${q1.id}/submit`, {})).status).to.equal(302);
    expect((await postForm(officer, `/deliverables/${q1.id}/accept`, {})).status).to.equal(302);
    // The organisation's notice names the category in its language.
    const notice = await Notification.findOne({ where: { userId: built.orgUser.id, kind: 'deliverableAccepted', recordId: q1.id } });
    expect(notificationMessage(notice!, { t: translator('zh-CN'), locale: 'zh-CN' })).to.include('心理健康讲座');
    expect(notificationMessage(notice!, { t: translator('en'), locale: 'en' })).to.include('心理健康讲座 talks');

    // Progress and evaluation read it: 50 of 200 listeners.
    const contractPage = await org.get(`/contracts/${built.contract.id}`);
    expect(contractPage.text).to.include('听众人次');
    expect(contractPage.text).to.match(/data-testid="progress-figures">50 \/ 200 \(25 %\)/);
    const completion = await targetCompletion(built.contract, { start: '2026-01-01', end: '2026-12-31' });
    expect(completion).to.deep.include({ available: true, scoreHundredths: 2500 });

    // Exported with its own columns.
    const csv = await officer.get(`/deliverables?contractId=${built.contract.id}&format=csv`);
    const [header, row] = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(','));
    expect(row[header.indexOf('服务类别')]).to.equal('心理健康讲座');
    expect(row[header.indexOf('心理健康讲座 · 听众人次')]).to.equal('50');
    expect(row[header.indexOf('心理健康讲座 · 平均满意度')]).to.equal('90');
    const list = await officer.get(`/deliverables?category=${code}&contractId=${built.contract.id}`);
    expect(list.text).to.include('心理健康讲座');
  });

  it('an older contract keeps the version it bought when a later year changes a category', async () => {
    const place = (await buildFixtureDistrict(0)).district;
    const older = await buildDeliverableContract({ year: 2026, districtCode: place.code });
    expect(older.contract.categoryYear).to.equal(2026);
    const admin = await loginAs((await buildUser('admin')).user, TEST_PASSWORD);
    expect((await postForm(admin, PATH, { year: '2042' })).status).to.equal(302);
    const add = await postForm(admin, `${PATH}/2042/metrics`, {
      category: 'home_visit',
      metricName: '探访时长',
      metricNameEn: 'Hours visiting',
      metricUnit: 'hours',
      aggregation: 'sum',
      targetable: 'yes',
      optional: 'no',
    });
    expect(add.status).to.equal(302);
    expect((await postForm(admin, `${PATH}/2042/publish`, {})).status).to.equal(302);
    const newer = await buildDeliverableContract({ year: 2042, districtCode: place.code });
    expect(newer.contract.categoryYear).to.equal(2042);

    const org = await loginAs(older.orgUser, TEST_PASSWORD);
    const oldForm = await org.get(`/deliverables/${older.deliverables[0].id}/edit`);
    expect(oldForm.text).to.include('探访次数');
    expect(oldForm.text).to.not.include('探访时长');
    // The older contract's deliverable is handed in complete without the new metric.
    expect((await saveDraft(org, older.deliverables[0], { m_visits: '30', m_households: '25', m_followUps: '5' })).status).to.equal(302);
    expect((await postForm(org, `/deliverables/${older.deliverables[0].id}/submit`, {})).status).to.equal(302);

    const neworg = await loginAs(newer.orgUser, TEST_PASSWORD);
    expect((await neworg.get(`/deliverables/${newer.deliverables[0].id}/edit`)).text).to.include('探访时长');
    expect((await saveDraft(neworg, newer.deliverables[0], { m_visits: '30', m_households: '25', m_followUps: '5' })).status).to.equal(302);
    const incomplete = await postForm(neworg, `/deliverables/${newer.deliverables[0].id}/submit`, {});
    expect(incomplete.status).to.equal(422);
    expect(fieldError(incomplete.text, 'm_metric_1')).to.equal('提交前必须填写。');
  });

  it('takes out of a draft what was added by mistake, never what something stands on, and nothing of a published version', async () => {
    const year = 2044;
    const adminUser = (await buildUser('admin')).user;
    const admin = await loginAs(adminUser, TEST_PASSWORD);
    expect((await postForm(admin, PATH, { year: String(year) })).status).to.equal(302);
    const version = (await ServiceCategoryVersion.findOne({ where: { year } }))!;
    expect(
      (await postForm(admin, `${PATH}/${year}/categories`, { name: '亲子阅读', nameEn: 'Family reading', unit: '场', unitEn: 'session' })).status,
    ).to.equal(302);
    const code = (await ServiceCategoryDefinition.findOne({ where: { versionId: version.id, name: '亲子阅读' } }))!.code;
    const metric = (metricName: string, metricNameEn: string) =>
      postForm(admin, `${PATH}/${year}/metrics`, {
        category: code,
        metricName,
        metricNameEn,
        metricUnit: 'count',
        aggregation: 'sum',
        targetable: 'yes',
        optional: 'no',
      });
    expect((await metric('阅读场次', 'Sessions')).status).to.equal(302);
    expect((await metric('参与家庭数（错字）', 'Famlies')).status).to.equal(302);
    expect(
      (await postForm(admin, `${PATH}/${year}/rules`, { ruleKind: 'needs', ruleMetric: `${code}:metric_2`, ruleOther: `${code}:metric_1` })).status,
    ).to.equal(302);
    const base = `${PATH}/${year}/categories/${code}`;
    const page = (await admin.get(`${PATH}/${year}`)).text;
    expect(page).to.include(`action="${base}/metrics/remove"`).and.include(`action="${base}/rules/remove"`).and.include(`action="${base}/remove"`);

    // A metric a rule names stays until the rule goes; then it goes, with an audit event each.
    const refused = await postForm(admin, `${base}/metrics/remove`, { key: 'metric_2' }, `${PATH}/${year}`);
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include('指标“参与家庭数（错字）”被规则或合计指标引用，请先删除相应规则。');
    expect((await postForm(admin, `${base}/rules/remove`, { kind: 'needs', metric: 'metric_2', other: 'metric_1' }, `${PATH}/${year}`)).status).to.equal(302);
    expect((await postForm(admin, `${base}/metrics/remove`, { key: 'metric_2' }, `${PATH}/${year}`)).status).to.equal(302);
    expect((await admin.get(`${PATH}/${year}`)).text).to.include('已删除指标“参与家庭数（错字）”。');
    const after = (await admin.get(`${PATH}/${year}`)).text;
    expect(after).to.include('阅读场次').and.not.include('参与家庭数（错字）');
    expect((await postForm(admin, `${base}/metrics/remove`, { key: 'metric_2' }, `${PATH}/${year}`)).status).to.equal(404);

    // The hotline is the code's own; a category a catalogue item of the year buys stays too.
    const hotline = (await ServiceCategoryDefinition.findOne({ where: { versionId: version.id, special: 'hotline' } }))!;
    const kept = await postForm(admin, `${PATH}/${year}/categories/${hotline.code}/remove`, {}, `${PATH}/${year}`);
    expect(kept.status).to.equal(409);
    expect(kept.text).to.include('由系统专门处理');
    const item = await CatalogueItem.create({
      year,
      districtId: (await district('FT')).id,
      categoryCode: 'temporary_care',
      code: catalogueCode(),
      name: '临时照料服务',
      unit: '人天',
      referenceUnitPriceFen: 50_000,
      description: '',
      indicators: '',
      createdBy: adminUser.id,
    });
    const bought = await postForm(admin, `${PATH}/${year}/categories/temporary_care/remove`, {}, `${PATH}/${year}`);
    expect(bought.status).to.equal(409);
    expect(bought.text).to.include(`${year} 年指导性目录中有 1 个条目购买服务类别“临时照料”`);
    await item.destroy();
    expect((await postForm(admin, `${base}/remove`, {}, `${PATH}/${year}`)).status).to.equal(302);
    expect(await ServiceCategoryDefinition.count({ where: { versionId: version.id, code } })).to.equal(0);
    const actions = (await AuditEvent.findAll({ where: { recordType: 'service_category_version', recordId: version.id } })).map((e) => e.action);
    expect(actions).to.include.members(['reference.category_rule_remove', 'reference.category_metric_remove', 'reference.service_category_remove']);

    // Others may not; a published version keeps everything.
    const officer = await loginAs((await buildUser('officer', { districtCode: 'SZ' })).user, TEST_PASSWORD);
    expect((await postForm(officer, `${PATH}/${year}/categories/${hotline.code}/metrics/remove`, { key: 'callsReceived' }, `${PATH}/${year}`)).status).to.equal(
      403,
    );
    const published = (await ServiceCategoryVersion.findOne({ where: { status: 'published' }, order: [['year', 'ASC']] }))!;
    const home = (await ServiceCategoryDefinition.findOne({ where: { versionId: published.id, code: 'home_visit' } }))!;
    expect((await admin.get(`${PATH}/${published.year}`)).text).to.not.include('/remove"');
    expect((await postForm(admin, `${PATH}/${published.year}/categories/${home.code}/remove`, {}, `${PATH}/${published.year}`)).status).to.equal(409);
  });
});
