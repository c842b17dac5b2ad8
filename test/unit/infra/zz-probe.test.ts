import { it } from 'vitest';
import { sandboxConfig } from '../../../infra/config';
import { resources, synthesizeHub } from './helpers';
it('probe', () => {
  const s = synthesizeHub({ config: sandboxConfig('123456789012', 'eu-central-1', 'me@example.org') });
  const set = new Set<string>();
  for (const [, k] of Object.entries(resources(s.stateful, 'AWS::KMS::Key')))
    for (const st of (k.Properties.KeyPolicy as any).Statement) set.add(JSON.stringify([Object.keys(st.Condition ?? {}), st.Condition?.ArnLike?.['aws:PrincipalArn'], st.Condition?.ArnEquals?.['aws:PrincipalArn']]));
  for (const t of ['AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy'])
  for (const [, k] of Object.entries(resources(s.stateful, t)))
    for (const st of (k.Properties.PolicyDocument as any).Statement) set.add(t+JSON.stringify([st.Sid, Object.keys(st.Condition ?? {}), st.Condition?.ArnLike?.['aws:PrincipalArn'], st.Condition?.ArnEquals?.['aws:PrincipalArn']]));
  console.log([...set].join('\n'));
});
