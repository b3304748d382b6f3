import { describe, expect, it } from 'vitest';
import { recordChangesOf, recordDraftOf, recordInputOf } from './record-draft';

describe('record drafts', () => {
  it('sends only what changed, emptied fields as null, and the whole custom map when one custom field changed', () => {
    const original = recordDraftOf({ fullName: 'Lê Văn A', phone: '0901', custom: { trade: 'x' } });
    const draft = recordDraftOf({ fullName: 'Lê Văn B', phone: '', custom: { trade: 'y', dues_band: 'a' } });
    expect(recordChangesOf(draft, original)).toEqual({
      fullName: 'Lê Văn B',
      phone: null,
      custom: { trade: 'y', dues_band: 'a' },
    });
    expect(recordChangesOf(original, original)).toEqual({});
    expect(recordInputOf(recordDraftOf({ fullName: ' Ana ', sex: 'female' }))).toEqual({
      fullName: 'Ana',
      sex: 'female',
    });
  });
});
