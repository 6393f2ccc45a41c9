/**
 * Thrown when a value cannot be written. JsonPlusSerializer silently drops functions and
 * symbols and writes "[Circular]" for cycles; a checkpoint that quietly loses state is worse
 * than a loud failure, so we refuse and say where.
 */
export class SerializationError extends Error {
  readonly code = "FLG_SERIALIZE";
  /** Where the bad value sits, e.g. `$.messages[3].kwargs.additional_kwargs.fn`. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(`${message} at ${path}`, options);
    this.name = "SerializationError";
    this.path = path;
  }
}

/** Thrown when stored data cannot be read back (bad JSON, unknown type tag, failed LangChain load). */
export class DeserializationError extends Error {
  readonly code = "FLG_DESERIALIZE";
  /** Where in the stored JSON the problem is, when known (`$` is the root). */
  readonly path: string | undefined;

  constructor(message: string, options?: { path?: string; cause?: unknown }) {
    super(options?.path === undefined ? message : `${message} at ${options.path}`, options);
    this.name = "DeserializationError";
    this.path = options?.path;
  }
}

/**
 * Thrown by the synchronous readers when the data holds an `lc:1` object that is not one of
 * the message classes we construct directly: those go through `load()` of
 * `@langchain/core/load`, which is async. `loadsTyped` / `parse` handle this themselves.
 */
export class AsyncLoadRequiredError extends DeserializationError {
  constructor(path: string, id: readonly unknown[]) {
    super(`lc:1 object ${JSON.stringify(id)} needs the async LangChain load(); use loadsTyped()/parse()`, {
      path,
    });
    this.name = "AsyncLoadRequiredError";
  }
}
