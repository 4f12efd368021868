import 'express-session';
import type { Locale, Translate } from './i18n/index.js';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    signedInAt?: number;
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
