import { describe, expect, it } from 'vitest';
import { blankDraft, findingsOfError, formField, toEventInput, type EventDraft } from './event-draft';

const draft = (patch: Partial<EventDraft>): EventDraft => ({ ...blankDraft('admission'), ...patch });

describe('toEventInput', () => {
  it('waits for a whole date', () => {
    expect(toEventInput(draft({ date: '2024-1' }))).toBeNull();
    expect(toEventInput(draft({ date: '0002-01-01' }))).toBeNull();
  });

  it('keeps only the facts the type reads, filled in', () => {
    const input = toEventInput(
      draft({
        date: '2024-11-01',
        unitId: 7,
        details: { ceremonyDate: '2024-11-10', form: 'warning', lateApproval: '  ' },
        decisionNumber: ' 12-QĐ ',
      }),
    );
    expect(input).toEqual({
      type: 'admission',
      date: '2024-11-01',
      unitId: 7,
      details: { ceremonyDate: '2024-11-10' },
      decision: { number: '12-QĐ', date: null, by: null },
    });
  });

  it('asks a temporary transfer for its end, and sends no unit for a ceremony', () => {
    const official = toEventInput({
      ...blankDraft('transfer_out', '2026-03-02'),
      unitId: 3,
      details: { transferKind: 'official', until: '2026-09-01' },
    });
    expect(official?.details).toEqual({ transferKind: 'official' });
    const temporary = toEventInput({
      ...blankDraft('transfer_out', '2026-03-02'),
      unitId: 3,
      details: { transferKind: 'temporary', until: '2026-09-01' },
    });
    expect(temporary?.details).toEqual({ transferKind: 'temporary', until: '2026-09-01' });
    expect(toEventInput({ ...blankDraft('ceremony', '2026-03-02'), unitId: 3 })?.unitId).toBeUndefined();
  });
});

describe('findings', () => {
  it('places a refusal on the form field it names', () => {
    expect(formField('event.details.form')).toBe('details.form');
    expect(formField('replacement.date')).toBe('date');
    const error = {
      status: 422,
      code: 'member_rule_broken',
      detail: 'Refused',
      field: 'event.date',
      violations: [{ code: 'member_rule_broken', field: 'event.date', message: 'too early' }],
    };
    expect(findingsOfError(error)).toEqual([{ field: 'date', message: 'too early' }]);
    expect(findingsOfError({ ...error, violations: [], field: 'record.sex' })).toEqual([
      { field: 'record.sex', message: 'Refused' },
    ]);
    expect(findingsOfError(new Error('x'))).toEqual([]);
  });
});
