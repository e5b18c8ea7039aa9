/**
 * Runs `deleteBatch` until it deletes nothing more, with a turn of the event loop between batches (a purge of a
 * million rows holds up no request for more than one batch); returns how many rows went.
 */
export async function purgeInBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let purged = 0;
  for (;;) {
    const gone = await deleteBatch();
    purged += gone;
    if (gone === 0) return purged;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
