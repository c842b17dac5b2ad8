import * as path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NATIONAL_NUMBER_CLOUDWATCH_REGEX } from '../../shared/national-number-pattern';
import { FUNCTION_NODE_OPTIONS, type FunctionSpec } from '../../shared/topology';
import { acknowledgeServerless, SERVERLESS_REASONS } from '../nag';

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

/**
 * The IAM path of a function's role, `/art60-hub/<stage>/<function>/`. The role's name is
 * CloudFormation's; the path is fixed, so that the key policies in the stateful stack, which is
 * deployed first, name the role by `aws:PrincipalArn` (`arn:…:role/art60-hub/dev/split-batch/*`)
 * before it exists, and a re-created role keeps its access.
 */
export function functionRolePath(stageName: string, functionName: string): string {
  return `/art60-hub/${stageName}/${functionName}/`;
}

/** The ARN pattern of a function's role (any name under {@link functionRolePath}). */
export function functionRoleArnPattern(stack: Stack, stageName: string, functionName: string): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: `${functionRolePath(stageName, functionName).slice(1)}*`,
  });
}

/** The ARN pattern of every role of the hub in a stage (the functions', the operator's): `role/art60-hub/<stage>/*`. */
export function hubRolesArnPattern(stack: Stack, stageName: string): string {
  return stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `art60-hub/${stageName}/*` });
}

/**
 * The name of a function's log group, `/art60-hub/<stage>/<function>`. A physical name, on purpose:
 * the log groups are encrypted with the stateful stack's logs key, whose policy lets CloudWatch Logs
 * use it only for these groups (`kms:EncryptionContext:aws:logs:arn`), and that stack is deployed
 * before the groups exist.
 */
export function functionLogGroupName(stageName: string, functionName: string): string {
  return `/art60-hub/${stageName}/${functionName}`;
}

/** The ARN of a log group by name, as CloudWatch Logs puts it in the encryption context (no `:*`). */
export function logGroupArn(stack: Stack, logGroupName: string): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

export interface HubFunctionProps {
  readonly spec: FunctionSpec;
  /** The stage: the role's path and the log group's name carry it. */
  readonly stageName: string;
  /** The customer-managed key of the log groups (the stateful stack's logs key). */
  readonly logsKey: kms.IKey;
  /** The project's root: entries and package-lock.json are resolved from it. */
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A function of the topology: bundled locally with esbuild (never Docker), ESM, ARM64, the latest
 * Node.js runtime, its own role with no managed policy (each grant is added by the caller, least
 * privilege) under a stage's path, and its own log group, encrypted with the logs key, with an
 * explicit retention and a data protection policy that masks Belgian national numbers.
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
      logGroupName: functionLogGroupName(props.stageName, spec.name),
      encryptionKey: props.logsKey,
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
      path: functionRolePath(props.stageName, spec.name),
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
    acknowledgeServerless(this.fn, 'LambdaDLQ', SERVERLESS_REASONS.functionHasNoDlq);
    acknowledgeServerless(this.fn, 'LambdaTracing', SERVERLESS_REASONS.noTracing);
  }
}
