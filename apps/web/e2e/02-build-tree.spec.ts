import { expect, test } from '@playwright/test';
import { expandNode, signIn, uniqueCode } from './helpers';

test('builds a small tree in the UI: a top unit, then units under it', async ({ page }) => {
  const top = uniqueCode('TOP');
  const province = uniqueCode('PRV');
  const commune = uniqueCode('COM');

  await signIn(page);
  // On an empty database the welcome panel offers the same form.
  const addTop = page.getByTestId('add-top').or(page.getByTestId('create-top'));
  await addTop.click();
  let dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Code').fill(top);
  await dialog.getByLabel('Name').fill(`Central committee ${top}`);
  await expect(dialog.getByLabel('Kind')).toHaveValue('central');
  await dialog.getByLabel('Decision number').fill('1-QĐ/TW');
  await dialog.getByRole('button', { name: 'Add the unit' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`tree-node-${top}`)).toBeVisible();

  // Under a central committee the rule pack allows only province-level committees.
  await page.getByTestId(`add-under-${top}`).click();
  dialog = page.getByRole('dialog');
  const kindOptions = dialog.getByLabel('Kind').locator('option');
  await expect(kindOptions).toHaveText(['Province-level committee']);
  await dialog.getByLabel('Code').fill(province);
  await dialog.getByLabel('Name').fill(`Province ${province}`);
  await dialog.getByRole('button', { name: 'Add the unit' }).click();
  await expect(dialog).toBeHidden();

  await expandNode(page, top);
  await expect(page.getByTestId(`tree-node-${province}`)).toBeVisible();
  await expect(page.getByTestId(`child-count-${top}`)).toHaveText('1 unit under it');

  await page.getByTestId(`add-under-${province}`).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Code').fill(commune);
  await dialog.getByLabel('Name').fill(`Commune ${commune}`);
  await dialog.getByLabel('Kind').selectOption('commune');
  await dialog.getByRole('button', { name: 'Add the unit' }).click();
  await expect(dialog).toBeHidden();
  await expandNode(page, province);
  await expect(page.getByTestId(`tree-node-${commune}`)).toBeVisible();

  // A code already in use is refused with the server's message, in the form.
  await page.getByTestId(`add-under-${province}`).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Code').fill(commune);
  await dialog.getByLabel('Name').fill('Duplicate');
  await dialog.getByLabel('Kind').selectOption('commune');
  await dialog.getByRole('button', { name: 'Add the unit' }).click();
  await expect(
    dialog.locator('.mantine-InputWrapper-error, [data-testid="form-error"]').first(),
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // The unit page shows the breadcrumb of ancestors.
  await page
    .getByTestId(`tree-node-${commune}`)
    .getByRole('link', { name: `Commune ${commune}` })
    .click();
  await expect(page.getByTestId('unit-title')).toHaveText(`Commune ${commune}`);
  const breadcrumb = page.getByTestId('breadcrumb');
  await expect(breadcrumb.getByRole('link', { name: `Central committee ${top}` })).toBeVisible();
  await expect(breadcrumb.getByRole('link', { name: `Province ${province}` })).toBeVisible();
});
