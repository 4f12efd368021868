import type { Contract } from '../../models/Contract.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';
import { inDistrictScope } from './scopes.js';

/**
 * The contract dossier (合同档案包, #20): the whole record of one contract in one download, for
 * auditors (审计局, 财政监督) and inspectors. Officers and inspectors of the contract's district
 * (city level: any district) and the administrator may download it; finance, evaluators and
 * organisations may not (an organisation gets its own personal data back through the retention
 * page, never the bureau's file). The contract is loaded through `contractScope` first, so a
 * contract outside the actor's scope answers 404 before this rule is asked.
 */
export const DOSSIER_RESOURCE = 'contract_dossier';

allow(['officer', 'inspector', 'admin'], 'download', DOSSIER_RESOURCE, (actor: Actor, contract: Contract) => inDistrictScope(actor, contract.districtId));
