import { Contract } from '../../models/Contract.js';
import type { Consequence, Evaluation, EvaluationKind, EvaluationStatus } from '../../models/Evaluation.js';
import { EvaluationScore } from '../../models/EvaluationScore.js';
import type { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import type { User } from '../../models/index.js';
import { evaluationAssigner } from '../../server/commands/evaluations/evaluationAssigner.js';
import { evaluationConfirmer } from '../../server/commands/evaluations/evaluationConfirmer.js';
import { evaluationScheduler } from '../../server/commands/evaluations/evaluationScheduler.js';
import { scoreSaver } from '../../server/commands/evaluations/scoreSaver.js';
import { templateCreator } from '../../server/commands/evaluations/evaluationTemplates.js';
import type { IndicatorInput } from '../../server/schemas/evaluations.js';
import { actorOf } from './finance.js';
import { buildUser, unique } from './index.js';
import { buildPaymentContract, type PaymentContract } from './payments.js';

export const by = (user: User, cityLevel = false) => ({ actor: actorOf(user, cityLevel) });

/** Financial compliance (computed, 20) and two scored indicators (50 + 30). */
export const INDICATORS: IndicatorInput[] = [
  { name: '资金使用合规', computedCode: 'financial_compliance', weight: 20, scale: null },
  { name: '服务质量', computedCode: null, weight: 50, scale: '90–100 优；80–89 良；60–79 合格；60 以下 差' },
  { name: '服务对象满意度', computedCode: null, weight: 30, scale: '按满意度调查结果折算' },
];

/** A template of the officer's district (the indicators above unless told). */
export async function buildTemplate(officer: User, indicators: IndicatorInput[] = INDICATORS): Promise<EvaluationTemplate> {
  return templateCreator({ name: unique('评价模板'), districtId: officer.districtId, categoryCode: null, projectId: null, indicators }, by(officer));
}

export type BuiltEvaluation = { evaluation: Evaluation; built: PaymentContract; template: EvaluationTemplate; evaluator: User };

/**
 * An evaluation of a fresh active contract (福田, term 2026, the last instalment waiting for a final
 * evaluation) taken to `status` through the real commands: scheduled with an evaluator assigned,
 * `in_progress` (saved once), `submitted` with the scored indicators at `scores` (hundredths, by
 * order; default 85.00 each) or `confirmed` with `consequence` (default none; for 不合格 a rectification).
 */
export async function buildEvaluation(
  attrs: {
    status?: EvaluationStatus;
    kind?: EvaluationKind;
    scores?: number[];
    consequence?: Consequence;
    built?: PaymentContract;
    template?: EvaluationTemplate;
    evaluator?: User;
  } = {},
): Promise<BuiltEvaluation> {
  const built = attrs.built ?? (await buildPaymentContract({ lastNeedsEvaluation: true, instalmentStatus: 'scheduled' }));
  const template = attrs.template ?? (await buildTemplate(built.officer));
  const evaluator = attrs.evaluator ?? (await buildUser('evaluator')).user;
  let evaluation = await evaluationScheduler(
    built.contract.id,
    { kind: attrs.kind ?? 'final', templateId: template.id, periodStart: '2026-01-01', periodEnd: '2026-12-31', dueOn: '2026-12-31' },
    by(built.officer),
  );
  evaluation = await evaluationAssigner(evaluation.id, evaluator.id, by(built.officer));
  const status = attrs.status ?? 'scheduled';
  if (status === 'scheduled') return { evaluation, built, template, evaluator };
  const scored = await EvaluationScore.findAll({ where: { evaluationId: evaluation.id, computedCode: null }, order: [['seq', 'ASC']] });
  const input = Object.fromEntries(scored.map((s, i) => [s.seq, { score: attrs.scores?.[i] ?? 8500, comment: `评语${s.seq}` }]));
  evaluation = await scoreSaver(evaluation.id, input, status !== 'in_progress', by(evaluator));
  if (status === 'confirmed') {
    // 不合格 always has a consequence (#12): a rectification unless told.
    const consequence = attrs.consequence ?? (evaluation.grade === 'fail' ? 'rectification' : 'none');
    evaluation = await evaluationConfirmer(
      evaluation.id,
      {
        consequence,
        note: null,
        rectificationDeadline: consequence === 'rectification' ? '2099-12-31' : null,
        items: consequence === 'rectification' ? ['完善服务台账', '补充督导记录'] : [],
      },
      by(built.officer),
    );
  }
  return { evaluation, built, template, evaluator };
}

/**
 * A contract written straight to the table for sampling tests: active (unless told), in `districtCode`,
 * with the given term; the project and award of an existing contract are reused (they play no part).
 */
export async function buildSampleContract(base: Contract, attrs: { termStart: string; termEnd: string; status?: Contract['status'] }): Promise<Contract> {
  return Contract.create({
    number: unique('SZHT-S-'),
    projectId: base.projectId,
    awardId: base.awardId,
    organisationId: base.organisationId,
    districtId: base.districtId,
    year: Number(attrs.termStart.slice(0, 4)),
    status: attrs.status ?? 'active',
    valueFen: 1_000_000,
    termStart: attrs.termStart,
    termEnd: attrs.termEnd,
    createdBy: base.createdBy,
  });
}
