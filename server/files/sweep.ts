import { FILE_SWEEP_BATCH } from '../limits.js';
import type { Services } from '../services.js';

/**
 * Removes files no one may read any more (store's `deadFiles`): uploads never sent
 * within FILE_ORPHAN_MS, those of deleted messages, avatars no one shows. Each file is
 * deleted only while it is still dead, in one statement, so every node may sweep at
 * the same time: each file goes once, and one sent meanwhile stays.
 */
export async function sweepFiles(services: Services, now = Date.now()): Promise<number> {
  const { store, config } = services;
  const orphanBefore = now - config.files.orphanMs;
  let removed = 0;
  for (;;) {
    const ids = await store.deadFiles(orphanBefore, FILE_SWEEP_BATCH);
    let deleted = 0;
    for (const id of ids) if (await store.deleteFile(id, orphanBefore)) deleted += 1;
    removed += deleted;
    // Another node took this batch, or it was the last: look again next time.
    if (ids.length < FILE_SWEEP_BATCH || deleted === 0) return removed;
  }
}

/** Sweeps every `config.files.sweepMs` until the function it returns is called. */
export function startFileSweep(services: Services): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepFiles(services).then(
      (removed) => removed > 0 && services.log.info({ removed }, 'removed files no one may read any more'),
      (error: unknown) => services.log.error({ err: error }, 'file sweep failed'),
    );
  }, services.config.files.sweepMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
