import { allow } from './registry.js';

/** The audit trail: the administrator, and inspectors (read-only, their own district or the city). */
allow(['admin', 'inspector'], ['list', 'export', 'verify'], 'audit');
