import { allow } from './registry.js';

/** Every signed-in role has a dashboard of its own. */
allow('any', 'view', 'dashboard');
