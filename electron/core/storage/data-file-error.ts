/** A file in the data directory that failed to parse or validate. It is reported and never overwritten. */
export class DataFileError extends Error {
  constructor(
    readonly path: string,
    /** "line 12, column 5" or a field path such as "flags.publish-events.defaultVariant" */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${path}: ${where}: ${problem}`);
    this.name = 'DataFileError';
  }
}
