// Runs in every test file before the file imports anything of the project.

// The AWS SDK v3 warns when the Node.js version nears its end of support: noise here, not a finding.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Passing tests print no handler logs. The shared logger reads its level when it is first imported,
// so a test that reads log lines (log-redaction) sets its own level before importing it; a level
// set in the shell wins, to watch the logs of a run.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Nor CloudWatch metric (EMF) lines: no test reads them from stdout.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
