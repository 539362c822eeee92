// What a receipt may be, judged by its bytes: the type a browser declares is a claim, the file
// signature is the evidence. Three formats need no library: each has a fixed magic number.
import type { FileType } from './ports.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export const FILE_TYPES: readonly FileType[] = ['application/pdf', 'image/png', 'image/jpeg'];

const SIGNATURES: { type: FileType; magic: number[] }[] = [
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
];

/** How many leading bytes `sniffType` needs. */
export const SNIFF_BYTES = 8;

export function sniffType(start: Uint8Array): FileType | undefined {
  return SIGNATURES.find(({ magic }) => magic.length <= start.length && magic.every((b, i) => start[i] === b))?.type;
}

/** File extension for a type: activity entries name the kind of file, never the file. */
export const typeLabel = (type: FileType): string => ({ 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpeg' })[type];
