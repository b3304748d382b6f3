import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { apiOf, buildBranch, createUnit, signIn, uniqueCode } from './helpers';

/**
 * Exports beyond the member list (issue 5): a unit's subtree from its page, as of the date shown,
 * and the events of a period from the member list.
 */
test('exports a unit’s subtree and the events of a period', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const api = await apiOf(page);
  const { province } = await buildBranch(api, 'EXP');
  const committee = await createUnit(api, {
    code: uniqueCode('EGC'),
    name: 'Grassroots committee of the cape',
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const cell = await createUnit(api, {
    code: uniqueCode('EC'),
    name: 'Lighthouse cell',
    kind: 'cell',
    parentId: committee.id,
    effectiveDate: '2010-01-01',
  });
  const tag = Date.now().toString(36);
  const added = await api.post('/api/v1/members', {
    record: { fullName: `Lê Thị Hải ${tag}`, birthDate: '1990-01-01', sex: 'female' },
    event: {
      type: 'admission',
      date: '2024-03-01',
      unitId: cell.id,
      details: { ceremonyDate: '2024-03-01' },
    },
  });
  expect(added.status(), await added.text()).toBe(201);

  await page.goto(`/units/${province.id}?asOf=2024-06-01`);
  await page.getByTestId('export-units').click();
  const unitsDownload = page.waitForEvent('download');
  await page.getByTestId('export-units-csv').click();
  const units = await unitsDownload;
  expect(units.suggestedFilename()).toBe('rollbook-units-2024-06-01.csv');
  const tree = fs.readFileSync(await units.path(), 'utf8');
  expect(tree).toContain('Parent unit (code)');
  expect(tree.indexOf(province.code)).toBeLessThan(tree.indexOf(cell.code));

  await page.goto(`/members?unit=${cell.id}&asOf=2024-06-01`);
  await page.getByTestId('export-events').click();
  await page.getByTestId('export-events-from').fill('2024-01-01');
  await page.getByTestId('export-events-to').fill('2024-12-31');
  const eventsDownload = page.waitForEvent('download');
  await page.getByTestId('export-events-csv').click();
  const events = await eventsDownload;
  expect(events.suggestedFilename()).toBe('rollbook-events-2024-01-01-2024-12-31.csv');
  const text = fs.readFileSync(await events.path(), 'utf8');
  expect(text).toContain(`Lê Thị Hải ${tag}`);
  expect(text).toContain('Admission');
});
