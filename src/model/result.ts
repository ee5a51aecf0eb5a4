// One shape for "a value, or why not": parsers, readers, settings and plans all return a Result, so every
// caller checks `ok` and then reads `value` or `error`, the same two names everywhere. Errors are values;
// an exception means a bug.
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };
