// The big nginx config the parse benchmarks share: 10,000 server blocks (each with five locations) and
// 2,500 upstream groups, about 4 MB. Two spellings of the same directives: as `nginx -T` output (the main
// file including conf.d/*.conf, as a real host dumps it) and as one self-contained nginx.conf (no includes),
// which every parser can read, so crossplane and nginx-conf parse exactly the bytes we parse.

export function upstreams(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const port = 3000 + (i % 2000);
    out +=
      `upstream app_${i} {\n` +
      `    zone app_${i} 64k;\n` +
      `    server 10.0.${(i >> 8) & 255}.${i & 255}:${port} max_fails=3 fail_timeout=10s;\n` +
      `    server 10.1.${(i >> 8) & 255}.${i & 255}:${port} backup;\n` +
      `    keepalive 32;\n` +
      `}\n\n`;
  }
  return out;
}

export function server(i: number, groups: number): string {
  const host = `site${i}.example.com`;
  return `server {
    listen 80;
    listen [::]:80;
    listen 443 ssl http2;
    server_name ${host} www.${host};
    ssl_certificate /etc/ssl/certs/${host}.pem;
    ssl_certificate_key /etc/ssl/private/${host}.key;
    access_log /var/log/nginx/${host}.access.log main;
    root /var/www/${host};

    location / {
        try_files $uri $uri/ @app;   # static first
    }

    location @app {
        proxy_pass http://app_${i % groups};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_read_timeout 30s;
    }

    location /api/ {
        proxy_pass http://127.0.0.1:${8000 + (i % 1000)}/;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }

    location ~* \\.(png|jpg|css|js)$ {
        expires 7d;
        add_header Cache-Control "public, max-age=604800";
    }

    location = /healthz {
        return 200 "ok\\n";
    }
}

`;
}

/** One upstream group for every four servers. */
export function groupsFor(servers: number): number {
  return Math.max(1, Math.floor(servers / 4));
}

const MAIN_HEAD =
  'user www-data;\nworker_processes auto;\npid /run/nginx.pid;\nerror_log /var/log/nginx/error.log;\n' +
  'events {\n    worker_connections 4096;\n}\n\nhttp {\n' +
  '    log_format main \'$remote_addr - [$time_local] "$request" $status $upstream_addr\';\n' +
  '    resolver 127.0.0.53 valid=30s;\n';

/** The config as `nginx -T` prints it: nginx.conf, then conf.d/upstreams.conf and conf.d/servers.conf. */
export function generateDump(servers: number): string {
  const groups = groupsFor(servers);
  const parts: string[] = [
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n',
    'nginx: configuration file /etc/nginx/nginx.conf test is successful\n',
    '# configuration file /etc/nginx/nginx.conf:\n',
    MAIN_HEAD,
    '    include /etc/nginx/conf.d/*.conf;\n}\n\n',
    '# configuration file /etc/nginx/conf.d/upstreams.conf:\n',
    upstreams(groups),
    '\n# configuration file /etc/nginx/conf.d/servers.conf:\n',
  ];
  for (let i = 0; i < servers; i++) parts.push(server(i, groups));
  return parts.join('');
}

/** The same directives as one nginx.conf: the upstreams and servers written inside `http { … }`. */
export function generateFlat(servers: number): string {
  const groups = groupsFor(servers);
  const parts: string[] = [MAIN_HEAD, upstreams(groups)];
  for (let i = 0; i < servers; i++) parts.push(server(i, groups));
  parts.push('}\n');
  return parts.join('');
}
