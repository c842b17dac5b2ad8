import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NATIONAL_NUMBER_CLOUDWATCH_REGEX } from '../../shared/national-number-pattern';
import { FUNCTION_NODE_OPTIONS, type FunctionSpec } from '../../shared/topology';

/**
 * The custom data identifier of Belgian national numbers (INSZ/NISS) in the log groups. The logger
 * already redacts them; this catches whatever slips past it, e.g. an SDK error message.
 */
export const BELGIAN_NATIONAL_NUMBER_IDENTIFIER = 'BelgianNationalNumber';

/** The runtime: the latest Node.js that aws-cdk-lib knows (cdk-nag AwsSolutions-L1). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** esbuild target matching the runtime. */
const ESBUILD_TARGET = 'node24';

/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
const ESM_REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface HubFunctionProps {
  readonly spec: FunctionSpec;
  /** The project's root: entries and package-lock.json are resolved from it. */
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A function of the topology: bundled locally with esbuild (never Docker), ESM, ARM64, the latest
 * Node.js runtime, its own role with no managed policy (each grant is added by the caller, least
 * privilege), and its own log group with an explicit retention and a data protection policy that
 * masks Belgian national numbers.
 */
export class HubFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
      dataProtectionPolicy: new logs.DataProtectionPolicy({
        name: 'art60-hub-national-numbers',
        description: 'Masks Belgian national numbers (INSZ/NISS) that reach a log line despite the logger redaction',
        identifiers: [new logs.CustomDataIdentifier(BELGIAN_NATIONAL_NUMBER_IDENTIFIER, NATIONAL_NUMBER_CLOUDWATCH_REGEX)],
      }),
    });

    // Own role, no AWSLambdaBasicExecutionRole: writing to its one log group is all it needs to log.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${spec.name} function of the art. 60 hub`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(props.projectRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      description: spec.name,
      environment: { ...props.environment, NODE_OPTIONS: FUNCTION_NODE_OPTIONS },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        // Bundle the SDK too: the versions tested are the versions that run.
        externalModules: [],
        minify: true,
        // A map beside the bundle (index.mjs.map), without the sources: the mappings are all that
        // Node.js needs to rewrite a stack trace, and the sources would double the asset.
        sourceMap: true,
        sourcesContent: false,
        forceDockerBundling: false,
      },
    });
  }
}
