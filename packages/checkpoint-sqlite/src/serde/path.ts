// Error paths are only built when something fails: the walkers push one segment per frame
// while the error unwinds, so the happy path never concatenates strings.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `.key` for identifier-like keys, `["odd key"]` otherwise. */
export function keySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function indexSegment(index: number): string {
  return `[${index}]`;
}

/** Segments are collected innermost first while unwinding. */
export function joinPath(reversedSegments: readonly string[]): string {
  let path = "$";
  for (let i = reversedSegments.length - 1; i >= 0; i--) path += reversedSegments[i];
  return path;
}

/** Internal failure that collects its path while unwinding; converted to a public error at the top. */
export class PathFailure {
  readonly segments: string[] = [];

  constructor(
    readonly reason: string,
    readonly cause?: unknown,
  ) {}
}
