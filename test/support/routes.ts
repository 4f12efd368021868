import { asksSecondLook } from '../../server/middleware/confirm.js';
import { type RuleDescription, ruleOf } from '../../server/middleware/rules.js';

type Layer = {
  rawPath?: unknown;
  route?: { path: unknown; stack: { handle: unknown; method?: string }[] };
  handle: unknown;
};

export type RouteEntry = { method: string; path: string; rules: RuleDescription[]; secondLook: boolean };

/**
 * Every route of an Express app or router, with the rules its handlers state, found by walking
 * the router's layers and the routers mounted in it.
 */
export function routesOf(appOrRouter: unknown, prefix = ''): RouteEntry[] {
  const router = (appOrRouter as { router?: { stack: Layer[] }; stack?: Layer[] }).router ?? appOrRouter;
  const stack = (router as { stack?: Layer[] }).stack ?? [];
  const out: RouteEntry[] = [];
  for (const layer of stack) {
    const path = typeof layer.rawPath === 'string' ? layer.rawPath : String(layer.rawPath ?? '');
    if (layer.route) {
      const methods = [...new Set(layer.route.stack.map((l) => l.method ?? 'all'))];
      const rules = layer.route.stack.map((l) => ruleOf(l.handle)).filter((r): r is RuleDescription => !!r);
      const secondLook = layer.route.stack.some((l) => asksSecondLook(l.handle));
      for (const method of methods) out.push({ method: method.toUpperCase(), path: prefix + String(layer.route.path), rules, secondLook });
    } else if (Array.isArray((layer.handle as { stack?: unknown }).stack)) {
      out.push(...routesOf(layer.handle, prefix + (path === '/' ? '' : path)));
    }
  }
  return out;
}
