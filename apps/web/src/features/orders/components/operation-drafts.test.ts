import { describe, expect, it } from 'vitest';
import { cleanOperation, parseMemberIds } from './operation-drafts';

describe('split parts with members', () => {
  it('reads member ids from what was typed', () => {
    expect(parseMemberIds('12, 15 31;12')).toEqual([12, 15, 31]);
    expect(parseMemberIds(' ,')).toEqual([]);
  });

  it('sends member ids and a rule only when given', () => {
    const op = cleanOperation({
      type: 'split',
      unitId: 3,
      parts: [
        {
          code: ' A ',
          name: 'A',
          kind: 'cell',
          memberIds: [4],
          memberRule: { field: 'residence', contains: ' Ấp 3 ' },
        },
        {
          code: 'B',
          name: 'B',
          kind: 'cell',
          memberIds: [],
          memberRule: { field: 'homeTown', contains: ' ' },
        },
      ],
    });
    expect(op.type === 'split' && op.parts).toEqual([
      {
        code: 'A',
        name: 'A',
        kind: 'cell',
        takesRemainder: false,
        memberIds: [4],
        memberRule: { field: 'residence', contains: 'Ấp 3' },
      },
      { code: 'B', name: 'B', kind: 'cell', takesRemainder: false },
    ]);
  });
});
