// Importing a policy file registers its rules; this is the one registry.
import './allowance.js';
import './announcement.js';
import './audit.js';
import './batch.js';
import './briefing.js';
import './catalogue.js';
import './claim.js';
import './child-worker.js';
import './contract.js';
import './dashboard.js';
import './dossier.js';
import './evaluation.js';
import './deliverable.js';
import './finance.js';
import './inspection.js';
import './organisation.js';
import './overview.js';
import './payment.js';
import './project.js';
import './red-flag.js';
import './reference.js';
import './notification.js';
import './training-session.js';
import './user.js';

export type { Actor } from './actor.js';
export { allow, authorize, can, canMap, isDeclared, movesOf } from './registry.js';
export { districtScope, inDistrictScope, organisationScope } from './scopes.js';
