/**
 * One error type with a code. The code's prefix (before `:`) maps to an HTTP status in
 * `statusForCode`; the HTTP error middleware renders every PodciteError the same way.
 */
export type ErrorFamily =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'rate_limited'
  | 'timeout'
  | 'unavailable'
  | 'index'
  | 'config'
  | 'parse'
  | 'internal';

const STATUS_BY_FAMILY: Record<ErrorFamily, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  timeout: 504,
  unavailable: 503,
  index: 503,
  config: 500,
  parse: 422,
  internal: 500,
};

export class PodciteError extends Error {
  /** e.g. `bad_request:chat`, `unavailable:llm`, `index:embedder_mismatch`. */
  readonly code: string;

  constructor(code: `${ErrorFamily}` | `${ErrorFamily}:${string}`, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PodciteError';
    this.code = code;
  }

  get family(): ErrorFamily {
    return this.code.split(':')[0] as ErrorFamily;
  }

  get status(): number {
    return statusForCode(this.code);
  }
}

/** HTTP status for an error code, from its family prefix. Unknown families are 500. */
export function statusForCode(code: string): number {
  const family = code.split(':')[0] as ErrorFamily;
  return STATUS_BY_FAMILY[family] ?? 500;
}
