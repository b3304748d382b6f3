import { expect, test } from '@playwright/test';
import {
  apiOf,
  createUser,
  demoUnit,
  pickUnit,
  signIn,
  signOut,
  submitSignIn,
  uniqueUsername,
} from './helpers';

// Two viewers of the demo organization: one over the An Giang province, one over a commune in it.
test('each user sees only their own subtree; a unit outside it is "not found"', async ({ page }) => {
  await signIn(page);
  const api = await apiOf(page);
  const province = await demoUnit(api, 'AG');
  const commune = await demoUnit(api, 'AG-LX');
  const otherProvince = await demoUnit(api, 'CT');

  // The province viewer is made through the users page: role, then the unit picker.
  const provinceViewer = { username: uniqueUsername('ag'), password: 'province viewer password' };
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByTestId('new-user').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('user-username').fill(provinceViewer.username);
  await dialog.getByTestId('user-display-name').fill('Province viewer');
  await dialog.getByTestId('user-password').fill(provinceViewer.password);
  await dialog.getByTestId('user-grant-role').selectOption('viewer');
  await pickUnit(page, 'user-grant-unit', province.code, 'tinh an giang');
  await dialog.getByTestId('create-user-submit').click();
  await expect(page.getByTestId('user-title')).toHaveText('Province viewer');
  await expect(page.getByTestId('user-grants-table')).toContainText('Viewer');
  await expect(page.getByTestId('user-grants-table')).toContainText(province.name);

  // The commune viewer is made through the API, as a script with the administrator's session would.
  const communeViewer = { username: uniqueUsername('lx'), password: 'commune viewer password' };
  await createUser(api, {
    ...communeViewer,
    displayName: 'Commune viewer',
    grants: [{ role: 'viewer', unitId: commune.id }],
  });

  await signOut(page);

  // Signed out, a unit's address leads to the sign-in page, and back to the unit after signing in.
  await page.goto(`/units/${province.id}`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await expect(page.getByTestId('sign-in-needed')).toBeVisible();
  await submitSignIn(page, provinceViewer);
  await expect(page).toHaveURL(new RegExp(`/units/${province.id}$`));
  await expect(page.getByTestId('unit-title')).toHaveText(province.name);
  // A viewer adds nothing: no "add a unit" on the page, and only the pages a viewer may open.
  await expect(page.getByTestId('add-child')).toHaveCount(0);
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Unit tree' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit trail' })).toHaveCount(0);

  // The tree starts at the province: nothing above it, no other province, no "add" buttons.
  await nav.getByRole('link', { name: 'Unit tree' }).click();
  await expect(page.getByTestId(`tree-node-${province.code}`)).toBeVisible();
  await expect(page.getByRole('tree').getByRole('treeitem', { level: 1 })).toHaveCount(1);
  await expect(page.getByTestId('tree-node-TW')).toHaveCount(0);
  await expect(page.getByTestId(`tree-node-${otherProvince.code}`)).toHaveCount(0);
  await expect(page.getByTestId('add-top')).toHaveCount(0);
  await expect(page.getByTestId(`add-under-${province.code}`)).toHaveCount(0);
  // Searching does not reach outside either.
  await page.getByTestId('unit-search').fill('Cần Thơ');
  await expect(page.getByTestId('search-results')).toContainText('No unit matches');
  // Another province's address answers exactly like a unit that does not exist.
  await page.goto(`/units/${otherProvince.id}`);
  await expect(page.getByRole('alert')).toContainText('Unit not found');

  // "My account" lists the grant, with its unit.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-account').click();
  await expect(page.getByTestId('my-grants')).toContainText('Viewer');
  await expect(page.getByTestId('my-grants').getByRole('link', { name: province.name })).toBeVisible();
  await expect(page.getByTestId('my-permissions')).toContainText('See units');
  await expect(page.getByTestId('my-permissions')).not.toContainText('Manage users');
  // Pages for other roles say so instead of failing.
  await page.goto('/users');
  await expect(page.getByTestId('not-allowed')).toBeVisible();

  await signOut(page);

  // The commune viewer: the commune is the top of their tree; its province is out of reach.
  await signIn(page, communeViewer);
  await expect(page.getByTestId(`tree-node-${commune.code}`)).toBeVisible();
  await expect(page.getByRole('tree').getByRole('treeitem', { level: 1 })).toHaveCount(1);
  await expect(page.getByTestId(`tree-node-${province.code}`)).toHaveCount(0);
  await page.goto(`/units/${province.id}`);
  await expect(page.getByRole('alert')).toContainText('Unit not found');
  await page.goto(`/units/${commune.id}`);
  await expect(page.getByTestId('unit-title')).toHaveText(commune.name);
});
