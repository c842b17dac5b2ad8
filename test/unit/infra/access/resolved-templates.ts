import { createHash } from 'node:crypto';

/**
 * The synthesized templates with every intrinsic resolved to the value CloudFormation would give
 * it in one account and region: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split` and `Fn::ImportValue` across the stacks. A physical name the template leaves to
 * CloudFormation is made as CloudFormation makes it (`<stack>-<logical id>-<suffix>`, lower case
 * for a bucket), so that the ARN patterns the policies use meet the names AWS would give.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}
export interface StackTemplate {
  readonly stackName: string;
  readonly template: CfnTemplate;
}
export interface Place {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** A stand-in for the random part of a name CloudFormation generates: stable, from the logical id. */
function suffix(logicalId: string, length = 12): string {
  return createHash('sha256').update(logicalId).digest('hex').slice(0, length).toUpperCase();
}

/** A KMS key id (a UUID) from the logical id. */
function keyId(logicalId: string): string {
  const h = createHash('sha256').update(`key:${logicalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class ResolvedTemplates {
  private readonly exports = new Map<string, { stack: StackTemplate; value: Json }>();

  constructor(
    readonly stacks: readonly StackTemplate[],
    readonly place: Place,
  ) {
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export) this.exports.set(String(this.resolve(stack, output.Export.Name)), { stack, value: output.Value });
      }
    }
  }

  /** The stack that declares `logicalId`. */
  stackOf(logicalId: string): StackTemplate {
    const stack = this.stacks.find((s) => logicalId in s.template.Resources);
    if (stack === undefined) throw new Error(`No resource ${logicalId}`);
    return stack;
  }

  /** Every resource of a type, resolved properties included, by logical id. */
  resourcesOfType(type: string): Array<{ id: string; stack: StackTemplate; properties: Record<string, Json> }> {
    return this.stacks.flatMap((stack) =>
      Object.entries(stack.template.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([id, r]) => ({ id, stack, properties: this.resolve(stack, (r.Properties ?? {}) as Json) as Record<string, Json> })),
    );
  }

  /** A value with its intrinsics resolved, in the context of `stack`. */
  resolve(stack: StackTemplate, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = value[fn] as Json;
      switch (fn) {
        case 'Ref':
          return this.ref(stack, arg as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
          return this.attribute(this.stackOf(id), id, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, Json[]];
          return (this.resolve(stack, parts) as Json[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [Json, Json];
          return (this.resolve(stack, list) as Json[])[Number(this.resolve(stack, index))] as Json;
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, Json];
          return String(this.resolve(stack, text)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(stack, arg);
        case 'Fn::ImportValue': {
          const name = String(this.resolve(stack, arg));
          const exported = this.exports.get(name);
          if (exported === undefined) throw new Error(`No export ${name}`);
          return this.resolve(exported.stack, exported.value);
        }
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  private sub(stack: StackTemplate, arg: Json): string {
    const [text, variables] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, Json>];
    return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in variables) return String(this.resolve(stack, variables[name] as Json));
      const [id, attribute] = name.split('.') as [string, string | undefined];
      if (attribute !== undefined) return String(this.attribute(this.stackOf(id), id, attribute));
      return String(this.ref(stack, id));
    });
  }

  private ref(stack: StackTemplate, name: string): Json {
    const { account, region, partition } = this.place;
    const pseudo: Record<string, string> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack.stackName,
    };
    if (name in pseudo) return pseudo[name] as string;
    return this.attribute(this.stackOf(name), name, 'Ref');
  }

  /** What `Ref` or `Fn::GetAtt` gives for a resource (the attributes the hub's templates use). */
  attribute(stack: StackTemplate, id: string, attribute: string): Json {
    const resource = stack.template.Resources[id] as CfnResource;
    const props = resource.Properties ?? {};
    const named = (property: string, make: () => string) =>
      props[property] === undefined ? make() : String(this.resolve(stack, props[property] as Json));
    const generated = `${stack.stackName}-${id}-${suffix(id)}`;
    const { account, region, partition } = this.place;
    const values = (): Record<string, Json> => {
      switch (resource.Type) {
        case 'AWS::S3::Bucket': {
          const name = named('BucketName', () => generated.toLowerCase().slice(0, 63));
          return { Ref: name, Arn: `arn:${partition}:s3:::${name}` };
        }
        case 'AWS::SQS::Queue': {
          const name = named('QueueName', () => generated.slice(0, 80));
          return {
            Ref: `https://sqs.${region}.amazonaws.com/${account}/${name}`,
            Arn: `arn:${partition}:sqs:${region}:${account}:${name}`,
            QueueName: name,
          };
        }
        case 'AWS::KMS::Key': {
          const kid = keyId(id);
          return { Ref: kid, KeyId: kid, Arn: `arn:${partition}:kms:${region}:${account}:key/${kid}` };
        }
        case 'AWS::DynamoDB::Table': {
          const name = named('TableName', () => generated);
          return { Ref: name, Arn: `arn:${partition}:dynamodb:${region}:${account}:table/${name}` };
        }
        case 'AWS::IAM::Role': {
          const name = named('RoleName', () => generated.slice(0, 64));
          const path = named('Path', () => '/');
          return { Ref: name, RoleId: `AROA${suffix(id, 17)}`, Arn: `arn:${partition}:iam::${account}:role${path}${name}` };
        }
        case 'AWS::SNS::Topic': {
          const name = named('TopicName', () => generated);
          const arn = `arn:${partition}:sns:${region}:${account}:${name}`;
          return { Ref: arn, TopicArn: arn, TopicName: name };
        }
        case 'AWS::Lambda::Function': {
          const name = named('FunctionName', () => generated.slice(0, 64));
          return { Ref: name, Arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` };
        }
        case 'AWS::Logs::LogGroup': {
          const name = named('LogGroupName', () => `/aws/${generated}`);
          return { Ref: name, Arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` };
        }
        case 'AWS::Events::Rule': {
          const name = named('Name', () => generated.slice(0, 64));
          return { Ref: name, Arn: `arn:${partition}:events:${region}:${account}:rule/${name}` };
        }
        default:
          return { Ref: id };
      }
    };
    const value = values()[attribute];
    if (value === undefined) throw new Error(`${id} (${resource.Type}) has no attribute ${attribute} here`);
    return value;
  }
}
