// Where the repository's own catalog and policy live (tools and the local stack; bundles get
// an explicit path).
import { fileURLToPath } from 'node:url';

export const DEFAULT_CATALOG_FILE = fileURLToPath(new URL('./regions.json', import.meta.url));
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('./policy.json', import.meta.url));
