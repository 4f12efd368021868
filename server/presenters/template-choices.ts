import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { District } from '../../models/index.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { EVALUATION_TEMPLATE_RESOURCE } from '../policies/evaluation.js';

/** Where evaluation templates are kept (the evaluation pages link to it). */
export const TEMPLATES_PATH = '/evaluations/templates';

/** The city level's district id: its templates may be used in every district. */
export const cityDistrictId = async () => (await District.findOne({ where: { kind: 'city' }, attributes: ['id'] }))?.id ?? -1;

/** The templates a form offers for a contract of `districtId`: the district's and the city's, by name, after an empty choice. */
export async function templateOptions(districtId: number, lang: Lang) {
  const templates = await EvaluationTemplate.findAll({
    where: { districtId: [districtId, await cityDistrictId()] },
    attributes: ['id', 'name'],
    order: [['name', 'ASC']],
  });
  const empty = lang.t(templates.length ? 'evaluations.chooseTemplate' : 'evaluations.templates.noneToChoose');
  return [{ value: '', label: empty }, ...templates.map((x) => ({ value: x.id, label: x.name }))];
}

/**
 * What a form offering templates says when there is none to choose: officers keep the templates
 * (theirs or the city's), so it names them and links to the new-template form for one who may.
 */
export function templateGap(actor: Actor, options: readonly unknown[]) {
  if (options.length > 1) return null;
  return { newHref: can(actor, 'create', EVALUATION_TEMPLATE_RESOURCE) ? `${TEMPLATES_PATH}/new` : null };
}
