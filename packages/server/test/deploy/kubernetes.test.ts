import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env-schema.js';
import {
  DOCKER_DIR,
  dockerfileInstructions,
  HUB_ENV_NAMES,
  readRepoFile,
  readYamlDocuments,
} from './deploy-files.js';
import { KUBERNETES_SCHEMA_VERSION, kubernetesSchemaErrors, type Manifest } from './kubernetes-schema.js';

const FILES = ['secret.example.yaml', 'config.yaml', 'migrate-job.yaml', 'hub.yaml'];
const manifests: Manifest[] = FILES.flatMap((file) =>
  readYamlDocuments('docker', 'k8s', file).map((value, i) => ({
    source: `docker/k8s/${file}#${i + 1}`,
    value,
  })),
);

// biome-ignore lint/suspicious/noExplicitAny: manifests are plain YAML values, read by path.
function find(kind: string): any {
  const found = manifests.filter((m) => m.value.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.value;
}

const deployment = find('Deployment');
const job = find('Job');
const pods = { Deployment: deployment.spec.template, Job: job.spec.template };
const imageUser = dockerfileInstructions(readRepoFile('docker', 'Dockerfile')).find(
  (i) => i.keyword === 'USER',
)!.args;

describe(`Kubernetes manifests (schema of Kubernetes ${KUBERNETES_SCHEMA_VERSION})`, () => {
  it('are every YAML file in docker/k8s', () => {
    const present = readdirSync(join(DOCKER_DIR, 'k8s')).filter((f) => /\.ya?ml$/.test(f));
    expect(present.sort()).toEqual([...FILES].sort());
    expect(manifests.map((m) => m.value.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Job',
        'PodDisruptionBudget',
        'Secret',
        'Service',
      ].sort(),
    );
  });

  it('validate against the schema, strictly (no field the schema does not know)', () => {
    expect(kubernetesSchemaErrors(manifests)).toEqual([]);
  });

  it('the validator refuses a misspelt field, a wrong type and a missing required field', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    broken.spec.revisionHistoryLimit = 'five';
    delete broken.spec.selector;
    const errors = kubernetesSchemaErrors([{ source: 'broken', value: broken }]).join('\n');
    expect(errors).toMatch(/readOnlyRootFileSystem/);
    expect(errors).toMatch(/revisionHistoryLimit must be integer/);
    expect(errors).toMatch(/must have required property selector/);
  });

  for (const [kind, pod] of Object.entries(pods)) {
    describe(`the ${kind}'s pod`, () => {
      const container = pod.spec.containers[0];

      it('runs as the image user, with no capabilities, no privilege gain, a read-only root and an in-memory /tmp', () => {
        expect(pod.spec.containers).toHaveLength(1);
        expect(pod.spec.automountServiceAccountToken).toBe(false);
        expect(pod.spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: Number(imageUser.split(':')[0]),
          runAsGroup: Number(imageUser.split(':')[1]),
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
        expect(pod.spec.volumes).toEqual([
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
        ]);
      });

      it('requests CPU and memory and caps memory', () => {
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory).toEqual(expect.any(String));
      });

      it('reads its settings from the ConfigMap and the Secret', () => {
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'smart-ai-hub' } },
          { secretRef: { name: 'smart-ai-hub' } },
        ]);
        expect(container.image).toMatch(/^ghcr\.io\/[a-z0-9-]+\/smart-ai-hub:\d+\.\d+\.\d+$/);
      });

      it('starts no process of its own for probes or hooks', () => {
        expect(JSON.stringify(pod)).not.toMatch(/"exec"/);
      });
    });
  }

  it('the Deployment: startup, readiness and liveness probes over HTTP, a drain before SIGTERM', () => {
    const container = deployment.spec.template.spec.containers[0];
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(
      container.startupProbe.periodSeconds * container.startupProbe.failureThreshold,
    ).toBeGreaterThanOrEqual(60);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8787 }]);
    const preStop = container.lifecycle.preStop.sleep.seconds;
    const shutdown = Number(find('ConfigMap').data.SHUTDOWN_TIMEOUT);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + shutdown);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('the migration Job runs migrate --first-admin once, on the same image and settings as the replicas', () => {
    const migrate = job.spec.template.spec.containers[0];
    const hub = deployment.spec.template.spec.containers[0];
    expect(migrate.command).toEqual(['node', 'dist/cli/main.js', 'migrate', '--first-admin']);
    expect(hub.command).toBeUndefined();
    expect(migrate.image).toBe(hub.image);
    expect(migrate.envFrom).toEqual(hub.envFrom);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
  });

  it('the Service, PodDisruptionBudget and autoscaler select the Deployment', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(find('Service').spec.selector).toEqual(labels);
    const pdb = find('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(labels);
    expect(pdb.spec.minAvailable).toBe(1);
    const hpa = find('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThan(pdb.spec.minAvailable);
    // The autoscaler owns the replica count; a `replicas` here would reset it on every apply.
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  it('the Secret template and the ConfigMap hold only variables the hub reads, and make a valid configuration', () => {
    const data = find('ConfigMap').data;
    const secret = find('Secret').stringData;
    for (const name of [...Object.keys(data), ...Object.keys(secret)])
      expect(HUB_ENV_NAMES.has(name), name).toBe(true);
    expect(Object.keys(data).filter((k) => k in secret)).toEqual([]);
    expect(envSchema.safeParse({ ...data, ...secret }).error).toBeUndefined();
    expect(secret.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(secret.REDIS_URL).toMatch(/^redis:\/\//);
  });
});
