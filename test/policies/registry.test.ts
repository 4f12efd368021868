import { expect } from 'chai';
import { allow, authorize, can, districtScope, inDistrictScope, organisationScope } from '../../server/policies/index.js';
import type { Actor } from '../../server/policies/index.js';
import { ForbiddenError } from '../../server/errors.js';

function actor(attrs: Partial<Actor>): Actor {
  return {
    id: 1,
    username: 'u',
    displayName: 'U',
    role: 'officer',
    districtId: 2,
    cityLevel: false,
    agencyId: null,
    organisationId: null,
    mustChangePassword: false,
    ...attrs,
  };
}

describe('policy registry', () => {
  allow(['officer'], 'inspect', 'test-widget', (a: Actor, w: { districtId: number }) => w.districtId === a.districtId);

  it('allows by role, then by the condition on the record', () => {
    const officer = actor({ role: 'officer', districtId: 2 });
    expect(can(officer, 'inspect', 'test-widget')).to.equal(true);
    expect(can(officer, 'inspect', 'test-widget', { districtId: 2 })).to.equal(true);
    expect(can(officer, 'inspect', 'test-widget', { districtId: 3 })).to.equal(false);
    expect(can(actor({ role: 'finance' }), 'inspect', 'test-widget')).to.equal(false);
  });

  it('denies what no rule names, and nobody who is not signed in', () => {
    expect(can(actor({ role: 'admin' }), 'delete-everything', 'test-widget')).to.equal(false);
    expect(can(undefined, 'inspect', 'test-widget')).to.equal(false);
    expect(() => authorize(actor({ role: 'org' }), 'inspect', 'test-widget')).to.throw(ForbiddenError);
  });

  it('lets an admin manage other users but never disable themselves', () => {
    const admin = actor({ role: 'admin', id: 7 });
    expect(can(admin, 'disable', 'user', { id: 8 })).to.equal(true);
    expect(can(admin, 'disable', 'user', { id: 7 })).to.equal(false);
    expect(can(actor({ role: 'officer' }), 'list', 'user')).to.equal(false);
  });
});

describe('query scopes', () => {
  it('district staff see their district, city-level staff and admins everything', () => {
    expect(districtScope(actor({ districtId: 4 }))).to.deep.equal({ districtId: 4 });
    expect(districtScope(actor({ cityLevel: true }))).to.deep.equal({});
    expect(districtScope(actor({ role: 'admin' }))).to.deep.equal({});
    expect(inDistrictScope(actor({ districtId: 4 }), 5)).to.equal(false);
    expect(inDistrictScope(actor({ cityLevel: true }), 5)).to.equal(true);
  });

  it('an organisation user sees only their organisation, from the session', () => {
    expect(organisationScope(actor({ role: 'org', organisationId: 9 }))).to.deep.equal({ organisationId: 9 });
    // An organisation user without an organisation sees nothing rather than everything.
    expect(organisationScope(actor({ role: 'org', organisationId: null }))).to.deep.equal({ organisationId: -1 });
    expect(organisationScope(actor({ role: 'officer' }))).to.deep.equal({});
  });
});
