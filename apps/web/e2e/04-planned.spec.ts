import { expect, test } from '@playwright/test';
import { apiOf, buildBranch, expandNode, pickUnit, setAsOf, signIn, uniqueCode } from './helpers';

test('a future-dated order shows only on or after its date', async ({ page }) => {
  await signIn(page);
  const { root, province } = await buildBranch(await apiOf(page), 'PLN');
  const planned = uniqueCode('FUT');

  await page.goto('/orders/new');
  await page.getByTestId('order-effective-date').fill('2099-01-01');
  await page.getByTestId('order-title').fill('Establish a commune committee');
  await page.getByTestId('new-operation-type').selectOption('create');
  await page.getByTestId('add-operation').click();
  await pickUnit(page, 'op-0-parent', province.code);
  await page.getByTestId('op-0-kind').selectOption('commune');
  await page.getByTestId('op-0-code').fill(planned);
  await page.getByTestId('op-0-name').fill('Future commune committee');
  await page.getByTestId('save-order').click();
  await expect(page).toHaveURL(/\/orders\/\d+/);
  await expect(page.getByTestId('order-state')).toHaveText('Draft');
  await page.getByTestId('apply-order').click();
  await expect(page.getByTestId('order-state')).toHaveText('Planned');

  // Today: not there yet.
  await page.goto('/');
  await expandNode(page, root.code);
  await expect(page.getByTestId(`tree-node-${province.code}`)).toBeVisible();
  await expect(page.getByTestId(`child-count-${province.code}`)).toHaveText('0 units under it');
  await expect(page.getByTestId(`tree-node-${planned}`)).toHaveCount(0);

  // On its date: there.
  await setAsOf(page, '2099-01-01');
  await expect(page.getByTestId(`child-count-${province.code}`)).toHaveText('1 unit under it');
  await expandNode(page, province.code);
  await expect(page.getByTestId(`tree-node-${planned}`)).toBeVisible();
  await expect(page.getByTestId('as-of-banner')).toBeVisible();

  // The day before: not yet.
  await setAsOf(page, '2098-12-31');
  await expect(page.getByTestId(`tree-node-${province.code}`)).toBeVisible();
  await expect(page.getByTestId(`tree-node-${planned}`)).toHaveCount(0);

  // "Today" goes back to the present.
  await page.getByTestId('as-of-today').click();
  await expect(page).not.toHaveURL(/asOf=/);

  // The order list shows it as planned.
  await page.getByRole('link', { name: 'Reorganizations' }).click();
  const row = page.getByRole('row', { name: /Establish a commune committee/ }).first();
  await expect(row.getByTestId('order-state')).toHaveText('Planned');
});
