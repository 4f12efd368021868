import { expect } from 'chai';
import { versionNow } from '../support/forms.js';
import ExcelJS from 'exceljs';
import { Evaluation } from '../../models/Evaluation.js';
import { AuditEvent, Organisation, type User } from '../../models/index.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import type { Role } from '../../models/User.js';
import { type Agent, anonymous, binaryParser, fieldError, loginAs, postForm } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';
import { buildEvaluation, buildTemplate } from '../factories/evaluations.js';
import { buildUser } from '../factories/index.js';

async function signedIn(role: Role, attrs: { districtCode?: string; organisation?: Organisation } = {}): Promise<{ agent: Agent; user: User }> {
  const { user, password } = await buildUser(role, attrs);
  return { agent: await loginAs(user, password), user };
}
const agentOf = async (user: User) => loginAs(user, 'correct horse battery staple');

describe('evaluations: pages', () => {
  it('each role sees only its own: the evaluator what is assigned, the organisation its confirmed results, staff their district; anything else is 404', async () => {
    const confirmed = await buildEvaluation({ status: 'confirmed' });
    const scheduled = await buildEvaluation({ built: confirmed.built, kind: 'interim' });
    const organisation = (await Organisation.findByPk(confirmed.built.contract.organisationId))!;
    const org = await signedIn('org', { organisation });
    const list = await org.agent.get('/evaluations');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain(`data-id="${confirmed.evaluation.id}"`);
    expect(list.text).not.to.contain(`data-id="${scheduled.evaluation.id}"`);
    expect((await org.agent.get(`/evaluations/${scheduled.evaluation.id}`)).status).to.equal(404);
    expect((await org.agent.get(`/evaluations/${confirmed.evaluation.id}`)).status).to.equal(200);
    const otherOrg = await signedIn('org');
    expect((await otherOrg.agent.get(`/evaluations/${confirmed.evaluation.id}`)).status).to.equal(404);
    expect((await otherOrg.agent.get(`/evaluations/${confirmed.evaluation.id}/report`)).status).to.equal(404);
    const evaluator = await agentOf(scheduled.evaluator);
    expect((await evaluator.get(`/evaluations/${scheduled.evaluation.id}`)).status).to.equal(200);
    expect((await evaluator.get(`/evaluations/${confirmed.evaluation.id}`)).status).to.equal(404);
    const evaluatorList = await evaluator.get('/evaluations');
    expect(evaluatorList.text).to.contain(`data-id="${scheduled.evaluation.id}"`);
    expect(evaluatorList.text).not.to.contain(`data-id="${confirmed.evaluation.id}"`);
    const nanshan = await signedIn('officer', { districtCode: 'NS' });
    expect((await nanshan.agent.get(`/evaluations/${confirmed.evaluation.id}`)).status).to.equal(404);
    expect((await nanshan.agent.get('/evaluations?format=csv')).text).not.to.contain(confirmed.built.contract.number);
    const inspector = await signedIn('inspector');
    expect((await inspector.agent.get(`/evaluations/${confirmed.evaluation.id}`)).status).to.equal(200);
    expect((await postForm(inspector.agent, `/evaluations/${scheduled.evaluation.id}/confirm`, { consequence: 'none' })).status).to.equal(403);
    expect((await anonymous().get('/evaluations')).status).to.equal(302);
  });

  it('the evaluator scores on the page (422 keeps the input), sees the computed indicator with its records, and submits; the officer confirms with a rectification that the organisation works', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation();
    const agent = await agentOf(evaluator);
    const page = await agent.get(`/evaluations/${evaluation.id}`);
    expect(page.text).to.contain('data-testid="score-form"');
    expect(page.text).to.match(/data-testid="computed-score">100\.00</);
    const bad = await postForm(agent, `/evaluations/${evaluation.id}/scores`, {
      _version: await versionNow(evaluation),
      intent: 'submit',
      score_2: '101',
      comment_2: '很好',
      score_3: '88',
      comment_3: '',
    });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'score_2')).to.equal('得分须为 0–100，最多两位小数。');
    expect(bad.text).to.contain('value="101"');
    const missing = await postForm(agent, `/evaluations/${evaluation.id}/scores`, {
      _version: await versionNow(evaluation),
      intent: 'submit',
      score_2: '70',
      comment_2: '服务记录完整',
      score_3: '60',
      comment_3: '',
    });
    expect(missing.status).to.equal(422);
    expect(fieldError(missing.text, 'score_3')).to.equal('每项指标都须填写得分和评分说明。');
    const ok = await postForm(agent, `/evaluations/${evaluation.id}/scores`, {
      _version: await versionNow(evaluation),
      intent: 'submit',
      score_2: '70',
      comment_2: '服务记录完整',
      score_3: '60',
      comment_3: '满意度一般',
    });
    expect(ok.status).to.equal(302);
    const submitted = (await Evaluation.findByPk(evaluation.id))!;
    // 20 × 100 + 50 × 70 + 30 × 60 = 73.00 → 合格
    expect([submitted.status, submitted.totalHundredths, submitted.grade]).to.deep.equal(['submitted', 7300, 'pass']);

    const officer = await agentOf(built.officer);
    const wrong = await postForm(officer, `/evaluations/${evaluation.id}/confirm`, { consequence: 'reward', note: '' });
    expect(wrong.status).to.equal(422);
    expect(fieldError(wrong.text, 'consequence')).to.contain('奖励仅限优秀');
    const confirm = await postForm(officer, `/evaluations/${evaluation.id}/confirm`, {
      consequence: 'rectification',
      note: '限期整改',
      rectificationDeadline: '2099-06-30',
      item_0: '补齐服务台账',
      item_1: '',
    });
    expect(confirm.status).to.equal(302);
    const item = (await RectificationItem.findOne({ where: { evaluationId: evaluation.id } }))!;
    expect(item.description).to.equal('补齐服务台账');
    expect((await postForm(officer, `/evaluations/${evaluation.id}/confirm`, { consequence: 'none' })).status).to.equal(409);

    const organisation = (await Organisation.findByPk(built.contract.organisationId))!;
    const org = await signedIn('org', { organisation });
    const shown = await org.agent.get(`/evaluations/${evaluation.id}`);
    expect(shown.text).to.contain('补齐服务台账');
    expect(shown.text).to.contain('data-testid="response-form"');
    expect((await postForm(org.agent, `/evaluations/${evaluation.id}/rectification/${item.id}/report`, { report: '' })).status).to.equal(422);
    expect((await postForm(org.agent, `/evaluations/${evaluation.id}/rectification/${item.id}/report`, { report: '台账已补齐' })).status).to.equal(302);
    expect((await postForm(org.agent, `/evaluations/${evaluation.id}/rectification/${item.id}/close`, {})).status).to.equal(403);
    expect((await postForm(officer, `/evaluations/${evaluation.id}/rectification/${item.id}/close`, {})).status).to.equal(302);
    expect((await RectificationItem.findByPk(item.id))!.status).to.equal('closed');
    expect((await postForm(org.agent, `/evaluations/${evaluation.id}/response`, { response: '接受评价，已完成整改。' })).status).to.equal(302);
    const report = await org.agent.get(`/evaluations/${evaluation.id}/report`);
    expect(report.status).to.equal(200);
    expect(report.text).to.match(/data-testid="report-total">73\.00</);
    expect(report.text).to.match(/data-testid="report-grade">合格</);
    expect(report.text).to.contain('接受评价，已完成整改。');
    expect(report.text).not.to.contain('<nav');
    const orgPage = await org.agent.get(`/organisations/${organisation.id}`);
    expect(orgPage.text).to.contain('data-testid="grade-history"');
    expect(orgPage.text).to.contain(built.contract.number);
  });

  it('the officer assigns on the page; a recused evaluator is refused beside the field (422)', async () => {
    const { evaluation, built } = await buildEvaluation();
    const officer = await agentOf(built.officer);
    const member = (await buildUser('evaluator')).user;
    await member.update({ organisationId: built.contract.organisationId });
    const refused = await postForm(officer, `/evaluations/${evaluation.id}/assign`, { evaluatorId: String(member.id) });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'evaluatorId')).to.equal('该评估人员属于被评价的社会组织，须回避。');
    const fine = (await buildUser('evaluator')).user;
    expect((await postForm(officer, `/evaluations/${evaluation.id}/assign`, { evaluatorId: String(fine.id) })).status).to.equal(302);
    expect((await Evaluation.findByPk(evaluation.id))!.evaluatorId).to.equal(fine.id);
  });

  it('keeps templates (weights not summing to 100 shown beside the form), schedules from the contract page, and proposes finals ending within a month', async () => {
    const { agent, user } = await signedIn('officer');
    const form = {
      name: '家庭探访评价',
      districtId: String(user.districtId),
      categoryCode: 'home_visit',
      projectId: '',
      name_0: '资金使用合规',
      code_0: 'financial_compliance',
      weight_0: '30',
      name_1: '服务质量',
      code_1: '',
      weight_1: '60',
      scale_1: '综合评分',
    };
    const bad = await postForm(agent, '/evaluations/templates', form);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('各指标权重合计必须为 100。');
    expect(bad.text).to.contain('value="家庭探访评价"');
    const good = await postForm(agent, '/evaluations/templates', { ...form, weight_1: '70' });
    expect(good.status).to.equal(302);
    expect((await agent.get(good.headers.location)).text).to.contain('家庭探访评价');
    const built = await buildEvaluation({ status: 'confirmed' });
    const officer = await agentOf(built.built.officer);
    const contractPage = await officer.get(`/contracts/${built.built.contract.id}`);
    expect(contractPage.text).to.contain('data-testid="contract-evaluations"');
    expect(contractPage.text).to.contain(`/evaluations/${built.evaluation.id}`);
    const schedule = await officer.get(`/evaluations/new?contractId=${built.built.contract.id}`);
    expect(schedule.status).to.equal(200);
    const interim = await postForm(officer, `/evaluations?contractId=${built.built.contract.id}`, {
      kind: 'interim',
      templateId: String(built.template.id),
      periodStart: '2026-01-01',
      periodEnd: '2026-06-30',
      dueOn: '2026-07-31',
    });
    expect(interim.status).to.equal(302);
    const outside = await postForm(officer, `/evaluations?contractId=${built.built.contract.id}`, {
      kind: 'interim',
      templateId: String(built.template.id),
      periodStart: '2026-01-01',
      periodEnd: '2027-06-30',
      dueOn: '2027-07-31',
    });
    expect(outside.status).to.equal(422);
    expect(fieldError(outside.text, 'periodEnd')).to.equal('评价期间须在合同期限内。');
    // A contract ending within a month with no final evaluation is proposed on the queue and the dashboard.
    const ending = await buildEvaluation({ kind: 'interim' });
    const today = new Date();
    const soon = new Date(today.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    await ending.built.contract.update({ termEnd: soon });
    const endingOfficer = await agentOf(ending.built.officer);
    const queue = await endingOfficer.get('/evaluations/queue');
    expect(queue.text).to.contain(`data-contract="${ending.built.contract.id}"`);
    expect(queue.text).not.to.contain(`data-contract="${built.built.contract.id}"`);
    const dashboard = await endingOfficer.get('/');
    expect(dashboard.text).to.contain('建议安排的终期评价');
  });

  it('the officer’s queue names who scored each evaluation; the evaluator’s own queue does not repeat their name', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation({ status: 'submitted' });
    await evaluator.update({ displayName: '第三方评估员甲' });
    const officerQueue = await (await agentOf(built.officer)).get('/evaluations/queue');
    const row = officerQueue.text.slice(officerQueue.text.indexOf(`data-id="${evaluation.id}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).to.match(/data-testid="evaluator">第三方评估员甲</);
    const mine = await buildEvaluation({ evaluator });
    const ownQueue = await (await agentOf(evaluator)).get('/evaluations/queue');
    expect(ownQueue.text).to.contain(`data-id="${mine.evaluation.id}"`);
    expect(ownQueue.text).not.to.contain('data-testid="evaluator"');
    expect(ownQueue.text).not.to.contain('<th scope="col">评估人员</th>');
  });

  it('draws the yearly sample on its page, shows the seed and that it reproduces', async () => {
    const { user, agent } = await signedIn('officer', { districtCode: 'YT' });
    const template = await buildTemplate(user);
    const res = await postForm(agent, '/evaluations/samples', {
      districtId: String(user.districtId),
      year: '2099',
      seed: '77',
      templateId: String(template.id),
      dueOn: '2099-12-31',
      manualContracts: '',
    });
    expect(res.status).to.equal(302);
    const page = await agent.get(res.headers.location);
    expect(page.text).to.match(/data-testid="seed">77</);
    expect(page.text).to.match(/data-testid="reproduced">一致</);
    const again = await postForm(agent, '/evaluations/samples', {
      districtId: String(user.districtId),
      year: '2099',
      seed: '',
      templateId: String(template.id),
      dueOn: '2099-12-31',
      manualContracts: '',
    });
    expect(again.status).to.equal(409);
    const bad = await postForm(agent, '/evaluations/samples', {
      districtId: String(user.districtId),
      year: '2098',
      seed: '-1',
      templateId: String(template.id),
      dueOn: '2098-12-31',
      manualContracts: 'abc',
    });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'manualContracts')).to.equal('请填写以逗号分隔的合同 id。');
  });

  it('ranks contractors per district and year from confirmed evaluations, exports the ranking and the list (audited), with a constant number of queries', async function () {
    this.timeout(120_000);
    const a = await buildEvaluation({ status: 'confirmed', scores: [9500, 9500] });
    const b = await buildEvaluation({ status: 'confirmed', scores: [6000, 6000] });
    const { agent } = await signedIn('inspector');
    const year = a.evaluation.year;
    const ranking = await agent.get(`/evaluations/ranking?year=${year}&districtId=${a.evaluation.districtId}`);
    expect(ranking.status).to.equal(200);
    const nameA = (await Organisation.findByPk(a.evaluation.organisationId))!.name;
    const nameB = (await Organisation.findByPk(b.evaluation.organisationId))!.name;
    expect(ranking.text.indexOf(nameA)).to.be.greaterThan(-1);
    expect(ranking.text.indexOf(nameA)).to.be.lessThan(ranking.text.indexOf(nameB));
    const csv = await agent.get(`/evaluations/ranking?year=${year}&districtId=${a.evaluation.districtId}&format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.contain(nameA);
    expect(csv.text).to.contain('96.00');
    const xlsx = await agent.get(`/evaluations/ranking?year=${year}&format=xlsx`).buffer(true).parse(binaryParser);
    const book = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await book.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    expect(book.worksheets[0].rowCount).to.be.greaterThan(2);
    const list = await agent.get(`/evaluations?status=confirmed&format=csv`);
    expect(list.text).to.contain(a.built.contract.number);
    expect(await AuditEvent.count({ where: { action: 'evaluation.export' } })).to.be.at.least(3);
    const sequelize = testSequelize();
    const countQueries = async (url: string) => {
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-evaluation-queries', () => {
        n += 1;
      });
      try {
        expect((await agent.get(url)).status).to.equal(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-evaluation-queries');
      }
      return n;
    };
    // The same filters over every evaluation and over none: the rows do not add queries (an empty
    // page only leaves out the read of its rows with their parents: findListPage).
    expect(await countQueries('/evaluations?perPage=100')).to.equal((await countQueries('/evaluations?perPage=100&year=2001')) + 1);
    expect(await countQueries(`/evaluations?contractId=${a.built.contract.id}`)).to.equal(
      (await countQueries(`/evaluations?contractId=${a.built.contract.id}&year=2001`)) + 1,
    );
    expect(await countQueries(`/evaluations/ranking?year=${year}`)).to.equal(await countQueries('/evaluations/ranking?year=2001'));
  });

  it('offers the final instalment on the contract’s payments page only once its final evaluation is confirmed at 合格 or better, and shows each role its cards', async () => {
    const { evaluation, built, evaluator } = await buildEvaluation({ status: 'submitted', scores: [6000, 6000] });
    const last = built.instalments[2];
    await last.update({ status: 'due' });
    const officer = await agentOf(built.officer);
    expect((await officer.get(`/payments/contracts/${built.contract.id}`)).text).not.to.contain(`data-testid="request-${last.id}"`);
    expect((await agentOf(evaluator).then((a) => a.get('/'))).text).to.contain('待评分的评价');
    await postForm(officer, `/evaluations/${evaluation.id}/confirm`, {
      consequence: 'rectification',
      rectificationDeadline: '2099-01-31',
      item_0: '补充服务记录',
    });
    expect((await officer.get(`/payments/contracts/${built.contract.id}`)).text).to.contain(`data-testid="request-${last.id}"`);
    const org = await signedIn('org', { organisation: (await Organisation.findByPk(built.contract.organisationId))! });
    const dashboard = await org.agent.get('/');
    expect(dashboard.text).to.contain('已确认的评价结果');
    expect(dashboard.text).to.contain('待整改事项');
  });
});
