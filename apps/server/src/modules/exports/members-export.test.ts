import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import { memberVersion } from '../members/members.repository.js';
import { createMember, recordEvent } from '../members/members.service.js';
import { buildMember, buildSmallTree, createTestContext, TEST_OPERATOR } from '../../test/test-context.js';
import { exportMembers, exportRows, type MemberExportQuery, memberSelection } from './members-export.js';

let ctx: AppContext;
let handle: DatabaseHandle;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  tree = await buildSmallTree(ctx);
  // Cells of different sizes, and two members of one cell with the same name, so batches end
  // mid-unit and a page boundary falls between equal names.
  const cells: Array<[number, number]> = [
    [tree.cellA, 7],
    [tree.cellB, 1],
    [tree.gCell, 4],
  ];
  for (const [cell, n] of cells)
    for (let i = 0; i < n; i += 1)
      await buildMember(ctx, {
        unitId: cell,
        fullName: i === 2 ? 'Phạm Văn An' : `Thành viên ${String.fromCharCode(75 - i)}`,
        admitted: `2019-0${1 + (i % 9)}-10`,
        official: i % 2 === 0,
      });
  await buildMember(ctx, { unitId: tree.cellA, fullName: 'Phạm Văn An', admitted: '2019-05-10' });
}, 120_000);
afterAll(async () => handle?.close());

async function text(q: Omit<MemberExportQuery, 'format' | 'asOf'>): Promise<string> {
  const file = await exportMembers(ctx, TEST_OPERATOR, { asOf: '2026-11-25', format: 'csv', ...q }, 'en');
  return await read(file.body);
}

/** The whole file as text: decoded once, as a chunk may end inside a character. */
async function read(body: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('the member export’s batches (PGlite) and cursor chunks (server)', () => {
  it('gives the same file however many rows one query or one chunk may answer', async () => {
    const whole = await text({ columns: ['id', 'fullName', 'unit', 'status', 'admissionDate'] });
    const lines = whole.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 13);
    // Two of the name in one cell (a page may end between them), one in another.
    expect(lines.slice(1).filter((l) => l.includes('Phạm Văn An'))).toHaveLength(3);
    for (const batchRows of [1, 2, 3, 5])
      expect(
        await text({ columns: ['id', 'fullName', 'unit', 'status', 'admissionDate'], batchRows }),
        `batchRows ${batchRows}`,
      ).toBe(whole);
  });

  it('writes only the columns asked for', async () => {
    const narrow = await text({ columns: ['fullName'], batchRows: 4 });
    expect(narrow.trimEnd().split('\n')[0]).toBe('\uFEFFFull name');
    expect(narrow.trimEnd().split('\n')).toHaveLength(14);
  });

  it('lets go of its reads when the reader stops early, again and again', async () => {
    // More readers stopping mid-way than the test pool has connections: on a server, a cursor
    // left open would hold its connection and the export after these would never start.
    const q: MemberExportQuery = { asOf: '2026-11-25', format: 'csv', batchRows: 2 };
    for (let i = 0; i < 8; i += 1) {
      let read = 0;
      for await (const row of exportRows(
        ctx,
        { all: true },
        memberSelection(q, ['official'], null, ['id']),
      )) {
        expect(row.memberId).toBeGreaterThan(0);
        if ((read += 1) === 3) break;
      }
      expect(read).toBe(3);
    }
    expect((await text({ columns: ['fullName'] })).trimEnd().split('\n')).toHaveLength(14);
  });

  it('dates the membership from the start of each status, across the spans an exemption splits', async () => {
    // Admitted 2019-03-10, official 2020-03-10, exempted 2022-04-01: the official days are two spans.
    const id = await buildMember(ctx, {
      unitId: tree.cellB,
      fullName: 'Đỗ Thị Miễn',
      admitted: '2019-03-10',
      official: true,
    });
    await recordEvent(ctx, TEST_OPERATOR, id, (await memberVersion(ctx.db, id))!, {
      type: 'exemption',
      date: '2022-04-01',
      details: { exemptionReason: 'health' },
    });
    const columns = ['id', 'admissionDate', 'ceremonyDate', 'officialDate'];
    const row = async (asOf: string) => {
      const file = await exportMembers(
        ctx,
        TEST_OPERATOR,
        { asOf, format: 'csv', columns, batchRows: 2 },
        'en',
      );
      return (await read(file.body)).split('\n').find((line) => line.startsWith(`${id},`));
    };
    expect(await row('2026-11-25')).toBe(`${id},2019-03-10,2019-03-10,2020-03-10`);
    expect(await row('2022-03-31')).toBe(`${id},2019-03-10,2019-03-10,2020-03-10`);
    // Still probationary: no official date yet.
    expect(await row('2019-12-31')).toBe(`${id},2019-03-10,2019-03-10,`);
  });

  it('writes what a spreadsheet would run as a formula behind a quote, and codes by their names', async () => {
    const { memberId } = await createMember(ctx, TEST_OPERATOR, {
      record: {
        fullName: 'Lê Thị Công Thức',
        birthDate: '1991-02-03',
        sex: 'female',
        profession: '=HYPERLINK("http://example.invalid","x")',
        residence: '+84 Hà Nội',
        homeTown: '@Huế',
        birthPlace: '-1',
      },
      event: {
        type: 'admission',
        date: '2021-04-05',
        unitId: tree.cellB,
        details: { ceremonyDate: '2021-04-05' },
      },
    });
    const columns = ['id', 'profession', 'residence', 'homeTown', 'birthPlace', 'sex', 'status'];
    for (const batchRows of [undefined, 1]) {
      const file = await exportMembers(
        ctx,
        TEST_OPERATOR,
        { asOf: '2026-11-25', format: 'csv', columns, ...(batchRows && { batchRows }) },
        'vi',
      );
      const line = (await read(file.body)).split('\n').find((l) => l.startsWith(`${memberId},`));
      expect(line).toBe(
        `${memberId},"'=HYPERLINK(""http://example.invalid"",""x"")",'+84 Hà Nội,'@Huế,'-1,Nữ,dự bị`,
      );
    }
  });
});
