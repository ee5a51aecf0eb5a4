// The pieces sudo rules are written with (sudo >= 1.9.10: an argument list between ^ and $ is a regular
// expression matched against all arguments joined by spaces, so nothing can slip an extra argument past it,
// as sudoers' `*` lets it). Paths are spelled so that no segment can be `.` or `..` (a segment may start with
// one dot, for our hidden temp and backup files) and no character a shell or sudo would read specially fits.
// Used by the diagnosis rules (./diagnosis.ts) and the apply rules (src/remediate/sudoers.ts).

/** One path segment: `/name`, `/.name`; never `/.`, `/..` or anything with a space. */
export const SEG = '/[.]?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';
/** A file name without a directory. */
export const NAME = '[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';
/** Any absolute path, `/` included. */
export const ANY_PATH = `(/|(${SEG})+)`;
/** A path below /etc/nginx. */
export const NGINX_PATH = `/etc/nginx(${SEG})+`;
/** /etc/nginx or a directory below it (nginx.conf's directory is /etc/nginx itself). */
export const NGINX_DIR = `/etc/nginx(${SEG})*`;
/** nginx's logs, in /var/log/nginx or below. */
export const LOG_PATH = `/var/log/nginx(${SEG})+`;
/** Where Debian installs nginx: the only nginx program the rules name (sudo resolves `nginx` to it). */
export const NGINX_BINARY = '/usr/sbin/nginx';

/**
 * A constant (a script, a format) as a sudoers regular expression matching exactly it: regex
 * metacharacters in brackets; `^` `"` `$` `,` `:` `=` `#` escaped with a backslash for sudoers' own lexer; a
 * backslash as a bracketed (escaped) backslash; a tab in brackets. A newline cannot be said in sudoers.
 */
export function literalPattern(text: string): string {
  return [...text]
    .map((c) => {
      // `^` escaped: in brackets it would negate them.
      if ('"$,:=#^'.includes(c)) return `\\${c}`;
      if (c === '\\') return '[\\\\]';
      if (c === '\t') return '[\t]';
      if ('.*+?()[]{}|'.includes(c)) return `[${c}]`;
      if (c === '\n' || c === '\r' || c === '\0')
        throw new Error('cannot express a line break or NUL in sudoers');
      return c;
    })
    .join('');
}

/** A user name sudoers and the shell read as one plain word (POSIX-ish login names). */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** `Cmnd_Alias NAME = rule, …` and the user's NOPASSWD line, as sudoers wants them (one rule a line). */
export function aliasBlock(comment: string[], alias: string, rules: string[], grant: string): string {
  return [
    ...comment.map((c) => `# ${c}`),
    `Cmnd_Alias ${alias} = \\`,
    rules.map((r) => `    ${r}`).join(', \\\n'),
    grant,
  ].join('\n');
}
