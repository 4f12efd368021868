import type { Sequelize } from 'sequelize';
import { Contract } from '../Contract.js';
import { District } from '../District.js';
import { Evaluation } from '../Evaluation.js';
import { EvaluationSample } from '../EvaluationSample.js';
import { EvaluationScore } from '../EvaluationScore.js';
import { EvaluationTemplate } from '../EvaluationTemplate.js';
import { EvaluationTemplateIndicator } from '../EvaluationTemplateIndicator.js';
import { Organisation } from '../Organisation.js';
import { RectificationItem } from '../RectificationItem.js';
import { User } from '../User.js';

/** Initialises evaluation templates, samples, evaluations, their scores and rectification items. */
export function initEvaluations(sequelize: Sequelize): void {
  for (const m of [EvaluationTemplate, EvaluationTemplateIndicator, EvaluationSample, Evaluation, EvaluationScore, RectificationItem]) m.initModel(sequelize);
  EvaluationTemplate.hasMany(EvaluationTemplateIndicator, { as: 'indicators', foreignKey: 'templateId' });
  EvaluationTemplate.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Evaluation.belongsTo(Contract, { as: 'contract', foreignKey: 'contractId' });
  Evaluation.belongsTo(Organisation, { as: 'organisation', foreignKey: 'organisationId' });
  Evaluation.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Evaluation.belongsTo(EvaluationTemplate, { as: 'template', foreignKey: 'templateId' });
  Evaluation.belongsTo(User, { as: 'evaluator', foreignKey: 'evaluatorId' });
  Evaluation.hasMany(EvaluationScore, { as: 'scores', foreignKey: 'evaluationId' });
  Evaluation.hasMany(RectificationItem, { as: 'rectificationItems', foreignKey: 'evaluationId' });
  RectificationItem.belongsTo(Evaluation, { as: 'evaluation', foreignKey: 'evaluationId' });
}
