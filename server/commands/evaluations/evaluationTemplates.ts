import type { Transaction } from 'sequelize';
import { EvaluationTemplate } from '../../../models/EvaluationTemplate.js';
import { EvaluationTemplateIndicator } from '../../../models/EvaluationTemplateIndicator.js';
import { District, ServiceCategory } from '../../../models/index.js';
import { Project } from '../../../models/Project.js';
import { withTransaction, rowLock } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { EVALUATION_TEMPLATE_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import type { TemplateForm } from '../../schemas/evaluations.js';
import { recordAudit } from '../../services/audit.js';
import type { Versioned } from '../../schemas/common.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';

/**
 * The rules a template keeps whatever the form said: at least one indicator, weights summing to
 * exactly 100 (the total is then out of 100), a computed indicator at most once, a scored one
 * with its scale described, a district the officer keeps, and a category or project that exists.
 */
async function checkTemplate(form: TemplateForm, by: By): Promise<void> {
  if (form.indicators.length === 0) throw new ValidationError({ indicators: 'evaluations.validation.noIndicators' });
  const sum = form.indicators.reduce((s, i) => s + i.weight, 0);
  if (sum !== 100) throw new ValidationError({ indicators: 'evaluations.validation.weightsSum' });
  const codes = form.indicators.map((i) => i.computedCode).filter(Boolean);
  if (new Set(codes).size !== codes.length) throw new ValidationError({ indicators: 'evaluations.validation.computedTwice' });
  const unscaled = form.indicators.findIndex((i) => !i.computedCode && !i.scale);
  if (unscaled >= 0) throw new ValidationError({ [`scale_${unscaled}`]: 'evaluations.validation.scaleRequired' });
  const district = await District.findByPk(form.districtId);
  if (!district || !can(by.actor, 'update', EVALUATION_TEMPLATE_RESOURCE, { districtId: district.id }))
    throw new ValidationError({ districtId: 'projects.errors.districtNotYours' });
  if (form.categoryCode && !(await ServiceCategory.findByPk(form.categoryCode))) throw new ValidationError({ categoryCode: 'validation.invalid_value' });
  if (form.projectId) {
    const project = await Project.findByPk(form.projectId, { attributes: ['id', 'districtId'] });
    if (!project || project.districtId !== form.districtId) throw new ValidationError({ projectId: 'evaluations.validation.projectOfDistrict' });
  }
}

/** Writes the template's indicators afresh and the audit event of the change (`action`). */
async function writeIndicators(
  template: EvaluationTemplate,
  form: TemplateForm,
  by: By,
  transaction: Transaction,
  action: 'evaluation_template.create' | 'evaluation_template.update',
) {
  await EvaluationTemplateIndicator.destroy({ where: { templateId: template.id }, transaction });
  await EvaluationTemplateIndicator.bulkCreate(
    form.indicators.map((i, seq) => ({ templateId: template.id, seq: seq + 1, name: i.name, computedCode: i.computedCode, weight: i.weight, scale: i.scale })),
    { transaction },
  );
  await recordAudit({
    actor: auditActorOf(by.actor),
    action,
    recordType: 'evaluation_template',
    recordId: template.id,
    districtId: template.districtId,
    detail: { name: template.name, indicators: form.indicators },
    context: by.context,
  });
}

/** An officer writes a new template (evaluations already scheduled keep their own copy of the indicators). */
export async function templateCreator(form: TemplateForm, by: By): Promise<EvaluationTemplate> {
  await checkTemplate(form, by);
  return withTransaction(async (transaction) => {
    const template = await EvaluationTemplate.create(
      { districtId: form.districtId, name: form.name, categoryCode: form.categoryCode, projectId: form.projectId, createdBy: by.actor.id },
      { transaction },
    );
    await writeIndicators(template, form, by, transaction, 'evaluation_template.create');
    return template;
  });
}

/**
 * An officer rewrites a template of their district: its facts and all its indicators; from a form
 * opened before another save of the template: refused as stale (409, kernel `checkVersion`).
 */
export async function templateUpdater(id: number, form: Versioned<TemplateForm>, by: By): Promise<EvaluationTemplate> {
  await checkTemplate(form, by);
  return withTransaction(async (transaction) => {
    const template = await EvaluationTemplate.findByPk(id, { transaction, lock: rowLock() });
    if (!template || !can(by.actor, 'update', EVALUATION_TEMPLATE_RESOURCE, template)) throw new NotFoundError();
    const bump = checkVersion(template, form._version);
    await template.update(
      { districtId: form.districtId, name: form.name, categoryCode: form.categoryCode, projectId: form.projectId, ...bump },
      { transaction },
    );
    await writeIndicators(template, form, by, transaction, 'evaluation_template.update');
    return template;
  });
}
