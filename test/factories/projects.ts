import { Award } from '../../models/Award.js';
import { Agency, type Organisation, type User } from '../../models/index.js';
import { type ProcurementMethod, Project, type ProjectStatus } from '../../models/Project.js';
import { ocidOf } from '../../server/services/ocds/identifiers.js';
import { ProjectItem } from '../../models/ProjectItem.js';
import { buildCatalogueItem } from './catalogue.js';
import { buildOrganisation, buildUser, district, unique } from './index.js';

/** The statuses after which a project has a standing award. */
const AWARDED: readonly ProjectStatus[] = ['awarded', 'contracted', 'closed'];
/** The statuses after which a project has items (it has started procurement). */
const TENDERED: readonly ProjectStatus[] = ['tendering', ...AWARDED];

let lastProjectYear = 2200;
/**
 * A year of its own for each project built, beyond the years the catalogue tests take
 * (`freshYear`, 2000–2100), so the published items a project brings never show in their catalogues.
 */
export function projectYear(): number {
  lastProjectYear += 1;
  return lastProjectYear;
}

export type BuiltProject = { project: Project; award: Award | null; organisation: Organisation | null; creator: User };

/**
 * A project written straight to the tables in `status` (default `planning`), with what that status
 * implies: from `tendering` on, one published catalogue item of its year and district; from
 * `awarded` on, a standing award to `organisation` (built in the same district when not given) for
 * `awardFen` (default the whole budget). For tests that need a project in a given state without
 * going through the pages (contracts, allocations, payments).
 */
export async function buildProject(
  attrs: {
    districtCode?: string;
    status?: ProjectStatus;
    organisation?: Organisation;
    creator?: User;
    year?: number;
    budgetFen?: number;
    awardFen?: number;
    title?: string;
    method?: ProcurementMethod;
  } = {},
): Promise<BuiltProject> {
  const districtCode = attrs.districtCode ?? 'FT';
  const d = await district(districtCode);
  const creator = attrs.creator ?? (await buildUser('officer', { districtCode })).user;
  const agency = await Agency.findOne({ where: { districtId: d.id, kind: 'civil_affairs' } });
  if (!agency) throw new Error(`No civil-affairs agency in ${districtCode}: reference data missing`);
  const status = attrs.status ?? 'planning';
  const year = attrs.year ?? projectYear();
  const budgetFen = attrs.budgetFen ?? 30_000_000;
  const project = await Project.create({
    year,
    districtId: d.id,
    agencyId: agency.id,
    title: attrs.title ?? `困境儿童关爱服务项目${unique()}`,
    targetGroup: '辖区困境儿童约 300 名',
    budgetFen,
    procurementMethod: attrs.method ?? 'open',
    status,
    createdBy: creator.id,
  });
  await project.update({ ocid: ocidOf(project.id) });
  if (TENDERED.includes(status)) {
    const item = await buildCatalogueItem(creator, { districtCode, year, status: 'published', priceFen: 15_000 });
    await ProjectItem.create({ projectId: project.id, catalogueItemId: item.id, quantity: 100, unitPriceFen: item.referenceUnitPriceFen });
  }
  let award: Award | null = null;
  let organisation: Organisation | null = attrs.organisation ?? null;
  if (AWARDED.includes(status)) {
    organisation ??= await buildOrganisation({ districtCode });
    award = await Award.create({
      projectId: project.id,
      activeProjectId: project.id,
      organisationId: organisation.id,
      organisationDistrictId: organisation.districtId,
      amountFen: attrs.awardFen ?? budgetFen,
      reasons: '综合评分第一',
      awardedBy: creator.id,
      awardedAt: new Date(),
    });
  }
  return { project, award, organisation, creator };
}
