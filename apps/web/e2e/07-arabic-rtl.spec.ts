import { expect, type Page, test } from '@playwright/test';
import { signIn } from './helpers';

async function direction(page: Page) {
  return page.evaluate(() => document.documentElement.dir);
}

test('Arabic keeps the signed-in shell and the users page right-to-left', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('language').selectOption('ar');
  expect(await direction(page)).toBe('rtl');

  // The header runs from the right: the app's name stands right of the user menu.
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'شجرة الوحدات' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'المستخدمون' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'سجل التدقيق' })).toBeVisible();
  const title = await page.getByRole('heading', { name: 'Rollbook' }).boundingBox();
  const menu = await page.getByTestId('user-menu').boundingBox();
  expect(title && menu && title.x > menu.x).toBe(true);

  // The user menu speaks Arabic.
  await page.getByTestId('user-menu').click();
  await expect(page.getByTestId('sign-out')).toHaveText('تسجيل الخروج');
  await expect(page.getByTestId('sign-out-everywhere')).toHaveText('تسجيل الخروج من كل مكان');
  await page.keyboard.press('Escape');

  // The users page: Arabic headings, built-in roles named in Arabic, still right-to-left.
  await nav.getByRole('link', { name: 'المستخدمون' }).click();
  await expect(page.getByRole('heading', { name: 'المستخدمون' })).toBeVisible();
  await expect(page.getByTestId('users-table')).toContainText('مسؤول · المنظمة كلها');
  expect(await direction(page)).toBe('rtl');
  // Columns run right to left: the first column (display name) is the rightmost.
  const first = await page.getByRole('columnheader', { name: 'الاسم المعروض' }).boundingBox();
  const second = await page.getByRole('columnheader', { name: 'اسم المستخدم' }).boundingBox();
  expect(first && second && first.x > second.x).toBe(true);

  // A reload keeps both the language and the session.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'المستخدمون' })).toBeVisible();
  expect(await direction(page)).toBe('rtl');

  // The new-user form too.
  await page.getByTestId('new-user').click();
  await expect(page.getByRole('dialog').getByText('مستخدم جديد').first()).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCSS('direction', 'rtl');
});
