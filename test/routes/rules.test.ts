import { expect } from 'chai';
import { Router } from 'express';
import { isDeclared } from '../../server/policies/index.js';
import { publicRoute, rule } from '../../server/middleware/rules.js';
import { testApp } from '../support/hooks.js';
import { routesOf } from '../support/routes.js';

describe('every route states who may call it', () => {
  it('finds a rule on every route of the application', () => {
    const routes = routesOf(testApp());
    expect(routes.length, 'the walker sees the routes').to.be.greaterThan(5);
    const missing = routes.filter((r) => r.rules.length === 0).map((r) => `${r.method} ${r.path}`);
    expect(missing, 'routes without a rule').to.deep.equal([]);
  });

  it('names only policy rules that the registry declares', () => {
    const undeclared = routesOf(testApp())
      .flatMap((r) => r.rules.map((rule) => ({ route: `${r.method} ${r.path}`, rule })))
      .filter(({ rule }) => rule.kind === 'policy' && !isDeclared(rule.action, rule.resource))
      .map(({ route, rule }) => `${route}: ${rule.kind === 'policy' ? `${rule.resource}:${rule.action}` : ''}`);
    expect(undeclared).to.deep.equal([]);
  });

  it('fails on a route without a rule, also inside a mounted router', () => {
    const inner = Router();
    inner.get('/ruled', rule('list', 'user'), (_req, res) => res.send('ok'));
    inner.post('/forgotten', (_req, res) => res.send('oops'));
    const outer = Router();
    outer.get('/open', publicRoute, (_req, res) => res.send('ok'));
    outer.use('/area', inner);
    const missing = routesOf(outer)
      .filter((r) => r.rules.length === 0)
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).to.deep.equal(['POST /area/forgotten']);
  });
});
