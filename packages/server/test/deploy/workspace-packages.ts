import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './deploy-files.js';

/** A workspace package's manifest, as far as publishing reads it. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  bin?: Record<string, string>;
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Every package of the workspace (`packages/*`, `examples/*`), with its folder. */
export function workspacePackages(): { dir: string; manifest: PackageManifest }[] {
  return ['packages', 'examples'].flatMap((group) =>
    readdirSync(join(REPO_ROOT, group))
      .map((name) => join(REPO_ROOT, group, name))
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({
        dir,
        manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest,
      })),
  );
}

/** The packages a release publishes: the workspace's non-private ones. */
export function publishedPackages() {
  return workspacePackages().filter((p) => !p.manifest.private);
}
