import { awsClientSettings } from '../../../shared/adapters/aws-clients';
import type { TrailReader, TrailSelectors, TrailSummary } from './trail-check';

/**
 * The trail check's port over the AWS SDK's CloudTrail client, `@aws-sdk/client-cloudtrail`. The
 * package is a pinned devDependency, loaded only when the smoke test first asks; where it is missing
 * (an install without dev dependencies), that step fails with the command that installs it.
 */

/** The package, and the version to install (its latest release; the SDK publishes no 3.1169.0 of it). */
export const CLOUDTRAIL_PACKAGE = '@aws-sdk/client-cloudtrail';
export const CLOUDTRAIL_PACKAGE_VERSION = '3.1137.0';

interface CloudTrailSdk {
  readonly CloudTrailClient: new (config: object) => { send(command: unknown): Promise<unknown> };
  readonly DescribeTrailsCommand: new (input: object) => unknown;
  readonly GetEventSelectorsCommand: new (input: object) => unknown;
  readonly GetTrailStatusCommand: new (input: object) => unknown;
}

interface SdkSelector {
  readonly ReadWriteType?: string;
  readonly IncludeManagementEvents?: boolean;
  readonly ExcludeManagementEventSources?: string[];
}
interface SdkAdvancedSelector {
  readonly FieldSelectors?: Array<{ Field?: string; Equals?: string[]; NotEquals?: string[] }>;
}

/** A reader of the account's trails in the client's Region (the SDK's usual settings). */
export function cloudTrailReader(): TrailReader {
  let client: Promise<{ sdk: CloudTrailSdk; send(command: unknown): Promise<unknown> }> | undefined;
  const connect = () => {
    client ??= (async () => {
      // A name in a variable: TypeScript resolves no module that is not installed.
      const name: string = CLOUDTRAIL_PACKAGE;
      let sdk: CloudTrailSdk;
      try {
        sdk = (await import(name)) as CloudTrailSdk;
      } catch {
        throw new Error(
          `${CLOUDTRAIL_PACKAGE} is not installed: npm install --save-dev --save-exact ${CLOUDTRAIL_PACKAGE}@${CLOUDTRAIL_PACKAGE_VERSION}`,
        );
      }
      const c = new sdk.CloudTrailClient(awsClientSettings('other'));
      return { sdk, send: (command: unknown) => c.send(command) };
    })();
    return client;
  };
  return {
    async describeTrails(): Promise<TrailSummary[]> {
      const { sdk, send } = await connect();
      const out = (await send(new sdk.DescribeTrailsCommand({ includeShadowTrails: true }))) as {
        trailList?: Array<{
          Name?: string;
          TrailARN?: string;
          HomeRegion?: string;
          IsMultiRegionTrail?: boolean;
          IsOrganizationTrail?: boolean;
        }>;
      };
      return (out.trailList ?? []).map((t) => ({
        name: t.Name ?? '',
        trailArn: t.TrailARN ?? '',
        homeRegion: t.HomeRegion ?? '',
        isMultiRegionTrail: t.IsMultiRegionTrail === true,
        isOrganizationTrail: t.IsOrganizationTrail === true,
      }));
    },
    async eventSelectors(trailArn: string): Promise<TrailSelectors> {
      const { sdk, send } = await connect();
      const out = (await send(new sdk.GetEventSelectorsCommand({ TrailName: trailArn }))) as {
        EventSelectors?: SdkSelector[];
        AdvancedEventSelectors?: SdkAdvancedSelector[];
      };
      if (out.AdvancedEventSelectors !== undefined && out.AdvancedEventSelectors.length > 0) {
        return {
          advanced: out.AdvancedEventSelectors.map((s) => ({
            fieldSelectors: (s.FieldSelectors ?? []).map((f) => ({
              field: f.Field ?? '',
              ...(f.Equals ? { equals: f.Equals } : {}),
              ...(f.NotEquals ? { notEquals: f.NotEquals } : {}),
            })),
          })),
        };
      }
      return {
        basic: (out.EventSelectors ?? []).map((s) => ({
          ...(s.ReadWriteType ? { readWriteType: s.ReadWriteType } : {}),
          ...(s.IncludeManagementEvents !== undefined ? { includeManagementEvents: s.IncludeManagementEvents } : {}),
          ...(s.ExcludeManagementEventSources ? { excludeManagementEventSources: s.ExcludeManagementEventSources } : {}),
        })),
      };
    },
    async isLogging(trailArn: string): Promise<boolean> {
      const { sdk, send } = await connect();
      const out = (await send(new sdk.GetTrailStatusCommand({ Name: trailArn }))) as { IsLogging?: boolean };
      return out.IsLogging === true;
    },
  };
}
