// Saving a fetched file. A temporary <a download> pointing at a blob: URL is a download (a
// navigation), not a fetch, so CSP default-src 'self' allows it, and nothing leaves the page.
import type { ExportFile } from './api.ts';

/** How long the blob stays alive: long enough for the browser to start the download. */
const REVOKE_AFTER_MS = 60_000;

export function saveFile({ blob, filename }: ExportFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}
