// How the bot and the workers reach Slack over HTTP: one pool of kept-alive connections per process, given
// to every WebClient (and to Bolt's respond(), which posts to response_url) as their `fetch`. WebClient calls
// `globalThis.fetch` by default, whose connection reuse is Node's default dispatcher's to decide (under a
// burst of 100 commands it opened a connection for nearly every call, each a TCP and TLS handshake on the
// bot's one thread); here the agents say it: keep-alive, at most MAX_SOCKETS connections to a host (further
// calls wait for a free one), the most recently used first, idle ones closed before the server's keep-alive
// hint runs out (Node's agent reads `Keep-Alive: timeout=N`).
//
// A small fetch over node:http/https: what WebClient and respond() send (a string or FormData body, plain
// headers, an abort signal, `redirect: 'error'`) and what they read back (status, headers, text, JSON,
// bytes). Redirects are not followed (Slack's Web API and response_url never redirect): with 'error' one is
// refused, otherwise it is answered as it came. An answer larger than MAX_BODY_BYTES is refused.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { webApi } from '@slack/bolt';

/** Connections to one host at most: enough for a burst of commands, few enough to stay warm. */
export const MAX_SOCKETS = 16;
/** Slack's answers are small JSON; anything near this is not an answer. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type FetchFunction = webApi.FetchFunction;
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

export interface KeepAliveFetch {
  fetch: FetchFunction;
  /** Closes the idle connections (open ones close when their call ends). */
  destroy(): void;
}

export function keepAliveFetch(maxSockets = MAX_SOCKETS): KeepAliveFetch {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return {
    fetch: (url, init) => send(new URL(url), init ?? {}, { http, https }),
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}

let shared: KeepAliveFetch | undefined;

/** The process's one pool (created on first use), shared by every WebClient of the process. */
export function sharedFetch(): FetchFunction {
  shared ??= keepAliveFetch();
  return shared.fetch;
}

/** A FormData (or any body but a string) as bytes and the content type fetch would give it. */
async function encodeBody(
  body: FetchRequestInit['body'],
): Promise<{ bytes?: Buffer; contentType?: string }> {
  if (body === undefined) return {};
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  const encoded = new Response(body);
  return {
    bytes: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? undefined,
  };
}

async function send(
  url: URL,
  init: FetchRequestInit,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<FetchResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`fetch: unsupported protocol ${url.protocol}`);
  init.signal?.throwIfAborted();
  const { bytes, contentType } = await encodeBody(init.body);
  const headers: Record<string, string> = { ...init.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (contentType && !has('content-type')) headers['content-type'] = contentType;
  if (bytes) headers['content-length'] = String(bytes.length);
  if (!has('accept-encoding')) headers['accept-encoding'] = 'gzip, deflate, br';
  const secure = url.protocol === 'https:';
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      resolve,
    );
    req.once('error', reject);
    req.end(bytes);
  });
  const status = res.statusCode ?? 0;
  if (init.redirect === 'error' && status >= 300 && status < 400 && res.headers.location !== undefined) {
    res.resume();
    throw new TypeError(`fetch: ${url.href} redirected (${status}) and redirect is 'error'`);
  }
  const body = await readAll(decoded(res), url);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    url: url.href,
    headers: {
      get: (name) => {
        const n = name.toLowerCase();
        const values = pairs.filter(([k]) => k === n).map(([, v]) => v);
        return values.length === 0 ? null : values.join(', ');
      },
      entries: () => pairs.values(),
    },
    arrayBuffer: () =>
      Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer),
    text: () => Promise.resolve(body.toString('utf8')),
    json: () => Promise.resolve(JSON.parse(body.toString('utf8')) as unknown),
  };
}

/** The answer's bytes as sent before compression (fetch decodes gzip, deflate and br; so does this). */
function decoded(res: IncomingMessage): NodeJS.ReadableStream & { destroy(err?: Error): void } {
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  res.once('error', (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

function readAll(stream: NodeJS.ReadableStream & { destroy(err?: Error): void }, url: URL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        stream.destroy(new Error(`fetch: ${url.href} answered more than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error(`fetch: ${url.href} closed before the answer ended`)));
  });
}
