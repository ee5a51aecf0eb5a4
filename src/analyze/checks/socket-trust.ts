// Which listening unix socket may be offered as the place nginx should connect to. Any local user can
// create a socket in a world-writable directory and give it a php-fpm-like name, and a host user chooses
// the socket's path: an edit that points nginx there must neither hand every request to whoever made it
// nor carry their text into nginx's config. A module of its own so that every check that proposes a
// socket (today the path typo next to the real socket, in unix-sockets.ts) asks the same questions.

/**
 * Directories any local user may create a socket in. A socket there with a php-fpm-like name proves nothing
 * about who runs it: pointing nginx at it would hand every request to whoever made it. Such a socket is
 * named as a hint, never offered as the fix.
 */
const SHARED_DIRS = ['/tmp/', '/var/tmp/', '/dev/shm/', '/run/user/', '/run/lock/', '/var/lock/'];
export const inSharedDir = (path: string) => SHARED_DIRS.some((d) => path.startsWith(d));
/**
 * A path that can go into nginx's config as one plain word: a socket path a host user chose may hold a
 * newline, `;` or `{`, which an edit would turn into directives of their choosing.
 */
export const PLAIN_PATH = /^\/[\w.@%+=:,/-]+$/;
