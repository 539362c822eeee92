// A newest-first list shown a page at a time, with deletes, as the records and receipts screens
// use it. Keyboard focus stays in the list when the element that had it disappears.
import { tick } from 'svelte';
import type { Page, PageRequest } from './api.ts';
import { errorCode, errorMessage } from './errors.ts';

const PAGE_SIZE = 20;

export interface PagedListOptions<T> {
  fetchPage: (page: PageRequest) => Promise<Page<T>>;
  /** Adds items without duplicates, in display order. */
  merge: (list: T[], more: T[]) => T[];
  delete: (id: string) => Promise<void>;
  /** "Showing 40 records." after each further page. */
  showing: (count: number) => string;
  /** The element id of each item's delete button, and of the list's heading (tabindex="-1"). */
  deleteButtonId: (item: T) => string;
  headingId: string;
}

export class PagedList<T extends { id: string }> {
  /** Undefined until the first page arrives. */
  items = $state<T[] | undefined>();
  nextCursor = $state<string | null>(null);
  loadError = $state('');
  loading = $state(false);
  moreError = $state('');
  loadingMore = $state(false);
  /** The id being deleted, so its button shows as busy. */
  deleting = $state<string | undefined>();
  listError = $state('');
  listStatus = $state('');

  readonly #options: PagedListOptions<T>;

  constructor(options: PagedListOptions<T>) {
    this.#options = options;
  }

  async load() {
    if (this.loading) return;
    this.loading = true;
    this.loadError = '';
    try {
      const page = await this.#options.fetchPage({ limit: PAGE_SIZE });
      this.items = this.#options.merge([], page.items);
      this.nextCursor = page.nextCursor;
    } catch (e) {
      this.loadError = errorMessage(e);
    } finally {
      this.loading = false;
    }
  }

  async loadMore() {
    if (this.loadingMore || !this.items || this.nextCursor === null) return;
    this.loadingMore = true;
    this.moreError = '';
    const shown = this.items.length;
    try {
      const page = await this.#options.fetchPage({ limit: PAGE_SIZE, cursor: this.nextCursor });
      this.items = this.#options.merge(this.items, page.items);
      this.nextCursor = page.nextCursor;
      this.listStatus = this.#options.showing(this.items.length);
      // The button may be gone (last page): continue from the first new item instead.
      if (this.nextCursor === null) {
        await tick();
        this.#focus(this.items[shown]);
      }
    } catch (e) {
      this.moreError = errorMessage(e);
    } finally {
      this.loadingMore = false;
    }
  }

  /** One just created on this screen. */
  add(item: T) {
    this.items = this.#options.merge(this.items ?? [], [item]);
    this.listError = '';
    this.listStatus = '';
  }

  /** `status` is announced on success, or when the item turns out to be gone already. */
  async remove(item: T, status: { deleted: string; alreadyDeleted: string }) {
    if (this.deleting || !this.items) return;
    this.deleting = item.id;
    this.listError = '';
    this.listStatus = '';
    try {
      await this.#options.delete(item.id);
      this.listStatus = status.deleted;
      await this.#drop(item);
    } catch (e) {
      if (errorCode(e) === 'not_found') {
        // Already gone (another tab, say): what the person wanted, so just catch the list up.
        this.listStatus = status.alreadyDeleted;
        await this.#drop(item);
      } else {
        this.listError = errorMessage(e);
      }
    } finally {
      this.deleting = undefined;
    }
  }

  async #drop(item: T) {
    if (!this.items) return;
    const index = this.items.findIndex((i) => i.id === item.id);
    this.items = this.items.filter((i) => i.id !== item.id);
    await tick();
    // The next item, else the previous one.
    this.#focus(this.items[index] ?? this.items[index - 1]);
  }

  /** The item's delete button, else (no such item) the heading. */
  #focus(item: T | undefined) {
    const button = item && document.getElementById(this.#options.deleteButtonId(item));
    (button ?? document.getElementById(this.#options.headingId))?.focus();
  }
}
