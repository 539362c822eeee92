// The signed-in screens, in the order the nav bar shows them.

export type View = 'stats' | 'records' | 'receipts' | 'profile' | 'data';

export const VIEWS: { id: View; label: string }[] = [
  { id: 'stats', label: 'Stats' },
  { id: 'records', label: 'Health records' },
  { id: 'receipts', label: 'Receipts' },
  { id: 'profile', label: 'Profile' },
  { id: 'data', label: 'Where is my data?' },
];

/** Where a person lands after signing in: the residency panel is what this demo is about. */
export const START_VIEW: View = 'data';
