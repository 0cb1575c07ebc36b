// Errors the storage layer throws on purpose. Everything else it throws is a programming error
// (unknown probe id, duplicate event seq, a call after close) or an I/O failure of the disk.

/** A list cursor (`before`) that this store did not produce: the route answers 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  /** The query field at fault, for the API error body. */
  readonly field = 'before';
  constructor(message: string) {
    super(message);
  }
}

/** The database was written by a newer relayprobe: refuse it rather than misread it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`${file} has schema version ${found}, newer than this relayprobe knows (${known}). ` + 'Run the relayprobe version that wrote it, or restore a backup made for this version.');
  }
}

/**
 * A stored row whose JSON does not parse or has the wrong shape (a disk error, a hand edit, a
 * restore gone wrong): that one result cannot be shown; the rest of the store is fine.
 */
export class DamagedRowError extends Error {
  override readonly name = 'DamagedRowError';
  constructor(
    readonly probeId: string,
    /** What is damaged: "request", "result", "status" or "event N". */
    readonly part: string,
    detail: string,
  ) {
    super(`The stored result ${probeId} is damaged: its ${part} ${detail}. Restore it from a backup, or delete the row.`);
  }
}
