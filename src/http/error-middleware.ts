import type { ErrorRequestHandler, Request } from 'express';
import { PodciteError, statusForCode } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import { requestLogger } from './request-log.js';

/** What a client may see of an error: never a stack, a file path or a secret. */
export interface PublicError {
  status: number;
  code: string;
  message: string;
}

const INTERNAL_MESSAGE = 'Internal server error. The server log has the details.';

// Absolute POSIX paths with at least two segments, Windows drive paths, and file:// URLs.
const PATH_PATTERN = /(?:file:\/\/)?(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?/g;
// Common credential shapes: OpenAI-style keys and bearer headers; `name=value` pairs keep their name.
const SECRET_PATTERNS = [/\bsk-[A-Za-z0-9_-]{6,}/g, /\bBearer\s+\S+/gi];
const SECRET_ASSIGNMENT = /\b(api[_-]?key|token|secret|password|authorization)(\s*[=:]\s*)\S+/gi;

function redactLiterals(message: string, secrets: readonly string[]): string {
  let cleaned = message;
  for (const secret of secrets) {
    if (secret.length >= 4) cleaned = cleaned.split(secret).join('[redacted]');
  }
  return cleaned;
}

/**
 * Removes paths and secrets from a message meant for a client. `secrets` are literal values
 * (API_TOKEN, OPENAI_API_KEY) replaced wherever they appear.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let cleaned = redactLiterals(message, secrets);
  // Shapes first, so `Authorization: Bearer x` loses the whole credential, not just the word "Bearer".
  for (const pattern of SECRET_PATTERNS) cleaned = cleaned.replace(pattern, '[redacted]');
  cleaned = cleaned.replace(SECRET_ASSIGNMENT, '$1$2[redacted]');
  return cleaned.replace(PATH_PATTERN, '[path]');
}

/**
 * Maps anything thrown to what a client may see. PodciteErrors keep their code and (redacted)
 * message; body-parser errors become 400/413; anything else is a generic 500, because its
 * message was never written for users and may carry internals.
 */
export function toPublicError(error: unknown, secrets: readonly string[]): PublicError {
  if (error instanceof PodciteError) {
    const status = statusForCode(error.code);
    // 4xx messages are written for the client (and echo only its own input); server-side
    // failures may wrap a vendor or file-system message, so those are scrubbed.
    const message = status >= 500 ? redact(error.message, secrets) : redactLiterals(error.message, secrets);
    return { status, code: error.code, message };
  }
  const bodyParserType = (error as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.too.large') {
    return {
      status: 413,
      code: 'payload_too_large',
      message: 'The request body is too large (limit 64 kB).',
    };
  }
  if (bodyParserType === 'entity.parse.failed') {
    return { status: 400, code: 'bad_request:json', message: 'The request body is not valid JSON.' };
  }
  if (typeof bodyParserType === 'string') {
    // encoding.unsupported, charset.unsupported, request.aborted, stream.encoding.set …
    return { status: 400, code: 'bad_request:body', message: 'The request body could not be read; send UTF-8 JSON.' };
  }
  return { status: 500, code: 'internal', message: INTERNAL_MESSAGE };
}

const OPENAI_TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The body for an error: podcite's `{error:{code,message}}`, or OpenAI's shape under `/v1`. */
export function errorBody(publicError: PublicError, options: { openAI: boolean }): object {
  if (!options.openAI) return { error: { code: publicError.code, message: publicError.message } };
  return {
    error: {
      message: publicError.message,
      type: OPENAI_TYPE_BY_STATUS[publicError.status] ?? 'server_error',
      code: publicError.code,
      param: null,
    },
  };
}

/** True for the OpenAI-compatible routes, whose clients expect OpenAI's error shape. */
export function isOpenAIPath(request: Request): boolean {
  return request.path === '/v1' || request.path.startsWith('/v1/');
}

export interface ErrorReporting {
  /** Where failures are logged (a request's child logger carries its request id). */
  logger: Logger;
  /** Literal secret values (API_TOKEN, OPENAI_API_KEY) redacted from messages. */
  secrets: readonly string[];
}

/**
 * Logs a failure under `context` and returns what the client may see: a server-side failure (5xx)
 * as an `error` line with the stack and code; a client error (4xx) as a `warn` line with its code
 * only, since the message may echo the client's input.
 */
export function reportError(error: unknown, options: ErrorReporting & { context: string }): PublicError {
  const publicError = toPublicError(error, options.secrets);
  if (publicError.status >= 500) {
    options.logger.error(
      { err: error, code: publicError.code, status: publicError.status, context: options.context },
      `${options.context} failed`,
    );
  } else {
    options.logger.warn(
      { code: publicError.code, status: publicError.status, context: options.context },
      `${options.context}: ${publicError.code}`,
    );
  }
  return publicError;
}

/**
 * The one Express error handler: logs, then renders the public part in the shape the route's
 * clients expect. When the response has already started (a stream), it can only end it.
 */
export function errorMiddleware(options: ErrorReporting): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const publicError = reportError(error, {
      ...options,
      logger: requestLogger(response, options.logger),
      context: `${request.method} ${request.path.slice(0, 200)}`,
    });
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(publicError.status).json(errorBody(publicError, { openAI: isOpenAIPath(request) }));
  };
}
