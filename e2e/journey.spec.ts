// A user's whole journey through the real UI, per home region: profile, health records, stats,
// sign-in from another country, a tampered cookie, a second user who sees nothing, export and
// erasure. Screenshots of the main screens are kept as artifacts.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { shot, signUp } from './helpers.ts';

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('profile, records, another country, tampering, a second user, export and erasure', async ({ page, browser, home, user }) => {
  const canary = `Canary ${Date.now().toString(36)}`;
  await signUp(page, user, home.country);
  await expect(page.getByTestId('data-region')).toContainText(home.region);

  await test.step('fill the profile', async () => {
    await page.getByTestId('nav-profile').click();
    await page.getByLabel('Phone').fill('+1 555 0100');
    await page.getByLabel('Address line 1').fill(`1 ${canary} Street`);
    await page.getByLabel('City').fill('Springfield');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('profile-saved')).toHaveText('Saved');
    await shot(page, 'profile');
  });

  await test.step('add health records and see them counted', async () => {
    await page.getByTestId('nav-records').click();
    await page.getByLabel('Kind').selectOption('heart_rate');
    await page.getByLabel('Value').fill('64');
    await page.getByRole('button', { name: 'Add measurement' }).click();
    await expect(page.getByTestId('record-item')).toHaveCount(1);
    await page.getByLabel('Kind').selectOption('blood_pressure');
    await page.getByLabel('Systolic').fill('118');
    await page.getByLabel('Diastolic').fill('76');
    await page.getByRole('button', { name: 'Add measurement' }).click();
    await expect(page.getByTestId('record-item')).toHaveCount(2);
    await shot(page, 'records');
    await page.getByTestId('nav-stats').click();
    await expect(page.getByTestId('stat-total')).toHaveText('2');
    await expect(page.getByTestId('activity-item').first()).toBeVisible();
    await shot(page, 'stats');
  });

  await test.step('sign in again from another country and land on the same data', async () => {
    const abroad = await browser.newContext({ extraHTTPHeaders: { 'x-emulator-viewer-country': home.country === 'AU' ? 'IE' : 'AU' } });
    const p = await abroad.newPage();
    await signIn(p, user);
    await expect(p.getByTestId('data-region')).toContainText(home.region);
    await p.getByTestId('nav-records').click();
    await expect(p.getByTestId('record-item')).toHaveCount(2);
    await abroad.close();
  });

  await test.step('a second user in the same region sees none of it', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signUp(p, { name: 'Second Person', email: `second.${user.email}`, password: user.password }, home.country);
    await p.getByTestId('nav-records').click();
    await expect(p.getByText('No measurements yet.')).toBeVisible();
    await expect(p.getByTestId('record-item')).toHaveCount(0);
    await p.getByTestId('nav-profile').click();
    await expect(p.getByLabel('Address line 1')).toHaveValue('');
    await other.close();
  });

  await test.step('a session cookie tampered in the browser signs the user out', async () => {
    const tampered = await browser.newContext();
    const p = await tampered.newPage();
    await signIn(p, user);
    await expect(p.getByTestId('user-name')).toBeVisible();
    const [session] = (await tampered.cookies()).filter((c) => c.name === '__Host-session');
    const [h, payload, sig] = session!.value.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, rgn: 'us-east-1' })).toString('base64url'), sig].join('.');
    await tampered.addCookies([{ ...session!, value: forged }]);
    await p.reload();
    await expect(p.getByRole('tab', { name: 'Sign in' })).toBeVisible();
    await tampered.close();
  });

  await test.step('download my data', async () => {
    await page.getByTestId('nav-data').click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data' }).click();
    const file = await (await download).path();
    const exported = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')));
    expect(exported.storedIn.region).toBe(home.region);
    expect(exported.records).toHaveLength(2);
    expect(JSON.stringify(exported.profile)).toContain(canary);
    await shot(page, 'where-is-my-data');
  });

  await test.step('delete the account, then fail to sign in', async () => {
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByLabel('Type DELETE to confirm').fill('DELETE');
    await page.getByRole('button', { name: 'Delete everything' }).click();
    await expect(page.getByTestId('session-notice')).toContainText('Your account and all its data were deleted.');
    await signIn(page, user);
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByTestId('user-name')).toHaveCount(0);
  });
});
