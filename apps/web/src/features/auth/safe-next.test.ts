import { describe, expect, it } from 'vitest';
import { safeNext, signInPath } from './safe-next';

describe('the page to return to after signing in', () => {
  it.each([
    ['/units/12?asOf=2024-01-01', '/units/12?asOf=2024-01-01'],
    ['/users', '/users'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/%09/evil.example', '/'],
    ['/%5cevil.example', '/'],
    ['/\t/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['units', '/'],
    ['/sign-in?next=/users', '/'],
    [null, '/'],
  ])('%s → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it('comes back to the page and its query', () => {
    expect(signInPath('/audit', '?action=order.apply')).toBe('/sign-in?next=%2Faudit%3Faction%3Dorder.apply');
    expect(signInPath('/', '')).toBe('/sign-in');
  });
});
