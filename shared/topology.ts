/**
 * The one topology definition: every bucket, queue, table and function of the hub, with the
 * settings that matter to behaviour, the environment variables through which a function finds each
 * resource, and what each function uses. The CDK app (infra/) declares these resources from this
 * file, and the local stand-in (local/) creates the same ones in the emulators. Logical names only: physical names are CloudFormation's
 * in AWS, and the logical name itself on the laptop.
 *
 * By kind: topology/queues.ts, topology/storage.ts (buckets, tables), topology/functions.ts; this
 * module re-exports them for the many modules that import the topology.
 */

export * from './topology/functions';
export * from './topology/queues';
export * from './topology/storage';
