import { expect } from 'chai';
import { navigationFor } from '../../server/presenters/navigation.js';
import type { Actor } from '../../server/policies/index.js';

const actor = (role: Actor['role']): Actor =>
  ({ id: 1, username: 'u', displayName: 'U', role, districtId: 1, cityLevel: false, agencyId: null, organisationId: 1 }) as Actor;

describe('navigation presenter', () => {
  it('groups a long navigation by what the role does, its own work first, and marks the current page and its group', () => {
    const nav = navigationFor(actor('finance'), '/payments/12');
    expect(nav[0]).to.include({ kind: 'link', href: '/' });
    const groups = nav.filter((e) => e.kind === 'group');
    expect(groups[0]).to.include({ key: 'pay', current: true });
    const payments = groups[0].kind === 'group' ? groups[0].items.find((i) => i.href === '/payments') : undefined;
    expect(payments?.current).to.equal(true);
    expect(nav.filter((e) => e.kind === 'group' && e.key !== 'pay').every((g) => !g.current)).to.equal(true);
  });

  it('gives an organisation its services and money first, "my organisation" not marking the organisations list', () => {
    const nav = navigationFor(actor('org'), '/organisations/mine');
    const keys = nav.filter((e) => e.kind === 'group').map((g) => (g.kind === 'group' ? g.key : ''));
    expect(keys.slice(0, 2)).to.deep.equal(['deliver', 'pay']);
    const all = nav.flatMap((e) => (e.kind === 'group' ? e.items : [e]));
    expect(all.filter((l) => l.current).map((l) => l.href)).to.deep.equal(['/organisations/mine']);
  });

  it('keeps a short navigation as plain links', () => {
    expect(navigationFor(actor('evaluator'), '/').every((e) => e.kind === 'link')).to.equal(true);
  });
});
