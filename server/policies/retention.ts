import type { Contract } from '../../models/Contract.js';
import type { Actor } from './actor.js';
import { allow } from './registry.js';

/**
 * Retention of personal data (#20, PIPL art. 21). The administrator keeps the periods (reference
 * data of the city, like the reminder settings), sees what is due for deletion, held and done in
 * every district, and places or lifts a legal hold on a contract (an audit, a dispute). The
 * organisation, processor entrusted by the bureau, downloads the personal data of its own contract
 * (the "return" of art. 21); the contract is loaded through `contractScope` first, so another
 * organisation's contract answers 404.
 */
export const RETENTION_RESOURCE = 'retention';
export const PERSONAL_DATA_RESOURCE = 'contract_personal_data';

allow('admin', ['read', 'update', 'hold', 'release'], RETENTION_RESOURCE);
allow('org', 'download', PERSONAL_DATA_RESOURCE, (actor: Actor, contract: Contract) => contract.organisationId === actor.organisationId);
