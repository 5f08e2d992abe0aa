import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A file the blob store is still writing (renamed into place when whole): never copied. */
const IN_PROGRESS = /\.part$/;

const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
const exists = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Copies the files under `from` into `to`, keeping any that `to` already has, and
 * returns how many it added. A file that disappears meanwhile (deleted by the live
 * server) is skipped, as is one still being written. With `hardLinks`, files are linked
 * rather than copied where the file system allows: instant, and the link keeps the
 * bytes even if the server deletes its own name for them afterwards.
 */
export async function copyTree(from: string, to: string, { hardLinks = false } = {}): Promise<number> {
  let entries;
  try {
    entries = await readdir(from, { withFileTypes: true });
  } catch (error) {
    if (missing(error)) return 0;
    throw error;
  }
  await mkdir(to, { recursive: true });
  let added = 0;
  for (const entry of entries) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      added += await copyTree(source, target, { hardLinks });
      continue;
    }
    if (!entry.isFile() || IN_PROGRESS.test(entry.name)) continue;
    try {
      if (hardLinks) {
        try {
          await link(source, target);
        } catch (error) {
          if (exists(error) || missing(error)) throw error;
          await copyFile(source, target); // another file system, or links not allowed
        }
      } else {
        await copyFile(source, target, constants.COPYFILE_EXCL); // keep what is there
      }
      added += 1;
    } catch (error) {
      if (!missing(error) && !exists(error)) throw error;
    }
  }
  return added;
}
