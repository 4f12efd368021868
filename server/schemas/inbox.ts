import { z } from 'zod';

/** The to-do list's query: one kind on its own (its key, as the page's filter offers them), and the page of it. */
export const inboxQuery = z.strictObject({
  kind: z
    .string()
    .regex(/^[a-zA-Z]{1,40}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type InboxQuery = z.infer<typeof inboxQuery>;
