// How activity log entries read on screen.
import type { ActivityEntry } from './api.ts';
import { isKind, kindLabel } from './records.ts';

const ACTIONS: Record<string, string> = {
  signup: 'Created the account',
  login: 'Signed in',
  profile_update: 'Updated the profile',
  record_add: 'Added a measurement',
  record_delete: 'Deleted a measurement',
  export: 'Downloaded a copy of the data',
};

/** "Added a measurement: Heart rate"; an action this build does not know shows as sent. */
export function describeActivity(entry: Pick<ActivityEntry, 'action' | 'detail'>): string {
  const action = ACTIONS[entry.action] ?? entry.action;
  if (entry.detail === null) return action;
  return `${action}: ${isKind(entry.detail) ? kindLabel(entry.detail) : entry.detail}`;
}
