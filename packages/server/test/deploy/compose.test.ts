import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { DOCKER_DIR, HUB_ENV_NAMES, readRepoFile, readYamlDocuments } from './deploy-files.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  [key: string]: unknown;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const single = readYamlDocuments('docker', 'compose.yml')[0] as unknown as ComposeFile;
const scaled = readYamlDocuments('docker', 'compose.scaled.yml')[0] as unknown as ComposeFile;

// dclint validates against the Compose specification's JSON schema, then applies its rules. The
// rules about key order are style, and `image` beside `build` is deliberate: it names the one
// image the migration step and the replicas share (or a released one, with HUB_IMAGE).
const linter = new DCLinter({
  rules: {
    'no-build-and-image': 0,
    'service-keys-order': 0,
    'services-alphabetical-order': 0,
    'top-level-properties-order': 0,
    'require-quotes-in-ports': [2, { quoteType: 'double' }],
  },
  quiet: false,
  debug: false,
  exclude: [],
});

/** What a hub container must have to run with a read-only root, no capabilities, no privilege gain. */
function expectLockedDown(service: ComposeService) {
  expect(service.read_only).toBe(true);
  expect(service.tmpfs).toContain('/tmp');
  expect(service.cap_drop).toEqual(['ALL']);
  expect(service.security_opt).toContain('no-new-privileges:true');
}

describe('docker compose files', () => {
  it('pass the Compose schema and dclint', () => {
    const results = linter.lintFiles(
      [join(DOCKER_DIR, 'compose.yml'), join(DOCKER_DIR, 'compose.scaled.yml')],
      false,
    );
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath}:${m.line} ${m.rule}: ${m.message}`),
    );
    expect(problems).toEqual([]);
    expect(results).toHaveLength(2);
  });

  it('set only variables the hub reads', () => {
    for (const file of [single, scaled]) {
      for (const [name, service] of Object.entries(file.services)) {
        if (!service.build) continue;
        for (const variable of Object.keys(service.environment ?? {})) {
          expect(HUB_ENV_NAMES.has(variable), `${name}: ${variable}`).toBe(true);
        }
      }
    }
  });

  it('single node: the image on a data volume, locked down, health-checked by the image', () => {
    const hub = single.services.hub!;
    expect(hub.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    expect(hub.volumes).toEqual(['hub-data:/data']);
    expect(hub.ports).toEqual(['127.0.0.1:8787:8787']);
    expect(hub.healthcheck).toBeUndefined();
    expectLockedDown(hub);
  });

  describe('scaled', () => {
    const { hub, migrate, postgres, redis, proxy } = scaled.services as Record<string, ComposeService>;

    it('runs the migrations, and creates the first admin, once before any replica starts', () => {
      expect(migrate!.command).toEqual(['node', 'dist/cli/main.js', 'migrate', '--first-admin']);
      expect(migrate!.restart).toBe('no');
      expect(migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(hub!.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(hub!.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
      expect(hub!.depends_on?.redis).toEqual({ condition: 'service_healthy' });
      // One image for both, and the same database; the admin's variables reach only the step.
      expect(migrate!.image).toBe(hub!.image);
      expect(migrate!.build).toEqual(hub!.build);
      expect(migrate!.environment?.DATABASE_URL).toBe(hub!.environment?.DATABASE_URL);
      expect(Object.keys(migrate!.environment ?? {}).sort()).toEqual(
        ['DATABASE_URL', 'HUB_ADMIN_EMAIL', 'HUB_ADMIN_PASSWORD'].sort(),
      );
      expect(hub!.environment).not.toHaveProperty('HUB_ADMIN_PASSWORD');
      expect(hub!.command).toBeUndefined();
      expectLockedDown(hub!);
      expectLockedDown(migrate!);
    });

    it('keeps Redis on an append-only file in a volume, so the event stream is durable', () => {
      expect(redis!.command).toEqual(
        expect.arrayContaining(['redis-server', '--appendonly', 'yes', '--appendfsync', 'everysec']),
      );
      expect(redis!.volumes).toEqual(['redis-data:/data']);
      expect(scaled.volumes).toHaveProperty('redis-data');
      expect(redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
      expect(postgres!.volumes).toEqual(['pg-data:/var/lib/postgresql/data']);
      expect(postgres!.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
      expect(hub!.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(hub!.environment?.HUB_SECRET).toMatch(/^\$\{HUB_SECRET:\?/);
    });

    it('puts nginx in front, waiting for healthy replicas and re-resolving them as they scale', () => {
      expect(proxy!.image).toMatch(/^nginx:1\.(2[89]|[3-9]\d)/);
      expect(proxy!.depends_on).toEqual({ hub: { condition: 'service_healthy' } });
      expect(proxy!.volumes).toEqual(['./nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
      expect(hub!.environment?.TRUST_PROXY).toBe('1');
      const nginx = readRepoFile('docker', 'nginx.conf');
      expect(nginx).toMatch(/^resolver 127\.0\.0\.11 valid=\d+s/m);
      const upstream = /upstream hub \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
      expect(upstream).toMatch(/\bzone hub \d+k;/);
      expect(upstream).toMatch(/\bserver hub:8787 resolve;/);
      expect(nginx).toMatch(/proxy_pass http:\/\/hub;/);
      expect(nginx).toMatch(/proxy_buffering off;/);
    });
  });
});
