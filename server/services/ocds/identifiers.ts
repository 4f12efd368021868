import { DEFAULT_OCDS_PREFIX } from '../../config.js';

/**
 * The identifiers of OCDS publication (#19). The ocid prefix comes from the configuration
 * (`OCDS_PREFIX`, registered form `ocds-` and six characters), set once at start by `createApp`.
 */
let prefix = DEFAULT_OCDS_PREFIX;

/** Sets the ocid prefix of new projects (from `Config.ocdsPrefix`, already checked for its form). */
export function configureOcdsPrefix(value: string): void {
  prefix = value;
}

/** The ocid prefix new projects get. */
export function ocdsPrefix(): string {
  return prefix;
}

/** The OCDS contracting-process identifier of project `projectId`: the prefix, a dash, its id. */
export function ocidOf(projectId: number): string {
  return `${prefix}-${projectId}`;
}

/** The scheme of the unified social credit code (统一社会信用代码) in org-id.guide. */
export const USCC_SCHEME = 'CN-USCC';

/** A social organisation's party id: its scheme and USCC (the organisation identifier guidance). */
export function organisationPartyId(uscc: string): string {
  return `${USCC_SCHEME}-${uscc}`;
}

/** A purchasing body's party id: the bureaus carry no code here yet, so the installation's own. */
export function agencyPartyId(agencyId: number): string {
  return `${prefix}-agency-${agencyId}`;
}
