import type { Attachment } from 'svelte/attachments';

/**
 * Moves focus to the element when it appears (and `when` holds), so keyboard and screen-reader
 * users land on the step they just moved to.
 */
export function focusOnMount(when = true): Attachment<HTMLElement> {
  return (element) => {
    if (when) element.focus();
  };
}
