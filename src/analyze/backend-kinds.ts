// What a backend process speaks, told from the name `ss -p` shows for it (the kernel's comm, at most 15
// characters: "php-fpm8.2", "gunicorn: maste"). When nginx dials a TCP address nobody listens on while a
// unix socket listens (or names a missing socket while a TCP port listens), the other one is offered as
// the fix only if its owner speaks what the pass directive sends: fastcgi_pass to a gunicorn socket, or
// proxy_pass to php-fpm, would trade a refused connection for a garbled one.
import type { Listener } from '../model/facts.js';
import type { PassDirective } from '../model/upstream.js';

type Protocol = 'fastcgi' | 'uwsgi' | 'http';

const DIRECTIVE_PROTOCOL: Partial<Record<PassDirective, Protocol>> = {
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  proxy_pass: 'http',
};

/** Process names of the servers that speak each protocol (prefixes: comm is cut, titles carry a suffix). */
const SPEAKERS: Record<Protocol, RegExp> = {
  fastcgi: /^(?:php-fpm|php-cgi|fcgiwrap)/,
  uwsgi: /^uwsgi/i,
  // HTTP application servers, and the runtimes an HTTP app runs in when it does not rename itself.
  http: /^(?:gunicorn|uvicorn|hypercorn|daphne|waitress|puma|unicorn|thin|passenger|node|nodejs|bun|deno|(?:python|ruby)[\d.]*$)/,
};

/**
 * Whether this listener belongs to a server that speaks what `directive` sends: every owner does, apart
 * from systemd holding a socket it activates the server with, and at least one owner is that server.
 */
export function speaksTo(directive: PassDirective, listener: Listener): boolean {
  const protocol = DIRECTIVE_PROTOCOL[directive];
  if (protocol === undefined) return false;
  const speakers = listener.processes.filter((p) => SPEAKERS[protocol].test(p.name));
  return speakers.length > 0 && listener.processes.every((p) => speakers.includes(p) || p.name === 'systemd');
}

/** Whether the listener's owners are all known servers of a protocol other than `directive`'s. */
export function speaksOtherThan(directive: PassDirective, listener: Listener): boolean {
  const protocol = DIRECTIVE_PROTOCOL[directive];
  if (protocol === undefined || listener.processes.length === 0) return false;
  return listener.processes.every((p) =>
    Object.entries(SPEAKERS).some(([other, names]) => other !== protocol && names.test(p.name)),
  );
}
