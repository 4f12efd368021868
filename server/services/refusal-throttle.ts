/**
 * Keeps the audit trail of refused access bounded. The first refusal of a (who, method, path)
 * within a window is recorded; the ones after it in the same window are folded into the next
 * recorded refusal of that key as `repeated` (and each is still logged). A client hammering a
 * forbidden URL therefore writes one audit event a minute, not one per request.
 *
 * Per process and in memory: several processes each record their own first refusal. The map
 * holds at most `maxKeys` keys; the oldest is dropped first (losing only its folded count).
 */
export class RefusalThrottle {
  private readonly windows = new Map<string, { startedAt: number; folded: number }>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether to record this refusal, and how many refusals of the key were folded since the last recorded one. */
  admit(key: string, at: number): { record: boolean; repeated: number } {
    const open = this.windows.get(key);
    if (open && at - open.startedAt < this.windowMs) {
      open.folded += 1;
      return { record: false, repeated: 0 };
    }
    this.windows.delete(key);
    this.windows.set(key, { startedAt: at, folded: 0 });
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
    return { record: true, repeated: open?.folded ?? 0 };
  }
}
