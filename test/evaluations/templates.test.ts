import { expect } from 'chai';
import { EvaluationTemplateIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { templateCreator, templateUpdater } from '../../server/commands/evaluations/evaluationTemplates.js';
import { ValidationError } from '../../server/errors.js';
import { by, buildTemplate, INDICATORS } from '../factories/evaluations.js';
import { buildUser } from '../factories/index.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('evaluations: templates', () => {
  it('keeps weighted indicators that sum to 100, in order', async () => {
    const officer = (await buildUser('officer')).user;
    const template = await buildTemplate(officer);
    const rows = await EvaluationTemplateIndicator.findAll({ where: { templateId: template.id }, order: [['seq', 'ASC']] });
    expect(rows.map((r) => [r.seq, r.weight, r.computedCode])).to.deep.equal([
      [1, 20, 'financial_compliance'],
      [2, 50, null],
      [3, 30, null],
    ]);
  });

  it('refuses weights that do not sum to 100 (99 and 101), a computed indicator twice, and a scored one without its scale', async () => {
    const officer = (await buildUser('officer')).user;
    const form = (indicators: typeof INDICATORS) => ({ name: '模板', districtId: officer.districtId, categoryCode: null, projectId: null, indicators });
    for (const weight of [29, 31]) {
      const e = await errorOf(templateCreator(form([INDICATORS[0], INDICATORS[1], { ...INDICATORS[2], weight }]), by(officer)));
      expect(e).to.be.instanceOf(ValidationError);
      expect((e as ValidationError).fieldErrors.indicators).to.equal('evaluations.validation.weightsSum');
    }
    const twice = await errorOf(templateCreator(form([INDICATORS[0], { ...INDICATORS[0], weight: 80 }]), by(officer)));
    expect((twice as ValidationError).fieldErrors.indicators).to.equal('evaluations.validation.computedTwice');
    const unscaled = await errorOf(templateCreator(form([INDICATORS[0], { ...INDICATORS[1], weight: 80, scale: null }]), by(officer)));
    expect((unscaled as ValidationError).fieldErrors.scale_1).to.equal('evaluations.validation.scaleRequired');
    const none = await errorOf(templateCreator(form([]), by(officer)));
    expect((none as ValidationError).fieldErrors.indicators).to.equal('evaluations.validation.noIndicators');
  });

  it('is written only for a district the officer keeps, and rewritten whole', async () => {
    const officer = (await buildUser('officer')).user;
    const other = (await buildUser('officer', { districtCode: 'NS' })).user;
    const e = await errorOf(
      templateCreator({ name: '模板', districtId: other.districtId, categoryCode: null, projectId: null, indicators: INDICATORS }, by(officer)),
    );
    expect((e as ValidationError).fieldErrors.districtId).to.equal('projects.errors.districtNotYours');
    const template = await buildTemplate(officer);
    await templateUpdater(
      template.id,
      {
        name: '新模板',
        districtId: officer.districtId,
        categoryCode: 'home_visit',
        projectId: null,
        indicators: [{ name: '综合', computedCode: null, weight: 100, scale: '综合评分' }],
      },
      by(officer),
    );
    expect(await EvaluationTemplateIndicator.count({ where: { templateId: template.id } })).to.equal(1);
  });
});
