import { expect, test } from '@playwright/test';
import {
  ADMIN,
  apiOf,
  buildBranch,
  createUnit,
  createUser,
  demoUnit,
  pickUnit,
  signIn,
  submitSignIn,
  uniqueCode,
  uniqueUsername,
} from './helpers';

test('an administrator edits a user (a stale edit is refused), grants and revokes, and deactivates', async ({
  page,
}) => {
  await signIn(page);
  const api = await apiOf(page);
  const commune = await demoUnit(api, 'AG-CD');
  const username = uniqueUsername('clerk');
  const id = await createUser(api, {
    username,
    displayName: 'Records clerk',
    password: 'records clerk password',
    grants: [],
  });

  await page.goto('/users');
  await page.getByTestId('user-search').fill(username);
  await expect(page.getByTestId('users-table').getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name: 'Records clerk' }).click();
  await expect(page.getByTestId('user-title')).toHaveText('Records clerk');

  // Someone else renames the user meanwhile; saving the page's older version is refused with a clear message.
  const renamed = await api.patch(`/api/v1/users/${id}`, { displayName: 'Records clerk (renamed)' }, '"1"');
  expect(renamed.status(), await renamed.text()).toBe(200);
  await page.getByTestId('edit-display-name').fill('Chief records clerk');
  await page.getByTestId('save-user').click();
  await expect(page.getByTestId('user-error')).toContainText('Someone else changed this user');
  await page.getByTestId('reload-user').click();
  await expect(page.getByTestId('edit-display-name')).toHaveValue('Records clerk (renamed)');
  await page.getByTestId('edit-display-name').fill('Chief records clerk');
  await page.getByTestId('save-user').click();
  await expect(page.getByTestId('user-title')).toHaveText('Chief records clerk');

  // Grant a role over a commune, then revoke it.
  await page.getByTestId('new-grant-role').selectOption('records_officer');
  await pickUnit(page, 'new-grant-unit', commune.code, 'phuong chau doc');
  await page.getByTestId('grant-role').click();
  const grants = page.getByTestId('user-grants-table');
  await expect(grants).toContainText('Records officer');
  await expect(grants).toContainText(commune.name);
  await expect(grants).toContainText('In force');
  await grants.getByRole('button', { name: 'Revoke' }).click();
  // A grant that began today is withdrawn altogether.
  await expect(page.getByTestId('user-grants')).toContainText('No grant.');

  // Deactivate, then reactivate.
  await page.getByTestId('deactivate-user').click();
  await expect(page.getByTestId('user-state')).toHaveText('Deactivated');
  await page.getByTestId('reactivate-user').click();
  await expect(page.getByTestId('user-state')).toHaveText('Active');

  // Roles: define one, see its permissions in words, delete it.
  await page.getByRole('link', { name: 'Roles' }).click();
  await expect(page.getByTestId('role-viewer')).toContainText('See units');
  const code = `e2e_${Date.now().toString(36)}`;
  await page.getByTestId('new-role').click();
  await page.getByTestId('role-code').fill(code);
  await page.getByTestId('role-name').fill('District reader');
  await page.getByTestId('role-permission-units.read').check();
  await page.getByTestId('role-permission-orders.read').check();
  await page.getByTestId('role-save').click();
  await expect(page.getByTestId(`role-permissions-${code}`)).toHaveText(
    /See units.*See reorganization orders/,
  );
  await page.getByTestId(`delete-role-${code}`).click();
  await page.getByTestId(`confirm-delete-role-${code}`).click();
  await expect(page.getByTestId(`role-${code}`)).toHaveCount(0);
});

test('my account: an API token is shown once, works as a bearer token, and is revoked', async ({
  page,
  playwright,
}) => {
  await signIn(page);
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-account').click();
  await expect(page.getByTestId('my-grants')).toContainText('Administrator');
  await expect(page.getByTestId('my-grants')).toContainText('Whole organization');

  await page.getByTestId('token-name').fill('e2e script');
  await page.getByTestId('create-token').click();
  const secret = page.getByTestId('token-secret');
  await expect(secret).toContainText('only time the token is shown');
  const value = (await page.getByTestId('token-secret-value').textContent()) ?? '';
  expect(value.length).toBeGreaterThan(20);

  // The secret works for a script, without the browser's cookie.
  const script = await playwright.request.newContext({ baseURL: new URL(page.url()).origin });
  const asScript = await script.get('/api/v1/units?parentId=root', {
    headers: { Authorization: `Bearer ${value}` },
  });
  expect(asScript.status()).toBe(200);

  // Shown once: gone once stored, and not shown again after a reload.
  await page.getByTestId('secret-stored').click();
  await expect(secret).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('own-tokens')).toContainText('e2e script');
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(value);

  const row = page.getByTestId('own-tokens').getByRole('row', { name: /e2e script/ });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  const afterRevoke = await script.get('/api/v1/units?parentId=root', {
    headers: { Authorization: `Bearer ${value}` },
  });
  expect(afterRevoke.status()).toBe(401);
  await script.dispose();
});

test('the order preview lists the grants that end with a unit the order dissolves', async ({ page }) => {
  await signIn(page);
  const api = await apiOf(page);
  const { province } = await buildBranch(api, 'END');
  const cell = await createUnit(api, {
    code: uniqueCode('END-GC'),
    name: 'Grassroots committee to dissolve',
    kind: 'grassroots_committee',
    parentId: province.id,
    effectiveDate: '2000-01-01',
  });
  const username = uniqueUsername('holder');
  await createUser(api, {
    username,
    displayName: 'Grant holder',
    password: 'grant holder password',
    grants: [{ role: 'viewer', unitId: cell.id }],
  });

  await page.goto('/orders/new');
  await page.getByTestId('order-effective-date').fill('2099-01-01');
  await page.getByTestId('new-operation-type').selectOption('dissolve');
  await page.getByTestId('add-operation').click();
  await pickUnit(page, 'op-0-unit', cell.code);
  await page.getByTestId('preview-order').click();
  const ending = page.getByTestId('preview-ending-grants');
  await expect(ending).toContainText('Roles that end with their unit');
  await expect(ending.getByRole('row', { name: new RegExp(username) })).toContainText('Viewer');
  await expect(ending).toContainText(cell.code);
});

test('a session ended elsewhere sends the user to sign in, then back to the page they wanted', async ({
  page,
  browser,
}) => {
  await signIn(page);
  // The same person, signed in on another device, signs out everywhere.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage);
  await otherPage.getByTestId('user-menu').click();
  await otherPage.getByTestId('sign-out-everywhere').click();
  await expect(otherPage).toHaveURL(/\/sign-in/);
  await other.close();

  // The first browser finds out on its next request.
  await page.getByRole('navigation').getByRole('link', { name: 'Reorganizations' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Forders/);
  await submitSignIn(page, ADMIN);
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole('heading', { name: 'Reorganizations' })).toBeVisible();
});
