/**
 * The sandbox's smoke test, after `npm run deploy -- -c stage=sandbox` (README.md, Deployment):
 *
 *   npm run smoke -- --stage sandbox [--rows N] [--timeout SECONDS]
 *
 * With the operator's credentials for the sandbox account: reads the stacks' outputs, assumes the
 * roles that play the parties, puts a generated file as the PPS, reads each recipient's queue
 * until its batch.completed is complete, sends a validation decision as VDAB, reads it on the
 * PPS's queue, and sets an alarm to ALARM so that its e-mail is sent. Prints each step; exits 1
 * at the first that fails, 2 on wrong arguments.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientSettings, createS3Client, createSqsClient } from '../shared/adapters/aws-clients';
import { runSmoke } from './lib/smoke';
import { parseSmokeArguments, SMOKE_USAGE } from './lib/smoke/command-line';
import { SmokeFailure } from './lib/smoke/definitions';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const parsed = parseSmokeArguments(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(`${SMOKE_USAGE}\n`);
} else if (parsed.kind === 'usage') {
  process.stderr.write(`${parsed.problem}\n${SMOKE_USAGE}\n`);
  process.exitCode = 2;
} else {
  try {
    await runSmoke(
      {
        cloudFormation: new CloudFormationClient(awsClientSettings('other')),
        sts: new STSClient(awsClientSettings('other')),
        cloudWatch: new CloudWatchClient(awsClientSettings('other')),
        asParty: (credentials) => ({ s3: createS3Client({ credentials }), sqs: createSqsClient({ credentials }) }),
      },
      parsed.options,
      (line) => process.stdout.write(`${line}\n`),
    );
    process.stdout.write('smoke test passed\n');
  } catch (error) {
    const message = error instanceof SmokeFailure ? error.message : String(error);
    process.stderr.write(`✗ ${message}\n`);
    process.exitCode = 1;
  }
}
