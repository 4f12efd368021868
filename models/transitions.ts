/**
 * A record's state machine, declared once per model as a table of named moves: the states a move
 * may start from and the state it leads to (null: an edit that keeps the state). The policy
 * registry (`movesOf`), the commands (`checkTransition` in commands/kernel.ts), the presenters and
 * the tests all read the same table.
 */
export type TransitionTable<S extends string = string> = Readonly<Record<string, { readonly from: readonly S[]; readonly to: S | null }>>;

/** Whether `transition` of `table` may start from `status`. */
export function canMove<T extends TransitionTable>(table: T, status: string, transition: keyof T & string): boolean {
  return (table[transition].from as readonly string[]).includes(status);
}
