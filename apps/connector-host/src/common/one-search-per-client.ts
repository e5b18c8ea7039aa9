import { Injectable } from '@nestjs/common';
import { LimitExceededError } from './domain-errors.js';

/**
 * One search at a time per client (its token, or its address): a search reads up to a bounded amount of the store,
 * the costliest read a client can ask for, so a client cannot run many of them at once.
 */
@Injectable()
export class OneSearchPerClient {
  private readonly searching = new Set<string>();

  async run<T>(client: string, search: () => Promise<T>): Promise<T> {
    if (this.searching.has(client))
      throw new LimitExceededError(
        'busy',
        { name: 'searches in progress per client', max: 1, actual: 2 },
        'This client has a search running: retry once it is answered',
        [],
        1,
      );
    this.searching.add(client);
    try {
      return await search();
    } finally {
      this.searching.delete(client);
    }
  }
}
