/** Everything the nginx configuration depends on: absolute paths and ports, decided before nginx starts. */
export interface NginxConfigInput {
  /** Absolute path of the dav-ext dynamic module (PROPFIND, OPTIONS). */
  davExtModule: string;
  /** Add `user root;` (only meaningful, and only allowed without a warning, when the master runs as root). */
  runAsRoot: boolean;
  /** The temp dir that holds pid, lock, logs, certificate, htpasswd and the *_temp_path directories. */
  dir: string;
  /** The directory served at `/`. */
  root: string;
  /** client_body_temp_path of the WebDAV locations: on the same filesystem as root, so a PUT is a rename(2). */
  davBodyTemp: string;
  httpPort: number;
  httpsPort: number;
  certFile: string;
  keyFile: string;
  htpasswdFile: string;
}

/**
 * Quotes a path for the nginx config language. `root` and friends expand `$variables` even inside
 * quotes and nginx has no escape for `$`, so paths with `$`, quotes, backslashes or control characters
 * are refused rather than silently mangled.
 */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\$\u0000-\u001f]/.test(value)) {
    throw new Error(`peer-nginx: path not usable in an nginx config (contains $, ", \\ or a control character): ${JSON.stringify(value)}`);
  }
  return `"${value}"`;
}

function davDirectives(input: NginxConfigInput, indent: string): string {
  return [
    'dav_methods PUT DELETE MKCOL COPY MOVE;',
    'dav_ext_methods PROPFIND OPTIONS;',
    'create_full_put_path on;',
    // Stock nginx answers DELETE / with 204 after deleting the whole root; refuse it (409) instead.
    'min_delete_depth 1;',
    'dav_access user:rw group:r all:r;',
    'client_max_body_size 0;',
    `client_body_temp_path ${quote(input.davBodyTemp)};`,
    'autoindex off;',
  ]
    .map((line) => indent + line)
    .join('\n');
}

function serverBlock(input: NginxConfigInput, tls: boolean): string {
  const listen = tls
    ? [`    listen 127.0.0.1:${input.httpsPort} ssl;`, `    ssl_certificate ${quote(input.certFile)};`, `    ssl_certificate_key ${quote(input.keyFile)};`]
    : [`    listen 127.0.0.1:${input.httpPort};`];
  return `  server {
${listen.join('\n')}
    server_name 127.0.0.1 localhost;
    root ${quote(input.root)};
    client_max_body_size 0;

    # WebDAV over the whole root.
    location / {
${davDirectives(input, '      ')}
    }

    # Plain static files (GET/HEAD only; PUT, DELETE, MKCOL, PROPFIND... answer 405): root/ro.
    location ^~ /ro/ {
      autoindex off;
    }

    # WebDAV like /, behind HTTP basic auth: root/private.
    location ^~ /private/ {
      auth_basic "deepstore";
      auth_basic_user_file ${quote(input.htpasswdFile)};
${davDirectives(input, '      ')}
    }

    # /redirect/<rest> answers 301 to /<rest> (query and percent-encoding kept as sent), for every method.
    location ^~ /redirect/ {
      return 301 $deepstore_redirect_target;
    }
  }`;
}

/** The whole nginx.conf for one peer. Every file nginx writes lives in input.dir (or davBodyTemp). */
export function renderNginxConfig(input: NginxConfigInput): string {
  const d = (name: string): string => quote(`${input.dir}/${name}`);
  return `# Written by @deepstore/peer-nginx. Started as: nginx -p <dir>/ -c <dir>/nginx.conf -e <dir>/error.log
load_module ${quote(input.davExtModule)};
${input.runAsRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
master_process on;
pid ${d('nginx.pid')};
lock_file ${d('nginx.lock')};
error_log ${d('error.log')} warn;

events {
  worker_connections 512;
}

http {
  access_log ${d('access.log')};
  client_body_temp_path ${d('client_body_temp')};
  proxy_temp_path ${d('proxy_temp')};
  fastcgi_temp_path ${d('fastcgi_temp')};
  uwsgi_temp_path ${d('uwsgi_temp')};
  scgi_temp_path ${d('scgi_temp')};
  default_type application/octet-stream;
  sendfile on;
  server_tokens off;
  keepalive_timeout 30s;

  map $request_uri $deepstore_redirect_target {
    default /;
    "~^/redirect(?<rest>/.*)$" $rest;
  }

${serverBlock(input, false)}

${serverBlock(input, true)}
}
`;
}
