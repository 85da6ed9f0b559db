/**
 * The slice of Lambda's REST API (2015-03-31) the lifecycle commands call, served for the local stack's one function,
 * so `@aws-sdk/client-lambda` drives the local stack exactly as it drives AWS: configuration, versions and aliases.
 * Hand-written because no Lambda API emulator is among this project's packages, and the slice is small: seven routes
 * over {@link LocalFunction}. Errors carry Lambda's `x-amzn-errortype` header, which the SDK turns into its named
 * exceptions (`ResourceNotFoundException`, `PreconditionFailedException`, …). Listens on 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaApiError, type LocalFunction } from './local-function';

/** A running API server. */
export interface LambdaApi {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a `LambdaClient`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

type Route = (
  fn: LocalFunction,
  match: RegExpExecArray,
  query: URLSearchParams,
  body: unknown,
) => [number, unknown];

const BASE = '/2015-03-31/functions/([^/]+)';

/** Lambda caps a version page at 50 by default; the paginator passes MaxItems when asked for another size. */
const DEFAULT_PAGE = 50;

const ROUTES: readonly (readonly [string, RegExp, Route])[] = [
  [
    'GET',
    new RegExp(`^${BASE}$`),
    (fn, _m, query) => [200, { Configuration: fn.configuration(qualifier(query)) }],
  ],
  [
    'GET',
    new RegExp(`^${BASE}/configuration$`),
    (fn, _m, query) => [200, fn.configuration(qualifier(query))],
  ],
  [
    'PUT',
    new RegExp(`^${BASE}/configuration$`),
    (fn, _m, _q, body) => {
      const input = object(body);
      const variables = object(object(input.Environment ?? {}).Variables ?? {});
      return [
        200,
        fn.updateConfiguration({
          environment: strings(variables),
          revisionId: optionalString(input.RevisionId),
        }),
      ];
    },
  ],
  [
    'POST',
    new RegExp(`^${BASE}/versions$`),
    (fn, _m, _q, body) => {
      const input = object(body ?? {});
      return [
        201,
        fn.publishVersion({
          description: optionalString(input.Description),
          revisionId: optionalString(input.RevisionId),
        }),
      ];
    },
  ],
  [
    'GET',
    new RegExp(`^${BASE}/versions$`),
    (fn, _m, query) => {
      const all = fn.listVersions();
      const start = Number(query.get('Marker') ?? '0');
      const size = Number(query.get('MaxItems') ?? DEFAULT_PAGE);
      const end = start + size;
      return [
        200,
        { Versions: all.slice(start, end), ...(end < all.length ? { NextMarker: String(end) } : {}) },
      ];
    },
  ],
  [
    'POST',
    new RegExp(`^${BASE}/aliases$`),
    (fn, _m, _q, body) => {
      const input = object(body);
      return [
        201,
        fn.createAlias(
          String(input.Name),
          String(input.FunctionVersion),
          optionalString(input.Description) ?? '',
        ),
      ];
    },
  ],
  ['GET', new RegExp(`^${BASE}/aliases/([^/]+)$`), (fn, match) => [200, fn.getAlias(segment(match, 2))]],
  [
    'PUT',
    new RegExp(`^${BASE}/aliases/([^/]+)$`),
    (fn, match, _q, body) => {
      const input = object(body ?? {});
      return [
        200,
        fn.updateAlias(segment(match, 2), {
          functionVersion: optionalString(input.FunctionVersion),
          description: optionalString(input.Description),
          revisionId: optionalString(input.RevisionId),
        }),
      ];
    },
  ],
];

/**
 * Serves `fn` on `port` (0: any free port) on 127.0.0.1.
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken
 */
export async function startLambdaApi(fn: LocalFunction, port: number): Promise<LambdaApi> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [status, payload, errorType] = handle(fn, request, Buffer.concat(chunks).toString('utf8'));
      const text = JSON.stringify(payload);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': randomUUID(),
        ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(fn: LocalFunction, request: http.IncomingMessage, text: string): [number, unknown, string?] {
  const url = new URL(request.url ?? '/', 'http://localhost');
  try {
    for (const [method, pattern, route] of ROUTES) {
      const match = pattern.exec(url.pathname);
      if (!match || method !== request.method) continue;
      const name = decodeURIComponent(segment(match, 1));
      if (name !== fn.name && name !== fn.arn) {
        throw new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${name}`);
      }
      return route(fn, match, url.searchParams, text === '' ? undefined : (JSON.parse(text) as unknown));
    }
    return [
      404,
      { Type: 'User', message: `${request.method ?? ''} ${url.pathname} is not served locally` },
      'UnknownOperationException',
    ];
  } catch (error) {
    if (error instanceof LambdaApiError) {
      return [error.status, { Type: 'User', message: error.message }, error.type];
    }
    const message = error instanceof Error ? error.message : String(error);
    return [400, { Type: 'User', message }, 'InvalidParameterValueException'];
  }
}

function qualifier(query: URLSearchParams): string | undefined {
  return query.get('Qualifier') ?? undefined;
}

function segment(match: RegExpExecArray, index: number): string {
  return decodeURIComponent(match[index] ?? '');
}

function object(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LambdaApiError('InvalidParameterValueException', 400, 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(variables: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value !== 'string') {
      throw new LambdaApiError(
        'InvalidParameterValueException',
        400,
        `Environment.Variables.${key} must be a string`,
      );
    }
    out[key] = value;
  }
  return out;
}
