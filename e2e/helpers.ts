// Steps more than one spec takes through the real UI.
import type { Page } from '@playwright/test';
import { expect, test, type User } from './fixtures.ts';

/** Creates the account from the start page and waits until it is signed in. */
export async function signUp(page: Page, user: User, country: string) {
  await page.goto('/');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Country').selectOption(country);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('user-name')).toContainText(user.name);
}

/** A full-page screenshot kept with the test's artifacts. */
export const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
