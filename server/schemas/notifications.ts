import { z } from 'zod';

/** The notifications page: unread ones (default) or all, and the page. */
export const notificationsQuery = z.strictObject({
  show: z.enum(['unread', 'all']).default('unread'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type NotificationsQuery = z.infer<typeof notificationsQuery>;

/** The administrator's delivery log: a delivery result, a recipient's username, the page. */
export const deliveryLogQuery = z.strictObject({
  status: z
    .enum(['pending', 'sending', 'delivered', 'failed', 'gave_up'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  username: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type DeliveryLogQuery = z.infer<typeof deliveryLogQuery>;
