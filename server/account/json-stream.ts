import type { ServerResponse } from 'node:http';

/**
 * Writes one JSON document to a response a piece at a time, waiting for the socket to
 * drain when its buffer is full, so an export of any size holds one page in memory.
 */
export class JsonStream {
  /** Whether the next item of the open array is its first. */
  private first: boolean[] = [];

  constructor(private readonly res: ServerResponse) {}

  /** Writes raw JSON text, resolving once the socket will take more. */
  async raw(text: string): Promise<void> {
    if (this.res.destroyed) throw new ExportAborted();
    if (this.res.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', closed);
        resolve();
      };
      const closed = () => {
        this.res.off('drain', done);
        reject(new ExportAborted());
      };
      this.res.on('drain', done);
      this.res.once('close', closed);
    });
  }

  /** `"key": value` of the open object (its first when `first`). */
  field(key: string, value: unknown, first = false): Promise<void> {
    return this.raw(`${first ? '' : ','}\n${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }

  /** Opens `"key": [` of the open object. */
  openArray(key: string, first = false): Promise<void> {
    this.first.push(true);
    return this.raw(`${first ? '' : ','}\n${JSON.stringify(key)}: [`);
  }

  /** One item of the open array. */
  item(value: unknown): Promise<void> {
    const first = this.first[this.first.length - 1];
    this.first[this.first.length - 1] = false;
    return this.raw(`${first ? '' : ','}\n  ${JSON.stringify(value)}`);
  }

  closeArray(): Promise<void> {
    this.first.pop();
    return this.raw('\n]');
  }
}

/** The client went away mid-export: stop reading the store. */
export class ExportAborted extends Error {
  override name = 'ExportAborted';
}
