/**
 * A parquet reader's view of a file: byte ranges read on demand with positioned reads on one open
 * handle, so only the footer and the column chunks of the row group being read are ever in memory.
 */
import { open } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';

export interface FileBuffer extends AsyncBuffer {
  close(): Promise<void>;
}

export async function openFileBuffer(path: string): Promise<FileBuffer> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const out = new Uint8Array(Math.max(0, stop - start));
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) throw new Error(`${path} ended at byte ${start + done}, expected ${stop}`);
        done += bytesRead;
      }
      return out.buffer;
    },
    close: () => handle.close(),
  };
}
