import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import ts from 'typescript';

/** The Kubernetes release whose OpenAPI schema kubernetes-models 5.x is generated from. */
export const KUBERNETES_SCHEMA_VERSION = '1.36';

/** A manifest and where it came from, for messages. */
export interface Manifest {
  source: string;
  value: { apiVersion?: unknown; kind?: unknown; [key: string]: unknown };
}

interface Kind {
  model: new (data: never) => { validate(): void };
  module: string;
  type: string;
}

/** The kinds the hub's manifests use (a manifest of any other kind is refused, so it gets a schema here first). */
const KINDS: Record<string, Kind> = {
  'v1/ConfigMap': { model: ConfigMap, module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service', type: 'IService' },
  'apps/v1/Deployment': {
    model: Deployment,
    module: 'kubernetes-models/apps/v1/Deployment',
    type: 'IDeployment',
  },
  'batch/v1/Job': { model: Job, module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
};

function kindOf(manifest: Manifest): Kind | undefined {
  return KINDS[`${String(manifest.value.apiVersion)}/${String(manifest.value.kind)}`];
}

/**
 * Validates manifests as `kubeconform -strict` would, against Kubernetes 1.36's OpenAPI schema:
 * types, required fields and enums through kubernetes-models' validators (compiled from that
 * schema), and no field the schema does not know (a misspelt `readOnlyRootFileSystem` is silently
 * dropped by the API server) through the TypeScript compiler's excess-property check against the
 * same package's types. Resolves one message per problem; none means valid.
 */
export function kubernetesSchemaErrors(manifests: Manifest[]): string[] {
  const errors: string[] = [];
  for (const manifest of manifests) {
    const kind = kindOf(manifest);
    if (!kind) {
      errors.push(
        `${manifest.source}: no schema here for ${String(manifest.value.apiVersion)} ${String(manifest.value.kind)}`,
      );
      continue;
    }
    try {
      new kind.model(manifest.value as never).validate();
    } catch (error) {
      errors.push(`${manifest.source}: ${(error as Error).message}`);
    }
  }
  return [...errors, ...unknownFieldErrors(manifests.filter((m) => kindOf(m)))];
}

function unknownFieldErrors(manifests: Manifest[]): string[] {
  const fileName = join(import.meta.dirname, '__manifests__.ts');
  const imports = [...new Set(manifests.map((m) => kindOf(m)!))]
    .map((kind) => `import type { ${kind.type} } from '${kind.module}';`)
    .join('\n');
  const spans: { source: string; start: number; end: number }[] = [];
  let text = `${imports}\n`;
  manifests.forEach((manifest, i) => {
    const start = text.length;
    text += `export const manifest${i}: ${kindOf(manifest)!.type} = ${JSON.stringify(manifest.value, null, 1)};\n`;
    spans.push({ source: manifest.source, start, end: text.length });
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const source = program.getSourceFile(fileName)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const where = spans.find((s) => d.start !== undefined && d.start >= s.start && d.start < s.end);
    return `${where?.source ?? 'manifests'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
