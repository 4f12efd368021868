import type { Message } from '../i18n/index.js';
import type { Figure } from '../services/figures.js';

/** A figure on a role's start page: what it counts (a locale key), how many, where to see them, and a line more (e.g. their total). */
export type DashboardCard = { labelKey: string; value: number; href?: string; detail?: Message };

/**
 * A card before it is read: the figures it needs and how it shows them. The start page reads
 * every card's figures in one statement (services/figures.ts readFigures, #15), then makes the cards.
 */
export type CardPlan = { figures: Figure[]; card: (values: number[]) => DashboardCard };

/** A card of one counted figure. */
export function countCard(labelKey: string, figure: Figure, href?: string): CardPlan {
  return { figures: [figure], card: ([value]) => (href ? { labelKey, value, href } : { labelKey, value }) };
}

/** The cards of `plans`, their figures read together in one statement. */
export async function cardsOf(plans: readonly CardPlan[], read: (figures: Figure[]) => Promise<number[]>): Promise<DashboardCard[]> {
  const values = await read(plans.flatMap((p) => p.figures));
  let at = 0;
  return plans.map((p) => {
    const mine = values.slice(at, at + p.figures.length);
    at += p.figures.length;
    return p.card(mine);
  });
}
