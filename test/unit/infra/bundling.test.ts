import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubFunction } from '../../../infra/constructs/hub-function';
import { PROJECT_ROOT } from '../../../infra/hub';

/**
 * The functions are bundled the way `npm run synth` bundles them: the local esbuild, no Docker,
 * ESM with a `require` shim. Proven on a fixture handler, so that this test does not depend on the
 * functions' code of other issues.
 */
let outdir: string;
let bundleDir: string;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'art60-bundle-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundling', { env: { account: '111111111111', region: 'eu-west-1' } });
  new HubFunction(stack, 'Fixture', {
    spec: {
      name: 'fixture',
      entry: 'test/unit/infra/fixtures/esm-handler.ts',
      triggers: [],
      timeoutSeconds: 10,
      memoryMb: 128,
      batchSize: 1,
    },
    stageName: 'test',
    logsKey: new kms.Key(stack, 'LogsKey'),
    projectRoot: PROJECT_ROOT,
    environment: {},
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  const previousDockerHost = process.env.DOCKER_HOST;
  // Would Docker be tried, this points it nowhere and bundling would fail.
  process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  try {
    app.synth();
  } finally {
    if (previousDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previousDockerHost;
  }
  template = Template.fromStack(stack);
  const code = (Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string } } }).Properties
    .Code;
  bundleDir = path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundling', () => {
  it('writes one ESM file, index.mjs, that opens with the require shim', () => {
    const file = path.join(bundleDir, 'index.mjs');
    expect(existsSync(file)).toBe(true);
    const code = readFileSync(file, 'utf8');
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*handler/);
  });

  it('bundles the dependencies, the AWS SDK included, into a handler that runs', async () => {
    const mod = (await import(pathToFileURL(path.join(bundleDir, 'index.mjs')).href)) as {
      handler: () => Promise<{ rows: number; region: string }>;
    };
    await expect(mod.handler()).resolves.toEqual({ rows: 2, region: 'eu-west-1' });
    expect(readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8')).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('writes a source map beside it, without the sources: the mappings are all a stack trace needs', () => {
    const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    const map = JSON.parse(readFileSync(path.join(bundleDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.endsWith('test/unit/infra/fixtures/esm-handler.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('turns source maps on in Node.js, so that a failure in CloudWatch names the TypeScript file and line', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, string> } };
    };
    const nodeOptions = fn.Properties.Environment.Variables.NODE_OPTIONS;
    expect(nodeOptions).toBe('--enable-source-maps --max-semi-space-size=8');
    // The bundle, run as Lambda runs it with that setting: the stack names the source, not index.mjs.
    const url = pathToFileURL(path.join(bundleDir, 'index.mjs')).href;
    const stack = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); await m.fails().catch((e) => console.log(e.stack));`],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions } },
    );
    expect(stack).toContain('fixture failure');
    expect(stack).toMatch(/test\/unit\/infra\/fixtures\/esm-handler\.ts:\d+:\d+/);
  });

  it('deploys it on nodejs24.x, ARM64, handler index.handler', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });
});
