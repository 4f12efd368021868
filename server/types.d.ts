import 'express-session';
import type { Locale, Translate } from './i18n/index.js';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    signedInAt?: number;
    /** List searches kept out of addresses (middleware/held-filters.ts), by their token. */
    heldFilters?: Record<string, { path: string; values: Record<string, string>; at: number }>;
    flash?: { type: 'success' | 'info' | 'warning' | 'danger'; key: string; vars?: Record<string, string | number> }[];
  }
}

declare global {
  namespace Express {
    interface Request {
      id: string;
      locale: Locale;
      t: Translate;
    }
  }
}
