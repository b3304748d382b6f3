import { expect, type Page, test } from '@playwright/test';
import {
  apiOf,
  buildBranch,
  createUnit,
  demoUnit,
  pickUnit,
  setAsOf,
  signIn,
  uniqueCode,
  type Api,
  type CreatedUnit,
} from './helpers';

/** A committee with three cells of its own, from 2010. */
async function buildCells(api: Api) {
  const { province } = await buildBranch(api, 'MEM');
  const committee = await createUnit(api, {
    code: uniqueCode('MGC'),
    name: 'Grassroots committee of the market ward',
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2010-01-01',
  });
  const cell = (name: string) =>
    createUnit(api, {
      code: uniqueCode('MC'),
      name,
      kind: 'cell',
      parentId: committee.id,
      effectiveDate: '2010-01-01',
    });
  return {
    committee,
    home: await cell('Market cell'),
    target: await cell('Harbour cell'),
    other: await cell('Riverside cell'),
  };
}

/** Merges two cells into a new one through the API (draft, then apply with the order's version). */
async function mergeCells(api: Api, date: string, cells: CreatedUnit[], parentId: number) {
  const code = uniqueCode('MM');
  const drafted = await api.post('/api/v1/orders', {
    effectiveDate: date,
    title: 'Merge the harbour and riverside cells',
    operations: [
      {
        type: 'merge',
        unitIds: cells.map((c) => c.id),
        into: { code, name: 'Harbour and riverside cell', kind: 'cell', parentId },
      },
    ],
  });
  expect(drafted.status(), await drafted.text()).toBe(201);
  const order = (await drafted.json()) as { id: number; version: number };
  const applied = await api.post(`/api/v1/orders/${order.id}/apply`, {}, `"${order.version}"`);
  expect(applied.status(), await applied.text()).toBe(200);
  return demoUnit(api, code);
}

/** The status badge beside the member's name. */
function statusOf(page: Page) {
  return page.getByTestId('member-status');
}

