import { AccessPolicy } from '../../../core/access/policy';
import { hasRole } from '../../../core/access/roles';

test('roles come from the lists, highest wins, everyone else is a viewer', () => {
  const policy = new AccessPolicy({ admins: ['ADA@contoso.com'], releaseLeads: ['oid-lead', 'ada@contoso.com'], operators: ['oid-op'] });
  expect(policy.roleOf({ upn: 'ada@contoso.com' })).toBe('admin');
  expect(policy.roleOf({ aadObjectId: 'OID-LEAD' })).toBe('release-lead');
  expect(policy.roleOf({ aadObjectId: 'oid-op' })).toBe('operator');
  expect(policy.roleOf({ aadObjectId: 'someone' })).toBe('viewer');
  expect(policy.roleOf({})).toBe('viewer');
});

test('a user listed by object id in one list and by UPN in another gets the higher role', () => {
  const policy = new AccessPolicy({ admins: ['ada@contoso.com'], releaseLeads: [], operators: ['oid-ada'] });
  expect(policy.roleOf({ aadObjectId: 'oid-ada', upn: 'ada@contoso.com' })).toBe('admin');
  expect(policy.roleOf({ aadObjectId: 'oid-ada' })).toBe('operator');
});

test('a check that cannot run denies', () => {
  expect(hasRole(undefined, 'viewer')).toBe(false);
  expect(hasRole('superuser' as never, 'viewer')).toBe(false);
  expect(hasRole('operator', 'operator')).toBe(true);
  expect(hasRole('operator', 'release-lead')).toBe(false);
  expect(hasRole('admin', 'release-lead')).toBe(true);
});
