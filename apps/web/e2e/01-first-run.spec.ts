import { expect, test } from '@playwright/test';

// Runs first (files run in name order on one worker): the demo loads only into an empty database.
test('first run offers the demo organization and loads it', async ({ page, request }) => {
  const roots = await request.get('/api/v1/units?parentId=root');
  const { items } = (await roots.json()) as { items: unknown[] };
  test.skip(items.length > 0, 'the database is not empty, so there is no first run to test');

  await page.goto('/');
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(welcome.getByRole('button', { name: 'Create the top unit' })).toBeVisible();
  await welcome.getByRole('button', { name: 'Load the demo organization' }).click();

  await expect(page.getByTestId('welcome')).toBeHidden();
  await expect(page.getByRole('tree')).toBeVisible();

  // Search ignores case and diacritics: "an giang" finds "Đảng bộ tỉnh An Giang".
  await page.getByTestId('unit-search').fill('dang bo tinh an giang');
  const result = page.getByTestId('search-results').getByRole('link', { name: 'Đảng bộ tỉnh An Giang' });
  await expect(result).toBeVisible();
  await result.click();
  await expect(page.getByTestId('unit-title')).toHaveText('Đảng bộ tỉnh An Giang');
  await expect(page.getByTestId('figures')).toBeVisible();
  // The merged province (2025-07-01): the seeds' figure "N grassroots organizations", and its lineage.
  await expect(page.getByTestId('figure-group-grassroots_organizations')).toContainText('20');
  await expect(page.getByTestId('lineage')).toContainText('Đảng bộ tỉnh Kiên Giang');

  // The day before the merger it did not exist; its figures are those of the two provinces it came from.
  await page.getByTestId('as-of').fill('2025-06-30');
  await expect(page.getByTestId('figures-basis')).toBeVisible();
  await expect(page.getByTestId('figure-total')).toHaveText('36');
});