test('admits a member, recognizes them, follows the figures, finds them, and transfers them into a merged cell', async ({
  page,
}) => {
  // A whole life through the forms: some twenty server round trips, each checked by the statute.
  test.setTimeout(150_000);
  await signIn(page);
  const api = await apiOf(page);
  const { committee, home, target, other } = await buildCells(api);
  const tag = Date.now().toString(36);
  const name = `Nguyễn Thị Hoà ${tag}`;

  // Admit through the form, with the ceremony already held.
  await page.goto('/members');
  await page.getByTestId('add-member').click();
  const form = page.getByTestId('add-member-form');
  await form.getByTestId('member-fullName').fill(name);
  await form.getByTestId('member-birthDate').fill('1995-04-10');
  await form.getByTestId('member-sex').selectOption('female');
  await form.getByTestId('first-event-type').selectOption('admission');
  await form.getByTestId('first-event-date').fill('2024-11-01');
  await pickUnit(page, 'first-event-unit', home.code);
  await form.getByTestId('first-event-ceremonyDate').fill('2024-11-10');
  await form.getByTestId('first-event-decision-number').fill('45-QĐ/ĐU');
  await form.getByTestId('first-event-decision-date').fill('2024-11-01');
  await form.getByTestId('first-event-decision-by').fill('Ward party committee');
  await page.getByTestId('add-member-submit').click();
  await expect(page).toHaveURL(/\/members\/\d+\?asOf=2024-11-01/);
  const id = Number(/\/members\/(\d+)/.exec(page.url())![1]);
  await expect(page.getByTestId('member-name')).toHaveText(name);
  await expect(statusOf(page)).toHaveAttribute('data-status', 'admitted');

  // Recognition: too early is explained while typing, with the rule's source; on time is recorded.
  await page.getByTestId('record-event').click();
  const eventForm = page.getByTestId('record-event-form');
  await eventForm.getByTestId('event-type').selectOption('recognition');
  await eventForm.getByTestId('event-date').fill('2025-11-05');
  await expect(eventForm.getByTestId('finding').first()).toContainText('probation lasts until 2025-11-10');
  await expect(eventForm.getByTestId('finding-source').first()).toContainText('Rule set');
  await eventForm.getByTestId('event-date').fill('2025-11-12');
  await expect(eventForm.getByTestId('event-check-ok')).toBeVisible();
  await eventForm.getByTestId('event-decision-number').fill('12-QĐ/ĐU');
  await page.getByTestId('event-submit').click();
  await expect(eventForm).toBeHidden();
  await setAsOf(page, '2025-12-01');
  await expect(statusOf(page)).toHaveAttribute('data-status', 'official');
  await expect(page.getByTestId('member-official-from')).toContainText('2025');
  await expect(page.getByTestId('member-timeline').getByTestId('event-item')).toHaveCount(2);

  // The cell's figures as of a date before and after the recognition.
  await page.goto(`/units/${home.id}?asOf=2025-06-01`);
  const figures = page.getByTestId('member-figures');
  await expect(figures.getByTestId('member-figures-total')).toHaveText('1');
  await expect(figures.getByTestId('figures-status-probationary').getByTestId('count')).toHaveText('1');
  await expect(figures.getByTestId('figures-status-official')).toHaveCount(0);
  await setAsOf(page, '2025-12-01');
  await expect(figures.getByTestId('figures-status-official').getByTestId('count')).toHaveText('1');
  await expect(figures.getByTestId('figures-status-probationary')).toHaveCount(0);
  // The period's flows count the admission.
  await figures.getByTestId('flows-from').fill('2024-01-01');
  await figures.getByTestId('flows-to').fill('2024-12-31');
  await expect(page.getByTestId('flow-admissions').getByTestId('flow-current')).toHaveText('1');
  // "Members of this unit" opens the list filtered by the cell.
  await figures.getByTestId('unit-members-link').click();
  await expect(page).toHaveURL(new RegExp(`/members\\?.*unit=${home.id}`));
  await expect(page.getByTestId(`member-row-${id}`)).toBeVisible();

  // Found by typing the name without diacritics.
  await page.goto('/members');
  await page.getByTestId('members-search').fill(`nguyen thi hoa ${tag}`);
  await expect(page.getByTestId('members-table').getByTestId('member-link')).toHaveText([name]);
  await page.getByTestId('member-link').click();
  await expect(page).toHaveURL(new RegExp(`/members/${id}`));

  // Transfer out to the harbour cell…
  await page.getByTestId('record-event').click();
  await eventForm.getByTestId('event-type').selectOption('transfer_out');
  await eventForm.getByTestId('event-date').fill('2026-03-02');
  await pickUnit(page, 'event-unit', target.code);
  await eventForm.getByTestId('event-transferKind').selectOption('official');
  await eventForm.getByTestId('event-slipNumber').fill('GT-15');
  await expect(eventForm.getByTestId('event-check-ok')).toBeVisible();
  await page.getByTestId('event-submit').click();
  await expect(eventForm).toBeHidden();
  await setAsOf(page, '2026-03-10');
  await expect(page.getByTestId('member-transit')).toContainText('Harbour cell');

  // …which is merged away before the slip is presented; the acceptance lands in the successor.
  const successor = await mergeCells(api, '2026-03-15', [target, other], committee.id);
  await page.goto(`/members/${id}`);
  await page.getByTestId('record-event').click();
  await eventForm.getByTestId('event-type').selectOption('transfer_in');
  await eventForm.getByTestId('event-date').fill('2026-03-20');
  await expect(eventForm.getByTestId('event-check-ok')).toBeVisible();
  await page.getByTestId('event-submit').click();
  await expect(eventForm).toBeHidden();
  await expect(page.getByTestId('member-unit')).toHaveText(successor.name);
  await expect(statusOf(page)).toHaveAttribute('data-status', 'official');

  // The successor's members list holds them.
  await page.goto(`/members?unit=${successor.id}`);
  await expect(page.getByTestId(`member-row-${id}`)).toBeVisible();
});

