import { expect, test } from './fixtures.ts';
import { shot } from './helpers.ts';

test('sign up through the UI and see where the data lives', async ({ page, home, user }) => {
  await page.goto('/');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Country').selectOption(home.country);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByTestId('data-region')).toContainText(home.region);
  await expect(page.getByTestId('data-region-label')).toContainText(home.label);
  await expect(page.getByTestId('user-name')).toContainText(user.name);
  // A canary in the profile, for the residency audit that runs after the suite.
  await page.getByTestId('nav-profile').click();
  await page.getByLabel('Address line 1').fill(`7 Canary${Date.now().toString(36)} Road`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('profile-saved')).toHaveText('Saved');
  await page.getByTestId('nav-data').click();
  await shot(page, `data-panel-${home.region}`);

  // Signing out and back in, email first, lands on the same silo without naming it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('data-region')).toContainText(home.region);
});
