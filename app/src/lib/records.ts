// The rules of the "Add measurement" form and how records read on screen, kept out of the
// components so they are easy to read and check. The server checks the same ranges; checking
// here first only saves a round trip.
import type { BloodPressure, HealthRecord, NewRecord, RecordKind } from './api.ts';

export interface Range {
  min: number;
  max: number;
}

interface KindRule {
  label: string;
  /** The first unit is the default. */
  units: Record<string, Range>;
}

/** Blood pressure's unit; its two parts have their own ranges. */
const BP_UNIT = 'mmHg';
export const SYSTOLIC: Range = { min: 50, max: 250 };
export const DIASTOLIC: Range = { min: 30, max: 150 };

export const KINDS: Record<RecordKind, KindRule> = {
  heart_rate: { label: 'Heart rate', units: { bpm: { min: 20, max: 250 } } },
  blood_oxygen: { label: 'Blood oxygen', units: { '%': { min: 50, max: 100 } } },
  blood_glucose: { label: 'Blood glucose', units: { 'mmol/L': { min: 1, max: 40 }, 'mg/dL': { min: 18, max: 720 } } },
  weight: { label: 'Weight', units: { kg: { min: 1, max: 500 }, lb: { min: 2, max: 1100 } } },
  blood_pressure: { label: 'Blood pressure', units: { [BP_UNIT]: { min: SYSTOLIC.min, max: SYSTOLIC.max } } },
};

export const KIND_IDS = Object.keys(KINDS) as RecordKind[];

export function isKind(kind: string): kind is RecordKind {
  return Object.hasOwn(KINDS, kind);
}

/** "Heart rate" for heart_rate; a kind this build does not know shows as sent. */
export function kindLabel(kind: string): string {
  return isKind(kind) ? KINDS[kind].label : kind;
}

export function unitsOf(kind: RecordKind): string[] {
  return Object.keys(KINDS[kind].units);
}

export function rangeOf(kind: RecordKind, unit: string): Range | undefined {
  return KINDS[kind].units[unit];
}

/** Element ids, also the stable hooks for tests. */
export const RECORD_INPUT_IDS = {
  kind: 'record-kind',
  unit: 'record-unit',
  value: 'record-value',
  systolic: 'record-systolic',
  diastolic: 'record-diastolic',
  takenAt: 'record-taken-at',
} as const;

export type RecordFieldName = keyof typeof RECORD_INPUT_IDS;

export interface RecordFields {
  kind: RecordKind;
  unit: string;
  /** Number inputs bound with bind:value give a number, or null when empty or not a number. */
  value: number | null;
  systolic: number | null;
  diastolic: number | null;
  /** The datetime-local value, local time: YYYY-MM-DDTHH:mm */
  takenAt: string;
}

export function emptyFields(kind: RecordKind = 'heart_rate', now = new Date()): RecordFields {
  return { kind, unit: unitsOf(kind)[0]!, value: null, systolic: null, diastolic: null, takenAt: toLocalInput(now) };
}

/** A datetime-local value (local time, to the minute) for a moment. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** The moment a datetime-local value names, in the browser's time zone; undefined if it is not one. */
export function fromLocalInput(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface FieldError {
  field: RecordFieldName;
  message: string;
}

function checkNumber(field: RecordFieldName, name: string, value: number | null, range: Range, unit: string) {
  if (value === null || !Number.isFinite(value)) return { field, message: `Enter the ${name}.` };
  if (value < range.min || value > range.max)
    return { field, message: `${capitalise(name)} must be between ${range.min} and ${range.max} ${unit}.` };
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The request body for the form, or the first thing to fix. */
export function toNewRecord(fields: RecordFields, now = new Date()): NewRecord | FieldError {
  const { kind, unit } = fields;
  const range = rangeOf(kind, unit);
  if (!range) return { field: 'unit', message: 'Choose a unit.' };

  let value: number | BloodPressure;
  if (kind === 'blood_pressure') {
    const problem =
      checkNumber('systolic', 'systolic pressure', fields.systolic, SYSTOLIC, unit) ??
      checkNumber('diastolic', 'diastolic pressure', fields.diastolic, DIASTOLIC, unit);
    if (problem) return problem;
    value = { systolic: fields.systolic!, diastolic: fields.diastolic! };
  } else {
    const problem = checkNumber('value', kindLabel(kind).toLowerCase(), fields.value, range, unit);
    if (problem) return problem;
    value = fields.value!;
  }

  const taken = fromLocalInput(fields.takenAt);
  if (!taken) return { field: 'takenAt', message: 'Enter the date and time the measurement was taken.' };
  if (taken.getTime() > now.getTime()) return { field: 'takenAt', message: 'The time taken cannot be in the future.' };

  return { kind, value, unit, takenAt: taken.toISOString() };
}

export function isFieldError(result: NewRecord | FieldError): result is FieldError {
  return 'message' in result;
}

/** Which input a server `field` (e.g. "value.systolic" or "takenAt") points at, if any. */
export function fieldFromServer(field: string | undefined, kind: RecordKind): RecordFieldName | undefined {
  if (!field) return undefined;
  if (field === 'value.systolic') return 'systolic';
  if (field === 'value.diastolic') return 'diastolic';
  if (field === 'value' || field.startsWith('value.')) return kind === 'blood_pressure' ? 'systolic' : 'value';
  if (field === 'kind' || field === 'unit' || field === 'takenAt') return field;
  return undefined;
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

/** "72.5 kg", "97%", "120/80 mmHg". */
export function formatValue(record: Pick<HealthRecord, 'value' | 'unit'>): string {
  const { value, unit } = record;
  const amount =
    typeof value === 'number'
      ? numberFormat.format(value)
      : `${numberFormat.format(value.systolic)}/${numberFormat.format(value.diastolic)}`;
  return unit === '%' ? `${amount}%` : `${amount} ${unit}`;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A stored ISO time in the reader's own time zone and language. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** Newest first by the time taken; ties by the time stored. */
export function byNewest(a: HealthRecord, b: HealthRecord): number {
  return compareIsoDesc(a.takenAt, b.takenAt) || compareIsoDesc(a.createdAt, b.createdAt);
}

function compareIsoDesc(a: string, b: string): number {
  return (Date.parse(b) || 0) - (Date.parse(a) || 0);
}

/** Adds records to a list without duplicates (a later page may repeat one just added), newest first. */
export function mergeRecords(list: HealthRecord[], more: HealthRecord[]): HealthRecord[] {
  const byId = new Map(list.map((r) => [r.id, r]));
  for (const r of more) byId.set(r.id, r);
  return [...byId.values()].sort(byNewest);
}
