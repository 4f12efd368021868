import { Evaluation, type EvaluationKind, type Grade, gradesAtLeast, PASSING_GRADES } from '../../models/Evaluation.js';
import type { Instalment, MilestoneMinGrade } from '../../models/Instalment.js';
import type { Lang } from '../i18n/index.js';

/** What the instalments of one contract wait for is judged against: its status and its confirmed evaluations, newest first. */
export type InstalmentFacts = { contractStatus: string; confirmed: { id: number; kind: string; grade: string | null }[] };

/** The facts of a contract's instalments (one query). */
export async function instalmentFactsOf(contract: { id: number; status: string }): Promise<InstalmentFacts> {
  const confirmed = await Evaluation.findAll({
    where: { contractId: contract.id, status: 'confirmed' },
    attributes: ['id', 'kind', 'grade'],
    order: [
      ['confirmedAt', 'DESC'],
      ['id', 'DESC'],
    ],
  });
  return { contractStatus: contract.status, confirmed: confirmed.map((e) => ({ id: e.id, kind: e.kind, grade: e.grade ?? null })) };
}

/** "中期评价合格及以上": what a milestone tied to an evaluation asks (#12). */
export function evaluationTieLabel(kind: EvaluationKind, grade: MilestoneMinGrade, lang: Lang): string {
  return lang.t('contracts.tie.label', { kind: lang.t(`evaluations.kind.${kind}`), grade: lang.t(`evaluations.grade.${grade}`) });
}

/** The milestone's tie as the contract page shows it beside the milestone ('' for a hand-marked one). */
export function milestoneTieOf(i: Instalment, lang: Lang): string {
  if (i.milestoneKind === 'evaluation' && i.milestoneEvaluationKind && i.milestoneMinGrade)
    return evaluationTieLabel(i.milestoneEvaluationKind as EvaluationKind, i.milestoneMinGrade, lang);
  if (i.milestoneKind === 'deliverables') return lang.t('payments.waits.deliverables', { through: i.milestoneThrough ?? '' });
  if (i.milestoneKind === 'targets') return lang.t('payments.waits.targets', { share: (i.milestoneShareBp ?? 0) / 100 });
  return '';
}

/** What the latest confirmed evaluation of `kind` was, or that there is none yet. */
function latestOf(kind: EvaluationKind, facts: InstalmentFacts, lang: Lang): string {
  const latest = facts.confirmed.find((e) => e.kind === kind);
  return latest?.grade
    ? lang.t('payments.waits.latest', { kind: lang.t(`evaluations.kind.${kind}`), grade: lang.t(`evaluations.grade.${latest.grade}`), id: latest.id })
    : lang.t('payments.waits.noneYet', { kind: lang.t(`evaluations.kind.${kind}`) });
}

/**
 * Why an open instalment's payment cannot be requested yet, in the reader's language ('' when
 * nothing is missing, or the instalment is past asking): the contract not active, the milestone
 * not marked or its deliverables, targets or evaluation not there yet, the final evaluation of at
 * least 合格 the last instalment waits for (#12: a missing button always says why).
 */
export function instalmentWaitsFor(i: Instalment, facts: InstalmentFacts, lang: Lang): string {
  if (!['scheduled', 'due'].includes(i.status)) return '';
  if (facts.contractStatus !== 'active') return lang.t('payments.waits.contractNotActive', { status: lang.t(`contracts.status.${facts.contractStatus}`) });
  const missing: string[] = [];
  if (i.status === 'scheduled') {
    if (i.milestoneKind === 'evaluation' && i.milestoneEvaluationKind && i.milestoneMinGrade) {
      const kind = i.milestoneEvaluationKind as EvaluationKind;
      const reaching = gradesAtLeast(i.milestoneMinGrade);
      if (!facts.confirmed.some((e) => e.kind === i.milestoneEvaluationKind && reaching.includes(e.grade as Grade)))
        missing.push(`${lang.t('payments.waits.evaluation', { tie: evaluationTieLabel(kind, i.milestoneMinGrade, lang) })}${latestOf(kind, facts, lang)}`);
    } else if (i.milestoneKind === 'manual') missing.push(lang.t('payments.waits.manual'));
    else missing.push(milestoneTieOf(i, lang));
  }
  if (i.requiresFinalEvaluation && !facts.confirmed.some((e) => e.kind === 'final' && PASSING_GRADES.includes(e.grade as Grade)))
    missing.push(`${lang.t('payments.waits.finalEvaluation')}${latestOf('final', facts, lang)}`);
  return missing.join(lang.t('payments.waits.and'));
}
