// Sizes as people read them. Binary multiples, so the 10 MB upload limit reads as "10 MB".

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;
const sizeFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "1 byte", "512 bytes", "1.5 KB", "10 MB", in the reader's own number format. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${sizeFormat.format(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  // Move up before rounding would print "1,024 KB".
  while (value >= 1023.95 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sizeFormat.format(value)} ${UNITS[unit]}`;
}
