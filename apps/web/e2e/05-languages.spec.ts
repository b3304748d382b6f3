import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('Arabic turns the page right-to-left and translates it; the choice is remembered', async ({ page }) => {
  await signIn(page);
  await page.goto('/orders');
  await expect(page.getByRole('heading', { name: 'Reorganizations' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');

  await page.getByTestId('language').selectOption('ar');
  await expect(page.getByRole('heading', { name: 'إعادة التنظيم' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
  await expect(page.getByRole('link', { name: 'شجرة الوحدات' })).toBeVisible();
  await expect(page.getByText('بتاريخ', { exact: true })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'إعادة التنظيم' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');

  await page.getByTestId('language').selectOption('vi');
  await expect(page.getByRole('heading', { name: 'Sắp xếp tổ chức' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
});
