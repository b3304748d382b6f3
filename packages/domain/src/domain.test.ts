import { describe, expect, it } from 'vitest';
import { addDays, addWorkingDays, isIsoDate, startOfDayIn, todayIn } from './dates.js';
import { ERROR_CODES } from './errors.js';
import { API_LANGUAGES, formatMessage, negotiateLanguage } from './messages.js';
import {
  BUILTIN_ROLES,
  isPermission,
  passwordProblem,
  PERMISSIONS,
  withoutSensitiveFields,
} from './permissions.js';
import { allocateToSplitPart } from './reorg.js';
import unionFederation from './rule-packs/union-federation.json' with { type: 'json' };
import { DEFAULT_RULE_PACK, KindRules, parseRulePack } from './rule-pack.js';

describe('dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-1-01', false],
    ['24-01-01', false],
    [20240101, false],
  ])('isIsoDate(%s) is %s', (value, expected) => expect(isIsoDate(value)).toBe(expected));

  it('adds days across months and years', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('0050-01-01', -1)).toBe('0049-12-31');
    expect(addDays('1969-12-31', 1)).toBe('1970-01-01');
  });

  it('adds days and working days exactly as the calendar does, 1890–2110', () => {
    // The reference: the Date object stepped one day at a time.
    const dt = new Date('1890-01-01T00:00:00Z');
    let working = 0;
    const start = '1890-01-01';
    for (let n = 1; dt.getUTCFullYear() < 2110; n += 1) {
      dt.setUTCDate(dt.getUTCDate() + 1);
      const iso = dt.toISOString().slice(0, 10);
      expect(addDays(start, n)).toBe(iso);
      expect(addDays(iso, -n)).toBe(start);
      if (dt.getUTCDay() !== 0 && dt.getUTCDay() !== 6) {
        working += 1;
        if (working % 97 === 0) expect(addWorkingDays(start, working)).toBe(iso);
      }
    }
  });

  it("takes today from the organization's time zone", () => {
    const instant = new Date('2025-06-30T20:00:00Z');
    expect(todayIn('Asia/Ho_Chi_Minh', instant)).toBe('2025-07-01');
    expect(todayIn('UTC', instant)).toBe('2025-06-30');
  });
});

describe('messages', () => {
  it('has every error in every API language', () => {
    for (const code of ERROR_CODES) {
      for (const lang of API_LANGUAGES)
        expect(formatMessage(code, lang).length, `${code}/${lang}`).toBeGreaterThan(0);
    }
  });

  it('negotiates Accept-Language with q-values and regions', () => {
    expect(negotiateLanguage('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(negotiateLanguage('fr;q=1, ar;q=0.5')).toBe('ar');
    expect(negotiateLanguage('fr')).toBe('en');
    expect(negotiateLanguage(undefined)).toBe('en');
  });

  it('fills placeholders', () => {
    expect(formatMessage('unit_not_live', 'en', { unit: 'C1 Chi bộ', date: '2024-01-01' })).toBe(
      'Unit C1 Chi bộ does not exist on 2024-01-01.',
    );
  });
});

describe('rule packs', () => {
  const rules = new KindRules(DEFAULT_RULE_PACK);

  it('models the statute: cells only under grassroots committees, districts only before 1 Jul 2025', () => {
    expect(rules.maySitUnder('cell', 'grassroots_committee')).toBe(true);
    expect(rules.maySitUnder('cell', 'grassroots_cell')).toBe(false);
    expect(rules.maySitUnder('grassroots_cell', 'commune')).toBe(true);
    expect(rules.inForce('district', '2025-06-30')).toBe(true);
    expect(rules.inForce('district', '2025-07-01')).toBe(false);
    expect(rules.rootKinds().map((k) => k.code)).toEqual(['central']);
    expect(rules.name('grassroots_cell', 'vi')).toBe('Chi bộ cơ sở');
  });

  it('reads the example pack another organization would write', () => {
    const union = new KindRules(parseRulePack(unionFederation));
    expect(union.maySitUnder('local', 'region')).toBe(true);
    expect(union.maySitUnder('region', 'local')).toBe(false);
  });

  it('lists every problem of a bad pack at once', () => {
    expect(() =>
      parseRulePack({
        id: 'x',
        version: '1',
        name: { en: 'X' },
        kinds: [{ code: 'A', names: {}, parents: ['b'] }],
      }),
    ).toThrow(/code must be lower-case[\s\S]*at least one kind must be a root/);
    expect(() =>
      parseRulePack({
        id: 'x',
        version: '1',
        name: { en: 'X' },
        kinds: [{ code: 'a', names: { en: 'A' }, parents: ['zz'], root: true }],
      }),
    ).toThrow(/unknown kind “zz”/);
  });
});

describe('split allocation', () => {
  it('sends listed items to their part and the rest to the remainder part', () => {
    const parts = [
      { childIds: [1, 2], takesRemainder: false },
      { childIds: [3], takesRemainder: true },
    ];
    expect(allocateToSplitPart(parts, 2)).toBe(0);
    expect(allocateToSplitPart(parts, 3)).toBe(1);
    expect(allocateToSplitPart(parts, 9)).toBe(1);
    expect(allocateToSplitPart([{ childIds: [1], takesRemainder: false }], 9)).toBe(-1);
  });
});

describe('permissions', () => {
  it('leaves sensitive member fields out without the permission', () => {
    const member = {
      name: 'Nguyễn Văn A',
      nationalId: '0123456789',
      ethnicity: 'Kinh',
      religion: 'none',
      phone: '0901',
    };
    expect(withoutSensitiveFields(member, false)).toEqual({ name: 'Nguyễn Văn A', phone: '0901' });
    expect(withoutSensitiveFields(member, true)).toEqual(member);
  });

  it('names why a password is too weak', () => {
    expect(passwordProblem('short', 'lan')).toBe('password_length');
    expect(passwordProblem('my name is nguyenlan!', 'nguyenlan')).toBe('password_like_username');
    expect(passwordProblem('correct horse battery', 'nguyenlan')).toBeNull();
  });

  it('gives the administrator every permission and no built-in role an unknown one', () => {
    expect(BUILTIN_ROLES.find((r) => r.code === 'administrator')!.permissions).toEqual(PERMISSIONS);
    for (const role of BUILTIN_ROLES) for (const p of role.permissions) expect(isPermission(p)).toBe(true);
  });
});

describe('days in a time zone', () => {
  it('gives the instant a calendar day begins', () => {
    expect(startOfDayIn('2026-11-25', 'UTC')).toBe('2026-11-25T00:00:00.000Z');
    expect(startOfDayIn('2026-11-25', 'Asia/Ho_Chi_Minh')).toBe('2026-11-24T17:00:00.000Z');
    // The day daylight saving time starts in New York begins at 05:00 UTC (still EST at midnight).
    expect(startOfDayIn('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDayIn('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
  });
});
