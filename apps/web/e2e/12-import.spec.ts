import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { apiOf, buildBranch, createUnit, officialMember, signIn, uniqueCode } from './helpers';

/**
 * A clerk's journey (issue 5): drop a spreadsheet, see the columns matched, see every problem by
 * row and column before anything is written, fix the file, import it with progress, and find the
 * members in the register.
 */
test('uploads a register, lists its problems, and imports the fixed file', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const api = await apiOf(page);
  const { province } = await buildBranch(api, 'IMP');
  const committee = await createUnit(api, {
    code: uniqueCode('IGC'),
    name: 'Grassroots committee of the port',
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const cell = await createUnit(api, {
    code: uniqueCode('IC'),
    name: 'Dock cell',
    kind: 'cell',
    parentId: committee.id,
    effectiveDate: '2010-01-01',
  });
  const tag = Date.now().toString(36);
  const header = 'Họ và tên;Giới tính;Ngày sinh;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày chính thức';
  const rows = (birth: string) => [
    `Nguyễn Văn Cảng ${tag};Nam;${birth};${cell.code};02/03/2015;16/03/2015;16/03/2016`,
    `Trần Thị Bến ${tag};Nữ;12/12/1990;${cell.code};02/03/2015;16/03/2015;16/03/2016`,
  ];
  const file = (birth: string) => ({
    name: `dang-vien-${tag}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from('\uFEFF' + [header, ...rows(birth)].join('\r\n')),
  });

  // Upload: the columns are matched by their Vietnamese names.
  await page.goto('/imports');
  await page.locator('input[type=file]').setInputFiles(file('31/02/1990'));
  await page.getByRole('button', { name: 'Upload and map the columns' }).click();
  await expect(page).toHaveURL(/\/imports\/\d+/);
  await expect(page.getByTestId('import-file-info')).toContainText('CSV, UTF-8, separated by “;”, 7 columns');
  await expect(page.getByTestId('map-fullName')).toHaveValue('Họ và tên');
  await expect(page.getByTestId('map-admissionDate')).toHaveValue('Ngày vào Đảng');

  // Check: the impossible birth date is named by row and column, and nothing is written.
  await page.getByTestId('import-validate').click();
  const problems = page.getByTestId('import-problems');
  await expect(problems).toContainText('Ngày sinh');
  await expect(problems).toContainText('“31/02/1990” is not a date; write it as dd/mm/yyyy or yyyy-mm-dd');
  await expect(page.getByText('1 problems — nothing was written')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download the problems (CSV)' })).toBeVisible();
  await expect(page.getByTestId('import-problems-xlsx')).toBeVisible();
  // The mapping is kept under a name, for the next file from the same source.
  await page.getByTestId('import-template-name').fill(`Port register ${tag}`);
  await page.getByTestId('import-save-template').click();
  await expect(page.getByText(`Saved as “Port register ${tag}”.`)).toBeVisible();

  // Fixed and uploaded again: no problems, then imported with progress.
  await page.goto('/imports');
  await page.locator('input[type=file]').setInputFiles(file('28/02/1990'));
  await page.getByRole('button', { name: 'Upload and map the columns' }).click();
  await expect(page).toHaveURL(/\/imports\/\d+/);
  await page.getByTestId('import-template').click();
  await page.getByRole('option', { name: `Port register ${tag}` }).click();
  await expect(page.getByTestId('map-admissionDate')).toHaveValue('Ngày vào Đảng');
  await page.getByTestId('import-validate').click();
  await expect(page.getByText('All 2 rows passed every check. Nothing has been written yet.')).toBeVisible();
  await page.getByTestId('import-commit').click();
  await expect(page.getByText('2 members were added to the register.')).toBeVisible();

  await page.getByRole('link', { name: 'See the members' }).click();
  await expect(page).toHaveURL(/\/members/);
  // The cell is this test's own: its members are the imported ones.
  const members = await api.get(`/api/v1/members?unit=${cell.id}`);
  const names = ((await members.json()) as { items: Array<{ fullName: string }> }).items.map(
    (m) => m.fullName,
  );
  expect(names.sort()).toEqual([`Nguyễn Văn Cảng ${tag}`, `Trần Thị Bến ${tag}`].sort());

  // And out again as a file: the cell's members, with the import's headers.
  await page.goto(`/members?unit=${cell.id}`);
  await page.getByTestId('export-members').click();
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^rollbook-members-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = fs.readFileSync(await download.path(), 'utf8');
  expect(text).toContain('Full name');
  expect(text).toContain(`Trần Thị Bến ${tag}`);
});

test('imports a card register: a card for a member still on probation is refused, the fixed file is written', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  const api = await apiOf(page);
  const { province } = await buildBranch(api, 'ICD');
  const cell = await createUnit(api, {
    code: uniqueCode('ICC'),
    name: 'Card cell',
    kind: 'grassroots_cell',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const tag = Date.now().toString(36).toUpperCase();
  const first = await officialMember(api, cell.id, `Hoàng Văn Thẻ ${tag}`, '1985-04-04');
  const second = await officialMember(api, cell.id, `Vũ Thị Thẻ ${tag}`, '1991-09-09');
  // Official from 2025-01-25: a card dated in 2024 is refused by the statute.
  const file = (secondIssued: string) => ({
    name: `the-${tag}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(
      [
        'Số hiệu,Số thẻ,Ngày cấp,Hình thức cấp',
        `${first},T1-${tag},01/02/2025,Cấp mới`,
        `${second},T2-${tag},${secondIssued},`,
      ].join('\r\n'),
    ),
  });

  await page.goto('/imports');
  await page.getByTestId('import-entity').getByText('Cards').click();
  await expect(page.getByText(/Cards of members already in the register/)).toBeVisible();
  await page.locator('input[type=file]').setInputFiles(file('01/06/2024'));
  await page.getByRole('button', { name: 'Upload and map the columns' }).click();
  await expect(page).toHaveURL(/\/imports\/\d+/);
  await expect(page.getByTestId('map-number')).toHaveValue('Số thẻ');
  await expect(page.getByTestId('map-issuedOn')).toHaveValue('Ngày cấp');
  await page.getByTestId('import-validate').click();
  const problems = page.getByTestId('import-problems');
  await expect(problems).toContainText('a card is issued only to an official member');
  await expect(page.getByText('1 problems — nothing was written')).toBeVisible();

  await page.goto('/imports');
  await page.getByTestId('import-entity').getByText('Cards').click();
  await page.locator('input[type=file]').setInputFiles(file('01/06/2025'));
  await page.getByRole('button', { name: 'Upload and map the columns' }).click();
  await expect(page).toHaveURL(/\/imports\/\d+/);
  await page.getByTestId('import-validate').click();
  await expect(page.getByText('All 2 rows passed every check. Nothing has been written yet.')).toBeVisible();
  await page.getByTestId('import-commit').click();
  await expect(page.getByText('2 cards were recorded for 2 members.')).toBeVisible();

  // The card is on the member's page, as one issued through the form is.
  await page.goto(`/members/${second}`);
  await expect(page.getByTestId('member-cards').getByTestId(`card-row-T2-${tag}`)).toBeVisible();
});