test('a write on a version someone else changed is refused, the member reloaded, and the retry goes through', async ({
  page,
}) => {
  await signIn(page);
  const api = await apiOf(page);
  const { home } = await buildCells(api);
  const created = await api.post('/api/v1/members', {
    record: { fullName: 'Trần Văn Bình', birthDate: '1990-02-01' },
    event: { type: 'application', date: '2026-01-05', unitId: home.id },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { member } = (await created.json()) as { member: { id: number; version: number } };

  await page.goto(`/members/${member.id}`);
  await expect(statusOf(page)).toHaveAttribute('data-status', 'applicant');
  await page.getByTestId('record-event').click();
  const eventForm = page.getByTestId('record-event-form');
  await expect(eventForm.getByTestId('event-type')).toHaveValue('admission');
  await eventForm.getByTestId('event-date').fill('2026-02-02');
  await expect(eventForm.getByTestId('event-check-ok')).toBeVisible();

  // Another officer corrects the record meanwhile.
  const patched = await api.patch(
    `/api/v1/members/${member.id}/record`,
    { correction: true, fields: { phone: '0901 234 567' } },
    `"${member.version}"`,
  );
  expect(patched.status(), await patched.text()).toBe(200);

  await page.getByTestId('event-submit').click();
  await expect(eventForm.getByTestId('event-stale')).toBeVisible();
  await expect(page.getByTestId('record-phone')).toContainText('0901 234 567');
  await page.getByTestId('event-submit').click();
  await expect(eventForm).toBeHidden();
  await expect(statusOf(page)).toHaveAttribute('data-status', 'admitted');
});

test('the members page reads right-to-left in Arabic', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('language').selectOption('ar');
  await page.getByRole('navigation').getByRole('link', { name: 'الأعضاء' }).click();
  await expect(page.getByRole('heading', { name: 'الأعضاء' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
  await expect(page.getByTestId('member-filters')).toHaveCSS('direction', 'rtl');
  // The first filter (the unit) stands rightmost.
  const unit = await page.getByTestId('members-unit-search').boundingBox();
  const search = await page.getByTestId('members-search').boundingBox();
  expect(unit && search && unit.x > search.x).toBe(true);
  await page.getByTestId('add-member').click();
  await expect(page.getByRole('dialog')).toHaveCSS('direction', 'rtl');
  await expect(page.getByRole('dialog').getByText('إضافة عضو').first()).toBeVisible();
});

test('the member list draws only the rows in view, loads the next page on scrolling, and still narrows by search', async ({
  page,
}) => {
  // 120 members through the API, then three pages of 50 read by scrolling.
  test.setTimeout(150_000);
  await signIn(page);
  const api = await apiOf(page);
  const { home } = await buildCells(api);
  const tag = Date.now().toString(36);
  // Zero-padded, so the server's name order is the numbers' order: 1–50 on the first page, 101–120 on the third.
  const nameOf = (n: number) => `Phạm Văn Dài ${tag} ${String(n).padStart(3, '0')}`;
  const count = 120;
  for (let from = 1; from <= count; from += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - from + 1) }, async (_, k) => {
        const n = from + k;
        const created = await api.post('/api/v1/members', {
          record: { fullName: nameOf(n), birthDate: `1990-01-${String((n % 28) + 1).padStart(2, '0')}` },
          event: { type: 'application', date: '2026-01-05', unitId: home.id },
        });
        expect(created.status(), await created.text()).toBe(201);
      }),
    );
  }

  await page.goto(`/members?unit=${home.id}&status=applicant&asOf=2026-01-10`);
  const table = page.getByTestId('members-table');
  const rows = table.locator('tbody [data-testid^="member-row-"]');
  const loaded = page.getByTestId('members-loaded');
  const link = (n: number) => table.getByRole('link', { name: nameOf(n), exact: true });
  await expect(link(1)).toBeVisible();
  await expect(loaded).toHaveText(/^50 members loaded, more below/);
  // Virtualized: a page of 50 is loaded, a window of it is drawn.
  expect(await rows.count()).toBeLessThan(30);
  await expect(link(50)).toHaveCount(0);
  // The server does not count the matches, so the total is unknown to a screen reader until the last page.
  await expect(table).toHaveAttribute('aria-rowcount', '-1');
  await expect(rows.first()).toHaveAttribute('aria-rowindex', '2');

  // Scrolling to the end of the loaded rows asks for the next page, with no button pressed.
  const scroller = page.getByTestId('members-scroll');
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(loaded).toHaveText(/^100 members loaded, more below/);
  // Down to the last page; its last member comes into view.
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(link(count)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(loaded).toHaveText('120 members, all shown.');
  await expect(page.getByTestId('members-more')).toHaveCount(0);
  await expect(table).toHaveAttribute('aria-rowcount', String(count + 1));
  await expect(
    rows.filter({ has: page.getByRole('link', { name: nameOf(count), exact: true }) }),
  ).toHaveAttribute('aria-rowindex', String(count + 1));
  // Still a window: the first rows have left the page.
  expect(await rows.count()).toBeLessThan(30);
  await expect(link(1)).toHaveCount(0);

  // A search narrows the list (and starts it from the top): 070–079.
  await page.getByTestId('members-search').fill(`${tag} 07`);
  const narrowed = Array.from({ length: 10 }, (_, k) => nameOf(70 + k));
  await expect(table.getByTestId('member-link')).toHaveText(narrowed);
  await expect(loaded).toHaveText('10 members, all shown.');

  // Right-to-left: the name column stands rightmost, the status line reads in Arabic.
  await page.getByTestId('language').selectOption('ar');
  await expect(table).toHaveCSS('direction', 'rtl');
  const nameHeader = await table.locator('thead th').first().boundingBox();
  const unitHeader = await table.locator('thead th').last().boundingBox();
  expect(nameHeader && unitHeader && nameHeader.x > unitHeader.x).toBe(true);
  await expect(page.getByTestId('members-search')).toHaveValue(`${tag} 07`);
  await expect(loaded).toHaveText('10 أعضاء، وكلهم معروضون.');

  // A row still leads to its member.
  await link(73).click();
  await expect(page).toHaveURL(/\/members\/\d+/);
  await expect(page.getByTestId('member-name')).toHaveText(nameOf(73));
});
