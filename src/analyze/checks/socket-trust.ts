// Which listening unix socket may be offered as the place nginx should connect to. Any local user can
// create a socket in a world-writable directory and give it a php-fpm-like name, and a host user chooses
// the socket's path: an edit that points nginx there must neither hand every request to whoever made it
// nor carry their text into nginx's config. Shared by the checks that propose a socket: a path typo next
// to the real socket (unix-sockets.ts) and a TCP target whose backend listens on a socket instead
// (other-transport.ts).

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
