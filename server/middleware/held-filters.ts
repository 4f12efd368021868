import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { now as clockNow } from '../clock.js';
import { BadRequestError } from '../errors.js';
import { looksLikePersonalNumber } from '../services/identifiers.js';
import { HELD, HELD_TOKEN, hrefWith } from '../services/listing.js';

/**
 * A phone or ID number typed into a list's search must not stay in the page's address (#13): an
 * address is kept in the browser's history, the server's and proxies' access logs and the Referer
 * of the next request. Every list's filter form is therefore sent by POST (views/partials/
 * list-filters.ejs) to one route that answers with a redirect to the list's ordinary GET address,
 * where a value that looks like a personal number (seven digits or more in a row) is replaced by
 * `held=<token>`: an opaque, random token whose values stay in the user's own session (stored in
 * the database, so any app process reads it) for 30 minutes after their last use. Pagination,
 * sort and export links carry the token (services/listing.ts `hrefWith` leaves the held values
 * out), so they keep filtering; another user, or the same one after it lapsed, gets no values
 * from it, and the list says that the search lapsed.
 */

const HELD_MS = 30 * 60_000;
/** Held searches kept per session: the oldest goes first. */
const MAX_HELD = 20;
const FIELD = /^[A-Za-z]{1,40}$/;

type Held = { path: string; values: Record<string, string>; at: number };

/** The list paths whose filter forms post here: each list route declares itself through `listQuery`. */
const LIST_PATHS = new Set<string>();

function heldOf(req: Request): Record<string, Held> {
  req.session.heldFilters ??= {};
  return req.session.heldFilters;
}

/** Keeps `values` for the list at `path` in the user's session; returns their token. */
export function holdFilters(req: Request, path: string, values: Record<string, string>, now = clockNow().getTime()): string {
  const held = heldOf(req);
  for (const [token, h] of Object.entries(held)) if (now - h.at > HELD_MS) delete held[token];
  const tokens = Object.keys(held).sort((a, b) => held[a].at - held[b].at);
  while (tokens.length >= MAX_HELD) delete held[tokens.shift() as string];
  const token = randomBytes(16).toString('base64url');
  held[token] = { path, values, at: now };
  return token;
}

/** The values held behind `token` for this list, refreshed; null when unknown, lapsed or of another list. */
function heldValues(req: Request, token: unknown, path: string, now = clockNow().getTime()): Record<string, string> | null {
  if (typeof token !== 'string' || !HELD_TOKEN.test(token)) return null;
  const held = heldOf(req);
  const h = held[token];
  if (!h || h.path !== path || now - h.at > HELD_MS) return null;
  h.at = now;
  return h.values;
}

/** Splits filter values into those an address may carry and those it must not. */
function split(values: Record<string, string>): { open: Record<string, string>; personal: Record<string, string> } {
  const open: Record<string, string> = {};
  const personal: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) (looksLikePersonalNumber(v) ? personal : open)[k] = v;
  return { open, personal };
}

/** The address of a list filtered by `values`, a personal-looking search held behind a token. */
function addressOf(req: Request, path: string, values: Record<string, string>): string {
  const { open, personal } = split(values);
  const held = Object.keys(personal).length ? holdFilters(req, path, personal) : undefined;
  return hrefWith(path, { ...open, held }, {});
}

/**
 * Validates a list page's query (as `validateQuery`), with the values held behind its `held`
 * token put back and marked (`HELD`) so no link writes them out. A personal-looking value typed
 * straight into the address (a bookmark, an old link) is moved behind a token by a redirect
 * before the page is shown. Declares `path` as a list whose filter form may post to `/lists/filter`.
 */
export function listQuery<S extends z.ZodType>(schema: S, path: string): RequestHandler {
  LIST_PATHS.add(path);
  return (req: Request, res: Response, next: NextFunction) => {
    const raw: Record<string, unknown> = { ...req.query };
    const exposed = Object.entries(raw).filter(([k, v]) => k !== 'held' && typeof v === 'string' && looksLikePersonalNumber(v));
    if (exposed.length) {
      const kept = heldValues(req, raw.held, path) ?? {};
      const rest = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k !== 'held' && typeof v === 'string' && !exposed.some(([e]) => e === k)));
      const token = holdFilters(req, path, { ...kept, ...(Object.fromEntries(exposed) as Record<string, string>) });
      return res.redirect(303, hrefWith(path, { ...rest, held: token }, {}));
    }
    let heldKeys: string[] = [];
    if (raw.held !== undefined) {
      const values = heldValues(req, raw.held, path);
      if (values) {
        Object.assign(raw, values);
        heldKeys = Object.keys(values);
      } else {
        // A lapsed search shows the list saying so; an export of it would take everything instead.
        delete raw.held;
        delete raw.format;
        res.locals.heldLapsed = true;
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return next(new BadRequestError());
    if (heldKeys.length) (parsed.data as Record<symbol, unknown>)[HELD] = heldKeys;
    res.locals.query = parsed.data;
    next();
  };
}

/**
 * The filter form's POST: its fields (scalars, named as a list's filters) become the list's GET
 * address, a personal-looking one held behind a token; 303 to it. Anything else is a 400.
 */
export function filterPost(req: Request, res: Response): void {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const path = body._list;
  if (typeof path !== 'string' || !LIST_PATHS.has(path)) throw new BadRequestError();
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith('_') || k === 'held') continue;
    if (!FIELD.test(k) || typeof v !== 'string' || v.length > 200) throw new BadRequestError();
    if (v.trim() !== '') values[k] = v.trim();
  }
  res.redirect(303, addressOf(req, path, values));
}
