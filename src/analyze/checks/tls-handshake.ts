// Why a TLS handshake with an upstream fails, from the words OpenSSL and nginx put in the error log, and the
// config change each reason asks for. One cause (upstream-ssl-handshake-failed), several fixes: a backend
// that requires SNI ("unrecognized name", alert 112) needs proxy_ssl_server_name on (nginx sends no name by
// default); a backend answering in plain text ("wrong version number") needs http://; a certificate that does
// not verify under proxy_ssl_verify needs the CA that signed it, or the name it is for.
import type { ErrorLogEntry } from '../../model/facts.js';
import type { Fix } from '../../model/types.js';
import type { UpstreamTarget } from '../../model/upstream.js';
import { inEffect, sibling } from '../../read/upstreams.js';
import { insertAfterLine, replaceLine, replaceOnLine } from '../edit.js';
import type { CheckContext } from './context.js';

export type TlsProblem = 'sni-required' | 'plain-text' | 'verify' | 'name-mismatch' | 'client-cert' | 'other';

const PROBLEMS: [TlsProblem, RegExp][] = [
  ['sni-required', /unrecognized name|SSL alert number 112\b/],
  [
    'plain-text',
    /wrong version number|packet length too long|http request|upstream prematurely sent response/i,
  ],
  ['verify', /upstream SSL certificate verify error/],
  ['name-mismatch', /upstream SSL certificate does not match/],
  ['client-cert', /certificate required|SSL alert number (?:116|48)\b/],
];

/** The first reason the entries show, in the order of PROBLEMS. */
export function tlsProblem(entries: ErrorLogEntry[]): TlsProblem {
  for (const [problem, words] of PROBLEMS) if (entries.some((e) => words.test(e.message))) return problem;
  return 'other';
}

/** proxy_, grpc_, uwsgi_: the prefix of the target's ssl directives. */
function prefix(t: UpstreamTarget): string {
  return t.directive.replace(/_pass$/, '_');
}

/** The host nginx names in the handshake by default: the proxy_pass host (the group's name for a group). */
function defaultName(t: UpstreamTarget): string {
  return t.group?.name ?? t.endpoints[0]?.host ?? t.id.replace(/^[a-z]+:\/\//, '');
}

export function tlsDetail(t: UpstreamTarget, entries: ErrorLogEntry[]): string {
  const p = prefix(t);
  switch (tlsProblem(entries)) {
    case 'sni-required':
      return (
        `The backend behind ${t.id} rejects the handshake with "unrecognized name": it serves TLS only for the names ` +
        `it knows and needs the name in SNI, which nginx does not send unless ${p}ssl_server_name is on.`
      );
    case 'plain-text':
      return `nginx speaks TLS to ${t.id}, but the backend answers in plain text ("wrong version number"): it does not serve HTTPS on that port.`;
    case 'verify':
      return (
        `${p}ssl_verify is on and the backend's certificate does not verify against ${p}ssl_trusted_certificate ` +
        `(the log gives OpenSSL's reason): it is signed by another CA, self-signed, or its chain is incomplete.`
      );
    case 'name-mismatch':
      return `The backend's certificate is not for the name nginx checks (${p}ssl_name, by default ${defaultName(t)}).`;
    case 'client-cert':
      return `The backend asks for a client certificate nginx does not send, or does not trust the one it sends (${p}ssl_certificate).`;
    case 'other':
      return `nginx cannot complete a TLS handshake with ${t.id}: a certificate, protocol or cipher mismatch.`;
  }
}

/** The directive whose line is evidence for the problem, when the config sets it. */
export function tlsSetting(t: UpstreamTarget, entries: ErrorLogEntry[]): string | undefined {
  const problem = tlsProblem(entries);
  if (problem === 'verify') return `${prefix(t)}ssl_trusted_certificate`;
  if (problem === 'name-mismatch') return `${prefix(t)}ssl_name`;
  if (problem === 'sni-required') return `${prefix(t)}ssl_server_name`;
  return undefined;
}

export function tlsFix(ctx: CheckContext, t: UpstreamTarget, entries: ErrorLogEntry[]): Fix {
  const p = prefix(t);
  const use = t.uses[0]!;
  const sources = ctx.facts.nginx.sources;
  switch (tlsProblem(entries)) {
    case 'sni-required':
      return sniFix(ctx, t);
    case 'plain-text': {
      const edit = replaceOnLine(sources, use.ref.file, use.ref.line, `${t.scheme}://`, 'http://');
      return edit
        ? { summary: `The backend speaks plain HTTP: proxy to http:// instead of https://`, edit }
        : {
            summary: `The backend speaks plain text on that port: use http://, or point ${t.directive} at its TLS port`,
          };
    }
    case 'verify':
      return {
        summary:
          `Set ${p}ssl_trusted_certificate to the CA certificate that signed the backend's certificate ` +
          `(and ${p}ssl_name to the name it is for), or give the backend a certificate from a CA in that file`,
      };
    case 'name-mismatch':
      return {
        summary: `Set ${p}ssl_name to a name the backend's certificate is for (and ${p}ssl_server_name on if the backend needs SNI)`,
      };
    case 'client-cert':
      return {
        summary: `Give nginx the client certificate the backend expects: ${p}ssl_certificate and ${p}ssl_certificate_key`,
      };
    case 'other':
      return {
        summary: `Compare the backend's TLS settings with ${p}ssl_protocols / ${p}ssl_server_name / ${p}ssl_verify`,
      };
  }
}

/** `proxy_ssl_server_name on;` beside the pass directive (replacing an `off` set there), and the name to send. */
function sniFix(ctx: CheckContext, t: UpstreamTarget): Fix {
  const p = prefix(t);
  const pass = t.uses[0]!.node;
  const sources = ctx.facts.nginx.sources;
  const current = inEffect(pass, `${p}ssl_server_name`);
  const nameHint = t.group
    ? ` and ${p}ssl_name to the name the backend serves (nginx would send the group's name, ${t.group.name})`
    : '';
  if (current?.args[0] === 'on')
    return {
      summary: `${p}ssl_server_name is on, but the backend does not know the name sent (${defaultName(t)}): set ${p}ssl_name to the name it serves`,
    };
  const here = sibling(pass, `${p}ssl_server_name`);
  const line = `${p}ssl_server_name on;`;
  const edit = here
    ? replaceLine(sources, here.file, here.line, [line])
    : insertAfterLine(sources, pass.file, pass.line, [line]);
  return { summary: `Send the name in SNI: \`${line}\`${nameHint}`, ...(edit ? { edit } : {}) };
}
