import { lstatSync, unlinkSync } from 'node:fs';

/** Removes a stale Unix socket file before listening on its path; anything else there is left for listen() to report. */
export function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // nothing there
  }
}
