import { randomBytes } from 'node:crypto';

export interface Notice {
  ok: boolean;
  text: string;
}

/**
 * The outcome of a POST, shown once on the page it redirects to (post/redirect/get: a live
 * reload must never re-submit a form). Kept in memory, the newest 50.
 */
export class Notices {
  private readonly byId = new Map<string, Notice>();

  add(notice: Notice): string {
    const id = randomBytes(6).toString('hex');
    this.byId.set(id, notice);
    if (this.byId.size > 50) this.byId.delete(this.byId.keys().next().value as string);
    return id;
  }

  get(id: string | undefined): Notice | undefined {
    return id ? this.byId.get(id) : undefined;
  }
}
