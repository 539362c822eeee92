// The home region a project's users come from, and a unique user per test.
import { test as base } from '@playwright/test';

export interface HomeRegion {
  country: string;
  countryName: string;
  region: string;
  label: string;
}

export interface User {
  name: string;
  email: string;
  password: string;
}

export const test = base.extend<{ home: HomeRegion; user: User }>({
  home: [{ country: 'IE', countryName: 'Ireland', region: 'eu-west-1', label: 'Europe (Ireland)' }, { option: true }],
  user: async ({ home }, use, info) => {
    const id = `${home.country.toLowerCase()}-${info.workerIndex}-${Date.now().toString(36)}`;
    await use({ name: `E2E ${home.countryName} ${id}`, email: `e2e.${id}@example.com`, password: `e2e-password-${id}` });
  },
});

export { expect } from '@playwright/test';
