import { z } from 'zod';

/** The notifications page: unread ones (default) or all, and the page. */
export const notificationsQuery = z.strictObject({
  show: z.enum(['unread', 'all']).default('unread'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type NotificationsQuery = z.infer<typeof notificationsQuery>;
