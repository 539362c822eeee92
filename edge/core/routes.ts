// Path classes. The edge knows every public path, so an unknown one under /api/ or /files/ is a
// 404 here instead of a guess about which silo might know it. URIs are matched raw: an id with
// '%', '/', '.' or any byte outside [A-Za-z0-9_-] matches nothing.

export type PathClass =
  | { kind: 'static' }
  | { kind: 'config' }
  | { kind: 'auth'; action: 'signup' | 'locate' | 'login' | 'logout' }
  | { kind: 'session' }
  | { kind: 'file' }
  | { kind: 'file-content'; id: string }
  | { kind: 'unknown' };

const ID = '[A-Za-z0-9_-]{1,64}';
const SESSION_PATHS = new RegExp(
  `^/api/(?:me|profile|export|activity|stats|records|records/${ID}|files|files/${ID}|uploads|uploads/${ID}/complete)$`,
);
/** `/files/<id>` asks the silo for the file; `/files/<id>/content` carries its signed bytes. */
const FILE_PATH = new RegExp(`^/files/${ID}$`);
const FILE_CONTENT_PATH = new RegExp(`^/files/(${ID})/content$`);
const AUTH_PATH = /^\/api\/auth\/(signup|locate|login|logout)$/;

export function classify(uri: string): PathClass {
  const api = uri.startsWith('/api/') || uri === '/api';
  const files = uri.startsWith('/files/') || uri === '/files';
  if (!api && !files) return { kind: 'static' };
  if (files) {
    if (FILE_PATH.test(uri)) return { kind: 'file' };
    const content = FILE_CONTENT_PATH.exec(uri);
    return content ? { kind: 'file-content', id: content[1]! } : { kind: 'unknown' };
  }
  if (uri === '/api/config') return { kind: 'config' };
  const auth = AUTH_PATH.exec(uri);
  if (auth) return { kind: 'auth', action: auth[1] as 'signup' | 'locate' | 'login' | 'logout' };
  return SESSION_PATHS.test(uri) ? { kind: 'session' } : { kind: 'unknown' };
}
