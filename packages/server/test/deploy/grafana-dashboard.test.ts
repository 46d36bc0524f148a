import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayKit, eventually, type GatewayKit } from '../../src/domains/models/models-test-kit.js';
import { DOCKER_DIR, HUB_ENV_NAMES, readRepoFile, readYamlDocuments } from './deploy-files.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string; datasource?: { uid: string } }>;
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string }> };
}

const dashboard = JSON.parse(
  readRepoFile('docker', 'grafana', 'dashboards', 'smart-ai-hub.json'),
) as Dashboard;
const expressions = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
);
const overlay = readYamlDocuments('docker', 'compose.observability.yml')[0] as {
  services: Record<string, { profiles?: string[]; volumes?: string[]; environment?: Record<string, string> }>;
  secrets: Record<string, unknown>;
};

describe('the Grafana dashboard and its compose services', () => {
  it('has panels over the hub’s metrics, each on the data source variable, for every section', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Traffic', 'Latency', 'Errors per provider', 'Spend per model', 'Ledger health']);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable, not a template string
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.expr, panel.title).toMatch(/hub_/);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'model']);
  });

  it('adds Prometheus and Grafana behind one profile, off by default, with the files they mount', () => {
    const { prometheus, grafana, hub } = overlay.services;
    expect(prometheus!.profiles).toEqual(['observability']);
    expect(grafana!.profiles).toEqual(['observability']);
    expect(Object.keys(hub!.environment ?? {})).toEqual(['METRICS_TOKEN']);
    for (const name of Object.keys(hub!.environment ?? {})) expect(HUB_ENV_NAMES.has(name)).toBe(true);
    for (const volume of [...prometheus!.volumes!, ...grafana!.volumes!]) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('./')) expect(existsSync(join(DOCKER_DIR, source)), volume).toBe(true);
    }
    const provider = readYamlDocuments(
      'docker',
      'grafana',
      'provisioning',
      'dashboards',
      'smart-ai-hub.yml',
    )[0] as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(grafana!.volumes).toContain(`./grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
    // An overlay names no project: it joins the one of the file it is added to.
    const linter = new DCLinter({
      rules: {
        'require-project-name-field': 0,
        'service-keys-order': 0,
        'services-alphabetical-order': 0,
        'top-level-properties-order': 0,
        'require-quotes-in-ports': [2, { quoteType: 'double' }],
      },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const results = linter.lintFiles([join(DOCKER_DIR, 'compose.observability.yml')], false);
    expect(results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.rule}: ${m.message}`))).toEqual([]);
  });

  it('ships a Prometheus configuration promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-promtool-'));
    try {
      // promtool checks that the secret's file exists: point it at one.
      writeFileSync(join(dir, 'token'), 'a-token-for-promtool');
      const config = readRepoFile('docker', 'prometheus', 'prometheus.yml').replace(
        '/run/secrets/metrics_token',
        join(dir, 'token'),
      );
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const run = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(run.error, 'promtool missing: apt-get install -y prometheus').toBeUndefined();
      expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A port nothing listens on (the OS's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the dashboard against a real Prometheus scraping a hub under traffic', () => {
  const TOKEN = 'dashboard-scrape-token-0123';
  let kit: GatewayKit;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let dir: string;
  let stopTraffic = false;
  let traffic: Promise<void>;

  const query = async (expr: string) => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };

  beforeAll(async () => {
    kit = await createGatewayKit('sqlite', 'memory', {
      listen: true,
      env: { METRICS_TOKEN: TOKEN },
      settings: {
        rateLimits: { apiKey: { requestsPerMinute: 8 } },
        circuitBreaker: { failureThreshold: 1_000, cooldownMs: 1_000 },
      },
    });
    // A little of everything, again and again: answers, streams, cache hits, a fallback, an
    // upstream failure, a refusal for credits and one for the rate limit.
    traffic = (async () => {
      const chat = (headers: Record<string, string>, payload: object) =>
        fetch(`${kit.t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        }).then((res) => res.text());
      const ask = (model: string, content: string, extra: object = {}) => ({
        model,
        messages: [{ role: 'user', content }],
        ...extra,
      });
      while (!stopTraffic) {
        const { headers } = await kit.user();
        await chat(headers, ask('test-gpt', 'hello'));
        await chat(headers, ask('test-gpt', 'stream', { stream: true }));
        await chat(headers, ask('test-cached', 'cache me'));
        await chat(headers, ask('test-cached', 'cache me'));
        kit.fake.script({ status: 500 }, { status: 500 }, { status: 500 });
        await chat(headers, ask('test-fallback', 'fall back'));
        kit.fake.script({ status: 500 }, { status: 500 }, { status: 500 });
        await chat(headers, ask('test-gpt', 'fails'));
        for (let i = 0; i < 3; i++) await chat(headers, ask('test-gpt', `more ${i}`));
        const broke = await kit.user({ units: 0 });
        await chat(broke.headers, ask('test-gpt', 'no credits'));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    dir = mkdtempSync(join(tmpdir(), 'hub-prometheus-'));
    writeFileSync(join(dir, 'token'), TOKEN);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: smart-ai-hub',
        `    authorization: { type: Bearer, credentials_file: ${join(dir, 'token')} }`,
        `    static_configs: [{ targets: ['${new URL(kit.t.url).host}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    let failed: Error | undefined;
    prometheus.on('error', (error) => {
      failed = error;
    });
    await eventually(async () => {
      if (failed)
        throw new Error(`prometheus did not start (apt-get install -y prometheus): ${failed.message}`);
      return (await fetch(`${prometheusUrl}/-/ready`).catch(() => null))?.ok === true;
    }, 60_000);
    // Enough scrapes of the hub (authorized: `up` is 1) for every rate window of the queries below.
    await eventually(async () => {
      const [scrapes] = await query('sum_over_time(up{job="smart-ai-hub"}[40s])').catch(() => []);
      return Number(scrapes?.value[1] ?? 0) >= 25;
    }, 90_000);
  }, 180_000);

  afterAll(async () => {
    stopTraffic = true;
    await traffic;
    prometheus?.kill();
    await kit?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`evaluates every one of the dashboard's ${expressions.length} expressions to data`, async () => {
    const empty: string[] = [];
    for (const { panel, expr } of expressions) {
      const promql = expr
        // Windows wide enough to hold some of every kind of traffic on a slow machine.
        .replaceAll('$__rate_interval', '30s')
        .replaceAll('$__range', '40s')
        .replaceAll('$model', '.*');
      const result = await query(promql);
      const numbers = result.map((r) => Number(r.value[1])).filter(Number.isFinite);
      if (numbers.length === 0) empty.push(`${panel}: ${promql} -> ${JSON.stringify(result)}`);
    }
    expect(empty).toEqual([]);
  }, 60_000);
});
