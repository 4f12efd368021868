import { allow } from './registry.js';

/** Reference data (districts, sub-districts, agencies): staff read it, the administrator keeps it. */
allow(['admin', 'officer', 'finance', 'evaluator', 'inspector'], 'read', 'reference');
allow('admin', 'update', 'reference');
