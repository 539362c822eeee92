// How activity log entries read on screen.
import type { ActivityEntry } from './api.ts';
import { knownTypeLabel } from './files.ts';
import { isKind, kindLabel } from './records.ts';

const ACTIONS: Record<string, string> = {
  signup: 'Created the account',
  login: 'Signed in',
  profile_update: 'Updated the profile',
  record_add: 'Added a measurement',
  record_delete: 'Deleted a measurement',
  file_upload: 'Uploaded a receipt',
  file_delete: 'Deleted a receipt',
  export: 'Downloaded a copy of the data',
};

/** "Added a measurement: Heart rate", "Uploaded a receipt: PDF"; an unknown action shows as sent. */
export function describeActivity(entry: Pick<ActivityEntry, 'action' | 'detail'>): string {
  const action = ACTIONS[entry.action] ?? entry.action;
  if (entry.detail === null) return action;
  return `${action}: ${detailLabel(entry.detail)}`;
}

/** The detail is a record kind or a file type (never a file name); anything else shows as sent. */
function detailLabel(detail: string): string {
  if (isKind(detail)) return kindLabel(detail);
  return knownTypeLabel(detail) ?? detail;
}
