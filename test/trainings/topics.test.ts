import { expect } from 'chai';
import { TrainingTopic } from '../../models/TrainingTopic.js';
import { AuditEvent } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { buildUser, unique } from '../factories/index.js';
import { fieldError, loginAs, postForm } from '../support/agent.js';

async function signedIn(role: Role, districtCode?: string) {
  const { user, password } = await buildUser(role, { districtCode });
  return { agent: await loginAs(user, password), user };
}

describe('training topics (#21)', () => {
  it('the administrator adds a topic after the policy’s six; sessions can then choose it; a taken name is refused beside its field', async () => {
    const { agent } = await signedIn('admin', 'SZ');
    const page = await agent.get('/reference/training-topics');
    expect(page.status).to.equal(200);
    for (const n of ['家庭走访', '信息更新', '强制报告', '政策衔接', '家庭监护主体责任', '家庭教育']) expect(page.text).to.contain(n);
    const name = unique('心理急救');
    const ok = await postForm(agent, '/reference/training-topics', { name, nameEn: `Psychological first aid ${name}` });
    expect(ok.status).to.equal(302);
    const topic = await TrainingTopic.findOne({ where: { name } });
    expect(topic!.code).to.match(/^topic_\d+$/);
    expect(await AuditEvent.count({ where: { action: 'reference.training_topic_create', recordId: topic!.code } })).to.equal(1);
    const taken = await postForm(agent, '/reference/training-topics', { name, nameEn: 'Another' });
    expect(taken.status).to.equal(422);
    expect(fieldError(taken.text, 'name')).to.contain('已有同名');
    expect(taken.text).to.contain('value="Another"');

    const { agent: officer } = await signedIn('officer', 'FT');
    expect((await officer.get('/trainings/new')).text).to.contain(`value="${topic!.code}"`);
    expect((await postForm(officer, '/reference/training-topics', { name: unique('x'), nameEn: unique('y') })).status).to.equal(403);
  });

  it('the administrator renames a topic (sessions keep it) and retires an added one: new sessions no longer offer it; the policy’s six are never retired', async () => {
    const { agent } = await signedIn('admin', 'SZ');
    const name = unique('心理急救');
    await postForm(agent, '/reference/training-topics', { name, nameEn: `First aid ${name}` });
    const topic = (await TrainingTopic.findOne({ where: { name } }))!;
    const renamed = unique('心理危机干预');
    const ok = await postForm(
      agent,
      `/reference/training-topics/${topic.code}/rename`,
      { name: renamed, nameEn: `Crisis ${renamed}` },
      '/reference/training-topics',
    );
    expect(ok.status).to.equal(302);
    expect((await topic.reload()).name).to.equal(renamed);
    const taken = await postForm(
      agent,
      `/reference/training-topics/${topic.code}/rename`,
      { name: '强制报告', nameEn: 'Other name' },
      '/reference/training-topics',
    );
    expect(taken.status).to.equal(422);
    expect(taken.text).to.contain('data-testid="rename-error"').and.contain('value="Other name"');

    expect((await postForm(agent, `/reference/training-topics/${topic.code}/retire`, {}, '/reference/training-topics')).status).to.equal(302);
    expect((await topic.reload()).retiredAt).to.not.equal(null);
    expect((await postForm(agent, `/reference/training-topics/${topic.code}/retire`, {}, '/reference/training-topics')).status).to.equal(409);
    const { agent: officer } = await signedIn('officer', 'FT');
    expect((await officer.get('/trainings/new')).text).to.not.contain(`value="${topic.code}"`);
    expect((await officer.get('/trainings')).text).to.contain(renamed);
    expect((await postForm(officer, `/reference/training-topics/${topic.code}/restore`, {}, '/reference/training-topics')).status).to.equal(403);
    expect((await postForm(agent, `/reference/training-topics/${topic.code}/restore`, {}, '/reference/training-topics')).status).to.equal(302);
    expect((await officer.get('/trainings/new')).text).to.contain(`value="${topic.code}"`);

    const policy = await postForm(agent, '/reference/training-topics/mandatory_reporting/retire', {}, '/reference/training-topics');
    expect(policy.status).to.equal(409);
    expect((await TrainingTopic.findByPk('mandatory_reporting'))!.retiredAt).to.equal(null);
    const actions = (await AuditEvent.findAll({ where: { recordType: 'training_topic', recordId: topic.code }, order: [['seq', 'ASC']] })).map((e) => e.action);
    expect(actions).to.deep.equal([
      'reference.training_topic_create',
      'reference.training_topic_rename',
      'reference.training_topic_retire',
      'reference.training_topic_restore',
    ]);
  });
});
