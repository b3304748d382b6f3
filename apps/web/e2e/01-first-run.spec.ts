import { expect, test } from '@playwright/test';
import { ADMIN } from './helpers';

// Runs first (files run in name order on one worker): setup and the demo need an empty database.
test('first run creates the first administrator, then loads the demo organization', async ({
  page,
  request,
}) => {
  const setup = await request.get('/api/v1/setup');
  const { needed } = (await setup.json()) as { needed: boolean };
  test.skip(!needed, 'a user exists already, so there is no first run to test');

  // Nobody is signed in and nobody exists: the sign-in page offers setup instead, with no default password.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  const form = page.getByTestId('setup');
  await expect(form).toBeVisible();
  await expect(form).toContainText('There is no default account or password');
  await page.getByTestId('setup-username').fill(ADMIN.username);
  await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
  await page.getByTestId('setup-password').fill('short');
  await page.getByTestId('setup-confirm').fill('short');
  await page.getByTestId('setup-submit').click();
  // The server's rule, in the form: too short.
  await expect(form.getByText(/The password is too weak/)).toBeVisible();
  await page.getByTestId('setup-password').fill(ADMIN.password);
  await page.getByTestId('setup-confirm').fill(ADMIN.password);
  await page.getByTestId('setup-submit').click();

  // Signed in as the new administrator, on the empty tree.
  await expect(page.getByTestId('user-menu')).toHaveText(ADMIN.displayName);
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(welcome.getByRole('button', { name: 'Create the top unit' })).toBeVisible();
  await welcome.getByRole('button', { name: 'Load the demo organization' }).click();

  await expect(page.getByTestId('welcome')).toBeHidden();
  await expect(page.getByRole('tree')).toBeVisible();

  // Setup is done for good: nobody can make another administrator that way.
  expect(((await (await request.get('/api/v1/setup')).json()) as { needed: boolean }).needed).toBe(false);

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
